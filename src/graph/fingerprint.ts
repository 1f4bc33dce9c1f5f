// Fingerprint of a stage = hash of everything its output depends on: its kind and parsed config,
// the experiment parts it reads (kind.inputs), its seed (kind.seed, else the experiment's), its
// upstream stages' fingerprints, its datasets' manifest fingerprints and the code version. The
// stage's name is left out, so the same work under another name or in another experiment is the
// same cache entry. A dataset directory that does not exist enters as "missing: <dir>" and is
// listed in `missing`, so that a plan can be shown before the data is there (run refuses it).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { positionIssues } from '../spec/validate.ts';
import { UserError } from '../util/errors.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import type { StageGraph, StageNode } from './build.ts';
import { datasetFingerprint } from '../data/manifest.ts';
import { locateDataset, missingFingerprint, type MissingDataset } from './missing-data.ts';

export interface FingerprintInputs {
  kind: string;
  config: unknown;
  inputs: unknown;
  seed: number; // the stage's own (kind.seed), else the experiment's
  upstream: Record<string, string | string[]>; // role -> upstream fingerprint(s)
  datasets: string[]; // manifest fingerprints (or missingFingerprint(dir)), sorted
  code: string;
}

export interface FingerprintedStage {
  name: string;
  node: StageNode;
  fingerprint: string;
  inputs: FingerprintInputs;
  totalSteps: number;
  missing: MissingDataset[]; // dataset directories it reads that do not exist
}

export interface FingerprintEnv {
  code: string; // CodeVersion.id
  datasetFingerprint?: (dir: string) => string;
}

export const FINGERPRINT_LENGTH = 16;

export function fingerprintOf(inputs: FingerprintInputs): string {
  return sha256Hex(canonicalJson(inputs)).slice(0, FINGERPRINT_LENGTH);
}

/** Fingerprints of every stage of the graph, computed in dependency order. */
export function fingerprintGraph(graph: StageGraph, env: FingerprintEnv): Map<string, FingerprintedStage> {
  const out = new Map<string, FingerprintedStage>();
  for (const name of graph.order) {
    const node = graph.nodes.get(name)!;
    const data = datasetsOf(node, graph, env.datasetFingerprint ?? datasetFingerprint);
    const inputs: FingerprintInputs = {
      kind: node.kind.kind,
      config: node.config,
      inputs: positioned(graph, () => node.kind.inputs?.(node.config, graph.experiment) ?? null),
      seed: node.kind.seed?.(node.config, graph.experiment) ?? graph.experiment.seed,
      upstream: mapReferences(node.references, (stage) => out.get(stage)!.fingerprint),
      datasets: data.fingerprints,
      code: env.code,
    };
    out.set(name, { name, node, fingerprint: fingerprintOf(inputs), inputs, totalSteps: node.kind.totalSteps(node.config), missing: data.missing });
  }
  return out;
}

/** Apply `f` to every referenced stage name, keeping the references' shape. */
export function mapReferences<T>(refs: Record<string, string | string[]>, f: (stage: string) => T): Record<string, T | T[]> {
  return Object.fromEntries(Object.entries(refs).map(([role, target]) => [role, Array.isArray(target) ? target.map(f) : f(target)]));
}

/** Run a kind's hook; UserErrors it throws with document paths (`models.vit.layers`) get positions. */
function positioned<T>(graph: StageGraph, hook: () => T): T {
  try {
    return hook();
  } catch (err) {
    if (err instanceof UserError) throw new UserError(positionIssues(err.issues, graph.trial.map));
    throw err;
  }
}

function datasetsOf(node: StageNode, graph: StageGraph, fingerprint: (dir: string) => string): { fingerprints: string[]; missing: MissingDataset[] } {
  const dirs = [...new Set((node.kind.datasets?.(node.config, graph.experiment) ?? []).map((d) => resolve(d)))];
  const absent = dirs.filter((d) => !existsSync(d));
  try {
    return {
      fingerprints: [...new Set(dirs.map((d) => (absent.includes(d) ? missingFingerprint(d) : fingerprint(d))))].sort(),
      missing: absent.map((d) => locateDataset(d, node.name, graph.trial)),
    };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(err.issues.map((i) => ({ ...i, message: `stage ${node.name}: ${i.message}` })));
  }
}

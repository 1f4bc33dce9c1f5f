// Fingerprint of a stage = hash of everything its output depends on: its kind and parsed config,
// the experiment parts it reads (kind.inputs), the seed, its upstream stages' fingerprints, its
// datasets' manifest fingerprints and the code version. The stage's name is left out, so the same
// work under another name or in another experiment is the same cache entry.
import { resolve } from 'node:path';
import { positionIssues } from '../spec/validate.ts';
import { UserError } from '../util/errors.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import type { StageGraph, StageNode } from './build.ts';
import { datasetFingerprint } from '../data/manifest.ts';

export interface FingerprintInputs {
  kind: string;
  config: unknown;
  inputs: unknown;
  seed: number;
  upstream: Record<string, string | string[]>; // role -> upstream fingerprint(s)
  datasets: string[]; // manifest fingerprints, sorted
  code: string;
}

export interface FingerprintedStage {
  name: string;
  node: StageNode;
  fingerprint: string;
  inputs: FingerprintInputs;
  totalSteps: number;
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
    const inputs: FingerprintInputs = {
      kind: node.kind.kind,
      config: node.config,
      inputs: positioned(graph, () => node.kind.inputs?.(node.config, graph.experiment) ?? null),
      seed: graph.experiment.seed,
      upstream: mapReferences(node.references, (stage) => out.get(stage)!.fingerprint),
      datasets: datasetsOf(node, graph, env.datasetFingerprint ?? datasetFingerprint),
      code: env.code,
    };
    out.set(name, { name, node, fingerprint: fingerprintOf(inputs), inputs, totalSteps: node.kind.totalSteps(node.config) });
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

function datasetsOf(node: StageNode, graph: StageGraph, fingerprint: (dir: string) => string): string[] {
  const dirs = node.kind.datasets?.(node.config, graph.experiment) ?? [];
  try {
    return [...new Set(dirs.map((d) => fingerprint(resolve(d))))].sort();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(err.issues.map((i) => ({ ...i, message: `stage ${node.name}: ${i.message}` })));
  }
}

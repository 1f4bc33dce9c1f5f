// Fingerprint of a stage = hash of everything its output depends on: its kind and parsed config,
// the experiment parts it reads (kind.inputs), its seed (kind.seed, else the experiment's), its
// upstream stages' fingerprints, its datasets' manifest fingerprints and the code version. The
// stage's name is left out, so the same work under another name or in another experiment is the
// same cache entry. A dataset directory that does not exist enters as "missing: <dir>" and is
// listed in `missing`, so that a plan can be shown before the data is there (run refuses it); so is
// a file that the kind's inputs name as "missing: <path>" (the tokenizer).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceMap } from '../config/source-map.ts';
import { issueAtKey, uniqueIssues } from '../config/validate.ts';
import { isMapping, parseDottedPath } from '../config/values.ts';
import { UserError, type Issue } from '../util/errors.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import type { StageGraph, StageNode } from './build.ts';
import { datasetFingerprint } from '../data/manifest.ts';
import { locateDataset, missingFingerprint, missingInputFiles, type MissingDataset } from './missing-data.ts';

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
  missing: MissingDataset[]; // dataset directories and files it reads that do not exist
}

export interface FingerprintEnv {
  code: string; // CodeVersion.id
  datasetFingerprint?: (dir: string) => string;
}

export const FINGERPRINT_LENGTH = 16;

export function fingerprintOf(inputs: FingerprintInputs): string {
  return sha256Hex(canonicalJson(inputs)).slice(0, FINGERPRINT_LENGTH);
}

/**
 * Fingerprints of every stage of the graph, computed in dependency order. Every stage is tried (but
 * not those downstream of a failed one), so that all problems are reported at once.
 */
export function fingerprintGraph(graph: StageGraph, env: FingerprintEnv): Map<string, FingerprintedStage> {
  const out = new Map<string, FingerprintedStage>();
  const issues: Issue[] = [];
  for (const name of graph.order) {
    const node = graph.nodes.get(name)!;
    if (node.edges.some((e) => !out.has(e.stage))) continue;
    try {
      out.set(name, fingerprintStage(node, graph, env, out));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (issues.length > 0) throw new UserError(uniqueIssues(issues));
  return out;
}

function fingerprintStage(node: StageNode, graph: StageGraph, env: FingerprintEnv, done: Map<string, FingerprintedStage>): FingerprintedStage {
  const hook = <T>(f: () => T): T => placedHook(node, graph.trial.map, f);
  const data = datasetsOf(node, graph, hook(() => node.kind.datasets?.(node.config, graph.experiment) ?? []), env.datasetFingerprint ?? datasetFingerprint);
  const inputs: FingerprintInputs = {
    kind: node.kind.kind,
    config: node.config,
    inputs: hook(() => node.kind.inputs?.(node.config, graph.experiment) ?? null),
    seed: hook(() => node.kind.seed?.(node.config, graph.experiment) ?? graph.experiment.seed),
    upstream: mapReferences(node.references, (stage) => done.get(stage)!.fingerprint),
    datasets: data.fingerprints,
    code: env.code,
  };
  const files = missingInputFiles(inputs.inputs).map((f) => locateDataset(f, node.name, graph.trial, 'file'));
  return { name: node.name, node, fingerprint: fingerprintOf(inputs), inputs, totalSteps: node.kind.totalSteps(node.config), missing: [...data.missing, ...files] };
}

/** Apply `f` to every referenced stage name, keeping the references' shape. */
export function mapReferences<T>(refs: Record<string, string | string[]>, f: (stage: string) => T): Record<string, T | T[]> {
  return Object.fromEntries(Object.entries(refs).map(([role, target]) => [role, Array.isArray(target) ? target.map(f) : f(target)]));
}

/** The parts of the spec a kind's hooks see besides their own block (StageExperiment). */
const EXPERIMENT_KEYS = new Set<string | number>(['name', 'seed', 'backend', 'data', 'models']);

/**
 * Run a kind's hook. The issues of a UserError it throws carry paths relative to the stage's block
 * (`model`, `corpus.webli`) or, starting with a part of the experiment that is not a key of the
 * block, document paths (`models.vit.layers`, `data.train`); either way they get the spec's position.
 */
function placedHook<T>(node: StageNode, map: SourceMap, hook: () => T): T {
  try {
    return hook();
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(err.issues.map((i) => (i.file === undefined ? placeIssue(i, node, map) : i)));
  }
}

function placeIssue(issue: Issue, node: StageNode, map: SourceMap): Issue {
  const own = issue.path ?? [];
  const document = own.length > 0 && EXPERIMENT_KEYS.has(own[0]) && !(isMapping(node.config) && Object.hasOwn(node.config, own[0]));
  const path = document ? own : ['stages', node.name, ...own];
  return { ...issue, path, ...map.at(path) };
}

function datasetsOf(node: StageNode, graph: StageGraph, named: string[], fingerprint: (dir: string) => string): { fingerprints: string[]; missing: MissingDataset[] } {
  const dirs = [...new Set(named.map((d) => resolve(d)))];
  const absent = dirs.filter((d) => !existsSync(d));
  const fingerprints = dirs.map((d) => {
    if (absent.includes(d)) return missingFingerprint(d);
    try {
      return fingerprint(d);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      const where = locateDataset(d, node.name, graph.trial);
      throw new UserError(err.issues.map((i) => issueAtKey(i, where.key ? parseDottedPath(where.key) : ['stages', node.name], graph.trial.map)));
    }
  });
  return { fingerprints: [...new Set(fingerprints)].sort(), missing: absent.map((d) => locateDataset(d, node.name, graph.trial)) };
}

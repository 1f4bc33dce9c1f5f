// What a stage reads of the experiment's `data:` block: the training sources and their weights,
// the tokenizer, frames per example, the eval sets. Errors name the spec key that is missing.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sha256Hex } from '../util/hash.ts';
import { loadTokenizer, type TextTokenizer } from '../data/tokenizer.ts';
import type { MixtureOptions } from '../data/mixture.ts';
import { unknownNameMessage, userError } from '../util/errors.ts';
import { unknownName } from '../data/names.ts';
import type { EvalSetRef } from '../eval/evaluate-assembly.ts';
import { DEFAULT_SHAPE } from '../models/summary.ts';
import { DEFAULT_EVAL_SETS, type EvalTask } from '../eval/tasks.ts';
import type { StageExperiment } from './types.ts';

/** data.frames, else the paper's clip length (the default `vadapter model summary` and report/ assume too); an image is repeated to it. */
export function framesPerExample(experiment: StageExperiment): number {
  return experiment.data.frames ?? DEFAULT_SHAPE.frames;
}

/** The training mixture: every `data.train` source, weighted by `data.mixture` (default equal). */
export function trainSources(experiment: StageExperiment): Pick<MixtureOptions, 'sources' | 'weights' | 'verify'> {
  const sources = experiment.data.train;
  if (!sources || Object.keys(sources).length === 0) throw userError('missing_key', 'this stage trains on data.train, which is empty', { path: ['data', 'train'] });
  return { sources: Object.fromEntries(Object.entries(sources).map(([n, d]) => [n, resolve(d)])), weights: experiment.data.mixture, verify: experiment.data.verify };
}

/**
 * A language model's corpus: `weights` over the datasets of data.train and data.text (sources of
 * weight 0 are left out); without weights, the training mixture. `path` is the weights' spec key.
 */
export function corpusSources(experiment: StageExperiment, weights: Record<string, number> | undefined, path: (string | number)[]): Pick<MixtureOptions, 'sources' | 'weights' | 'verify'> {
  if (!weights) return trainSources(experiment);
  const known: Record<string, string> = { ...experiment.data.train, ...experiment.data.text };
  for (const name of Object.keys(weights)) {
    if (!(name in known)) throw unknownName('dataset', name, Object.keys(known), { path: [...path, name] });
  }
  const used = Object.entries(weights).filter(([, w]) => w > 0);
  if (used.length === 0) throw userError('bad_weight', 'at least one corpus source needs a positive weight', { path });
  return { sources: Object.fromEntries(used.map(([n]) => [n, resolve(known[n])])), weights: Object.fromEntries(used), verify: experiment.data.verify };
}

export function tokenizerPath(experiment: StageExperiment): string {
  const path = experiment.data.tokenizer;
  if (!path) throw userError('missing_key', 'no tokenizer: set data.tokenizer to a tokenizer.json', { path: ['data', 'tokenizer'] });
  return resolve(path);
}

/** The tokenizer file's content hash, for fingerprints (a missing file is named, and fails at run time). */
export function tokenizerDigest(experiment: StageExperiment): string {
  const path = tokenizerPath(experiment);
  return existsSync(path) ? sha256Hex(readFileSync(path)) : `missing: ${path}`;
}

export function experimentTokenizer(experiment: StageExperiment): TextTokenizer {
  return loadTokenizer(tokenizerPath(experiment));
}

/** The directory of eval set `name`. */
export function evalSetDir(experiment: StageExperiment, name: string, path: (string | number)[]): string {
  const sets = experiment.data.eval ?? {};
  const dir = sets[name];
  if (dir) return resolve(dir);
  throw userError('unknown_eval_set', unknownNameMessage(`no eval set "${name}" in data.eval`, name, Object.keys(sets), { label: 'defined' }), { path });
}

/** Each task with its set's name and directory; `path` is where `sets` sits in the stage config, for errors. */
export function resolveEvalSets(tasks: EvalTask[], sets: Partial<Record<EvalTask, string>>, experiment: StageExperiment, path: (string | number)[]): EvalSetRef[] {
  return tasks.map((task) => {
    const set = sets[task] ?? DEFAULT_EVAL_SETS[task];
    return { task, set, dir: evalSetDir(experiment, set, [...path, task]), verify: experiment.data.verify };
  });
}

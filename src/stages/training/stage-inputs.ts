// What enters a training stage's fingerprint beside its own config: the resolved model configs, the
// data settings it reads (mixture weights, frames, the tokenizer's content), and the dataset
// directories (whose manifests the runner hashes): training sources plus validation sets.
import { existsSync } from 'node:fs';
import { readManifest } from '../../data/manifest.ts';
import { checkVocab } from '../../eval/vocab-check.ts';
import type { AssemblyConfigs } from '../../models/assembly-config.ts';
import type { StageExperiment } from '../types.ts';
import { experimentTokenizer, framesPerExample, tokenizerDigest, tokenizerPath } from '../experiment-data.ts';
import type { ValidationOptions } from './training-options.ts';

export function trainingInputs(experiment: StageExperiment, models: unknown): unknown {
  return { models, frames: framesPerExample(experiment), mixture: experiment.data.mixture ?? null, tokenizer: tokenizerDigest(experiment) };
}

/** At plan time: the component that embeds the data's token ids has a row for each (when the tokenizer file is there; `path`: the stage key naming it). */
export function checkVocabAtPlan(experiment: StageExperiment, configs: AssemblyConfigs, path: (string | number)[]): void {
  if (existsSync(tokenizerPath(experiment))) checkVocab(configs, experimentTokenizer(experiment), path);
}

/** Validation set directories: those named, else every caption-eval set that exists now. */
export function validationDirs(experiment: StageExperiment, o: ValidationOptions): string[] {
  const sets = experiment.data.eval ?? {};
  if (o.sets) return o.sets.map((name) => sets[name]).filter((d): d is string => d !== undefined);
  return Object.values(sets).filter((dir) => existsSync(dir) && readManifest(dir).kind === 'caption-eval');
}

export function trainingDatasets(experiment: StageExperiment, o: ValidationOptions): string[] {
  return [...Object.values(experiment.data.train ?? {}), ...validationDirs(experiment, o)];
}

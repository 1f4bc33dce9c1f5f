// The one training recipe. A kind states its assembly (the configs to build, the components it
// loads from upstream stages, how a host batch becomes the assembly's loss) and its batch family
// (text, or frames with captions); the recipe derives the rest from the stage's parsed config and
// the experiment: the tokenizer and the vocabulary check, the validation sets and their measure,
// the seeded, resumable batches, the batch sizes, the loop config. runTraining then resumes, trains
// and checkpoints.
import type * as tf from '@tensorflow/tfjs-core';
import { buildAssembly, type Assembly } from '../../models/assembly.ts';
import type { AssemblyConfigs } from '../../models/assembly-config.ts';
import type { MixtureOptions, MixturePosition } from '../../data/mixture.ts';
import type { TextTokenizer } from '../../data/tokenizer.ts';
import type { PeriodicMeasure } from '../../train/loop.ts';
import { Rng } from '../../util/rng.ts';
import type { StageContext, StageExperiment } from '../types.ts';
import { openFrameBatches, openTextBatches, type BatchSource, type TextBatch } from './batch-sources.ts';
import { experimentTokenizer, framesPerExample, trainSources } from '../experiment-data.ts';
import type { FramesHost, TextEncoding } from './model-batches.ts';
import { runTraining } from './run-training.ts';
import type { ComponentSource } from '../../ckpt/layout.ts';
import { trainingWork, type TrainingConfig, type ValidationOptions } from './training-options.ts';
import { frameValidationSets, textValidationSets, validationMeasure, type FrameValidationOptions, type ValidationSet } from './validation.ts';
import { checkVocab } from '../../eval/vocab-check.ts';

/** Where a stage's host batches come from: the training stream and the held-out sets, in one shape. */
export interface BatchFamily<B> {
  open(o: { seed: number; batchSize: number; position?: MixturePosition }): Promise<BatchSource<B>>;
  validation(o: ValidationOptions, batchSize: number): Promise<ValidationSet<B>[]>;
  examples(batch: B): number;
}

/** Texts from `sources` (a language model's corpus); validation on the caption-eval sets' first captions. */
export function textFamily(experiment: StageExperiment, sources: Pick<MixtureOptions, 'sources' | 'weights' | 'verify'>): BatchFamily<TextBatch> {
  return {
    open: (o) => openTextBatches({ ...sources, ...o }),
    validation: (o, batchSize) => textValidationSets(experiment, o, batchSize),
    examples: (b) => b.texts.length,
  };
}

/** Frames (data.frames per example, `image` pixels square) with captions from the training mixture; validation on the caption-eval sets. */
export function frameFamily(experiment: StageExperiment, image: number, options: FrameValidationOptions = {}): BatchFamily<FramesHost> {
  const size = { frames: framesPerExample(experiment), image };
  return {
    open: (o) => openFrameBatches({ ...trainSources(experiment), ...size, ...o }),
    validation: (o, batchSize) => frameValidationSets(experiment, o, size, batchSize, options),
    examples: (b) => b.captions.length,
  };
}

export interface TrainingRecipe<K extends AssemblyConfigs, B> {
  configs: K; // the assembly, initialised from the stage's seed
  vocabPath?: (string | number)[]; // the stage key naming the component that reads the tokenizer's ids, if the stage configures it
  batches: BatchFamily<B>;
  sources?(assembly: Assembly<K['kind']>): Record<string, ComponentSource>; // components loaded from upstream stages
  /** A host batch's loss; `heldOut` for validation (where a kind may encode differently). */
  loss(assembly: Assembly<K['kind']>, batch: B, text: TextEncoding, heldOut: boolean): tf.Scalar;
  measures?(assembly: Assembly<K['kind']>, tokenizer: TextTokenizer): PeriodicMeasure[]; // beside the held-out loss
}

/** Train a stage by its recipe; `seed` is the stage's (it initialises the assembly and orders the data). */
export async function trainByRecipe<K extends AssemblyConfigs, B>(ctx: StageContext<TrainingConfig>, seed: number, recipe: TrainingRecipe<K, B>): Promise<void> {
  const { config } = ctx;
  const tokenizer = experimentTokenizer(ctx.experiment);
  checkVocab(recipe.configs, tokenizer, recipe.vocabPath);
  const text = { tokenizer, maxTokens: config.maxTokens };
  const validation = await recipe.batches.validation(config.validation, config.batchSize);
  const { tokensPerExample } = trainingWork(config);
  const { examples } = recipe.batches;
  const assembly = buildAssembly(recipe.configs, Rng.derive(seed, 'init').seed()) as Assembly<K['kind']>;
  try {
    await runTraining(ctx, {
      assembly,
      sources: recipe.sources?.(assembly) ?? {},
      loop: config,
      openBatches: (position) => recipe.batches.open({ seed: Rng.derive(seed, 'data').seed(), batchSize: config.batchSize, position }),
      loss: (b) => recipe.loss(assembly, b, text, false),
      size: (b) => ({ examples: examples(b), tokens: examples(b) * tokensPerExample }),
      periodic: [validationMeasure(config.validateEvery, validation, (b) => recipe.loss(assembly, b, text, true), examples), ...(recipe.measures?.(assembly, tokenizer) ?? [])],
    });
  } finally {
    assembly.dispose();
  }
}

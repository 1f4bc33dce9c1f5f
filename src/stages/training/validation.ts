// Held-out caption loss during training: a fixed subset (the first N examples, first reference
// caption) of caption-eval sets, read once and scored every `validateEvery` steps without gradients.
// Keys: `val/<set>/loss` per set and `val/loss` over all of them (the convergence curve). Sets
// built with `shuffledFrames` also give the image dependence: `val/<set>/loss_shuffled` and
// `val/loss_shuffled`, the same loss with each example's frames replaced by the next example's
// (rolled by one across the whole set, not the batch, so a batch of one is no special case), and
// `val/<set>/gap`, `val/gap` = loss_shuffled - loss: about 0 for a model that ignores the image.
import * as tf from '@tensorflow/tfjs-core';
import type { PeriodicMeasure } from '../../train/loop.ts';
import { stackFrames } from '../../data/batch.ts';
import { captionEvalExamples, readEvalRows } from '../../data/eval-sets.ts';
import { readManifest } from '../../data/manifest.ts';
import type { StageExperiment } from '../types.ts';
import { evalSetDir } from '../experiment-data.ts';
import type { FrameSize } from './batch-sources.ts';
import type { FramesHost } from './model-batches.ts';
import type { ValidationOptions } from './training-options.ts';

export interface ValidationSet<B> {
  name: string;
  batches: B[];
  examples: number;
  /** Batch `index` with its inputs from other examples (rollFrames): measured as `loss_shuffled` and `gap` where present. */
  shuffled?: (index: number) => B;
}

export interface FrameValidationOptions {
  shuffledFrames?: boolean; // also measure the loss with frames rolled across the set (image dependence)
}

/** The caption-eval sets to validate on: those named, else every caption-eval set in data.eval. */
function setNames(experiment: StageExperiment, o: ValidationOptions): string[] {
  if (o.sets) return o.sets;
  return Object.entries(experiment.data.eval ?? {})
    .filter(([, dir]) => readManifest(dir).kind === 'caption-eval')
    .map(([name]) => name);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Batch `index` of `batches` (one set, in order) with every example's frames replaced by those of
 * the next example of the set: example i of the set gets the frames of example (i + 1) mod N, so
 * the last row of a batch takes the first row of the next batch (the last batch's, the set's first).
 * Captions stay. Deterministic; a set of one example gets its own frames back (gap 0).
 */
export function rollFrames(batches: FramesHost[], index: number): FramesHost {
  const batch = batches[index];
  const rows = batch.captions.length;
  const per = batch.shape.slice(1).reduce((a, b) => a * b, 1);
  const next = batches[(index + 1) % batches.length];
  const frames = new Float32Array(batch.frames.length);
  frames.set(batch.frames.subarray(per)); // rows 1.. move up one
  frames.set(next.frames.subarray(0, per), (rows - 1) * per); // the next batch's first row last
  return { ...batch, frames };
}

/** Frames and first captions of each set, in batches; with `shuffledFrames`, also the rolled batches (rollFrames). */
export async function frameValidationSets(experiment: StageExperiment, o: ValidationOptions, size: FrameSize, batchSize: number, options: FrameValidationOptions = {}): Promise<ValidationSet<FramesHost>[]> {
  const out: ValidationSet<FramesHost>[] = [];
  for (const name of setNames(experiment, o)) {
    const dir = evalSetDir(experiment, name, ['validation', 'sets']);
    const examples = [];
    for await (const ex of captionEvalExamples(dir, { frames: size.frames, height: size.image, width: size.image, valueRange: [0, 1], limit: o.examples, verify: experiment.data.verify })) examples.push(ex);
    const batches = chunk(examples, batchSize).map((items) => ({ ...stackFrames(items.map((e) => e.frames), [size.frames, size.image, size.image, 3]), captions: items.map((e) => e.captions[0]) }));
    out.push({ name, batches, examples: examples.length, ...(options.shuffledFrames ? { shuffled: (i: number) => rollFrames(batches, i) } : {}) });
  }
  return out;
}

/** First captions of each set, in batches, for language-model validation. */
export async function textValidationSets(experiment: StageExperiment, o: ValidationOptions, batchSize: number): Promise<ValidationSet<{ texts: string[] }>[]> {
  const out: ValidationSet<{ texts: string[] }>[] = [];
  for (const name of setNames(experiment, o)) {
    const texts: string[] = [];
    for await (const row of readEvalRows(evalSetDir(experiment, name, ['validation', 'sets']), 'caption-eval', { verify: experiment.data.verify })) {
      texts.push((row.captions as string[])[0]);
      if (texts.length >= o.examples) break;
    }
    out.push({ name, batches: chunk(texts, batchSize).map((t) => ({ texts: t })), examples: texts.length });
  }
  return out;
}

async function lossOf<B>(loss: (batch: B) => tf.Scalar, batch: B): Promise<number> {
  const value = tf.tidy(() => loss(batch));
  const out = (await value.data())[0];
  value.dispose();
  return out;
}

/** Mean loss per set (batches weighted by their size) and over all sets; likewise the shuffled loss and gap of sets that have one. */
async function validationLosses<B>(sets: ValidationSet<B>[], loss: (batch: B) => tf.Scalar, sizeOf: (batch: B) => number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let total = 0;
  let totalShuffled = 0;
  let count = 0;
  let countShuffled = 0;
  for (const set of sets) {
    let sum = 0;
    let sumShuffled = 0;
    for (const [i, batch] of set.batches.entries()) {
      sum += (await lossOf(loss, batch)) * sizeOf(batch);
      if (set.shuffled) sumShuffled += (await lossOf(loss, set.shuffled(i))) * sizeOf(batch);
    }
    out[`val/${set.name}/loss`] = sum / set.examples;
    total += sum;
    count += set.examples;
    if (set.shuffled) {
      out[`val/${set.name}/loss_shuffled`] = sumShuffled / set.examples;
      out[`val/${set.name}/gap`] = out[`val/${set.name}/loss_shuffled`] - out[`val/${set.name}/loss`];
      totalShuffled += sumShuffled;
      countShuffled += set.examples;
    }
  }
  if (count > 0) out['val/loss'] = total / count;
  if (countShuffled > 0 && countShuffled === count) {
    out['val/loss_shuffled'] = totalShuffled / count;
    out['val/gap'] = out['val/loss_shuffled'] - out['val/loss'];
  }
  return out;
}

/** The held-out loss as a periodic measure of the training loop. */
export function validationMeasure<B>(every: number, sets: ValidationSet<B>[], loss: (batch: B) => tf.Scalar, sizeOf: (batch: B) => number): PeriodicMeasure {
  return { every, run: () => validationLosses(sets, loss, sizeOf) };
}

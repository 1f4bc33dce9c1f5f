// Held-out caption loss during training: a fixed subset (the first N examples, first reference
// caption) of caption-eval sets, read once and scored every `validateEvery` steps without gradients.
// Keys: `val/<set>/loss` per set and `val/loss` over all of them (the convergence curve).
import * as tf from '@tensorflow/tfjs-core';
import type { PeriodicMeasure } from '../../train/loop.ts';
import { stackFrames } from '../../data/batch.ts';
import { captionEvalExamples, readEvalRows } from '../../data/eval-sets.ts';
import { readManifest } from '../../data/manifest.ts';
import type { StageExperiment } from '../types.ts';
import { evalSetDir } from './experiment-data.ts';
import type { FrameSize } from './batch-sources.ts';
import type { FramesHost } from './model-batches.ts';
import type { ValidationOptions } from './training-options.ts';

export interface ValidationSet<B> {
  name: string;
  batches: B[];
  examples: number;
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

/** Frames and first captions of each set, in batches. */
export async function frameValidationSets(experiment: StageExperiment, o: ValidationOptions, size: FrameSize, batchSize: number): Promise<ValidationSet<FramesHost>[]> {
  const out: ValidationSet<FramesHost>[] = [];
  for (const name of setNames(experiment, o)) {
    const dir = evalSetDir(experiment, name, ['validation', 'sets']);
    const examples = [];
    for await (const ex of captionEvalExamples(dir, { frames: size.frames, height: size.image, width: size.image, valueRange: [0, 1], limit: o.examples })) examples.push(ex);
    const batches = chunk(examples, batchSize).map((items) => ({ ...stackFrames(items.map((e) => e.frames), [size.frames, size.image, size.image, 3]), captions: items.map((e) => e.captions[0]) }));
    out.push({ name, batches, examples: examples.length });
  }
  return out;
}

/** First captions of each set, in batches, for language-model validation. */
export async function textValidationSets(experiment: StageExperiment, o: ValidationOptions, batchSize: number): Promise<ValidationSet<{ texts: string[] }>[]> {
  const out: ValidationSet<{ texts: string[] }>[] = [];
  for (const name of setNames(experiment, o)) {
    const texts: string[] = [];
    for await (const row of readEvalRows(evalSetDir(experiment, name, ['validation', 'sets']), 'caption-eval')) {
      texts.push((row.captions as string[])[0]);
      if (texts.length >= o.examples) break;
    }
    out.push({ name, batches: chunk(texts, batchSize).map((t) => ({ texts: t })), examples: texts.length });
  }
  return out;
}

/** Mean loss per set (batches weighted by their size) and over all sets. */
async function validationLosses<B>(sets: ValidationSet<B>[], loss: (batch: B) => tf.Scalar, sizeOf: (batch: B) => number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let total = 0;
  let count = 0;
  for (const set of sets) {
    let sum = 0;
    for (const batch of set.batches) {
      const value = tf.tidy(() => loss(batch));
      sum += (await value.data())[0] * sizeOf(batch);
      value.dispose();
    }
    out[`val/${set.name}/loss`] = sum / set.examples;
    total += sum;
    count += set.examples;
  }
  if (count > 0) out['val/loss'] = total / count;
  return out;
}

/** The held-out loss as a periodic measure of the training loop. */
export function validationMeasure<B>(every: number, sets: ValidationSet<B>[], loss: (batch: B) => tf.Scalar, sizeOf: (batch: B) => number): PeriodicMeasure {
  return { every, run: () => validationLosses(sets, loss, sizeOf) };
}

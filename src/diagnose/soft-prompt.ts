// Measurement (b), free soft prompts: with no adapter in the way, how far can V free vectors at the
// LLM's width steer the frozen LLM toward one image's captions? Per example, V vectors are drawn
// from a seeded normal at the scale of the LLM's token embeddings and optimised with Adam on
// references 1-4 of that example (the LLM frozen: only the vectors get gradients), then scored on
// the held-out reference 5, beside the empty prefix and the vectors as drawn (before optimisation):
// any V vectors may already change the loss, the optimisation has to beat that. The vectors are
// optimised in units of that scale (v = scale * z, Adam on z), so a learning rate means the same
// for any LLM. Examples are optimised a chunk at a time in one batch: each example's vectors only
// receive its own loss's gradient, and Adam's step does not depend on a constant scale of the
// gradient, so this is the per-example optimisation, batched.
import * as tf from '@tensorflow/tfjs-core';
import type { PrefixDecoder } from '../models/vlm.ts';
import { prefixCaptionLoss } from '../models/vlm.ts';
import { AdamW } from '../train/adamw.ts';
import { Rng } from '../util/rng.ts';
import type { CaptionRow } from './examples.ts';
import { NARROW_MARGIN, WIDE_MARGIN, belowOrAbove, mean, relativeMargin } from './oracle.ts';
import { disposeBatch, embeddingEntryRms, emptyPrefix, prefixLoss, rmsNorm } from './prefix-model.ts';
import { captionText, type PromptEncoding } from '../stages/training/model-batches.ts';

/** References 1-4 train the vectors; reference 5 is held out. */
export const TRAIN_REFERENCES = [0, 1, 2, 3];
export const HELD_OUT_REFERENCE = 4;

export interface SoftPromptOptions {
  tokens: number; // V vectors per example
  steps: number; // Adam updates
  lr: number;
  seed: number;
  chunk?: number; // examples optimised together (default 8); the result does not depend on it beyond float rounding
  onChunk?(first: number, count: number, loss: number): void; // after each chunk: its examples and its last training loss
}

export interface SoftPromptResult {
  tokens: number;
  steps: number;
  lr: number;
  initStd: number; // the scale: the normal the vectors start from, the RMS of the LLM's token-embedding entries
  growth: number; // the optimised vectors' RMS norm over that of the vectors as drawn
  trainLoss: { before: number; after: number }; // mean over examples, on references 1-4, before and after optimisation
  heldOut: { soft: number; initial: number; empty: number }; // mean over examples, on reference 5: after the optimised vectors, the vectors as drawn, no prefix
  perExample: { trainBefore: number[]; trainAfter: number[]; soft: number[]; initial: number[]; empty: number[] };
  reading: string;
}

/** The starting point of example `index`'s vectors in units of the scale: [tokens, width] ~ N(0, 1), from its own seeded stream. */
export function initialVectors(seed: number, index: number, tokens: number, width: number): Float32Array {
  const rng = Rng.derive(seed, `soft-prompt/${index}`);
  return Float32Array.from({ length: tokens * width }, () => rng.normal());
}

/** Each example's vectors [n, V, width] repeated for its `copies` training rows: [n * copies, V, width]. */
function repeatRows(x: tf.Tensor, copies: number): tf.Tensor {
  const [n, v, w] = x.shape;
  return tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(x, 1), [1, copies, 1, 1]), [n * copies, v!, w!]));
}

let counter = 0;

/** Optimise the vectors of `rows` (one chunk) together; returns them in units of the scale, [n, V, width]. */
async function optimiseChunk(dec: PrefixDecoder, enc: PromptEncoding, rows: CaptionRow[], first: number, o: SoftPromptOptions, std: number): Promise<tf.Tensor> {
  const width = dec.config.width;
  const init = new Float32Array(rows.length * o.tokens * width);
  rows.forEach((_, i) => init.set(initialVectors(o.seed, first + i, o.tokens, width), i * o.tokens * width));
  let vectors!: tf.Variable;
  let adam!: AdamW;
  tf.tidy(() => { // keeps the variables, frees what made them
    vectors = tf.variable(tf.tensor3d(init, [rows.length, o.tokens, width]), true, `diagnose-soft-prompt-${counter++}`);
    adam = new AdamW({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, decayMinRank: 2 }, new Map([['vectors', vectors]]));
  });
  const batch = captionText(enc, rows.flatMap((r) => TRAIN_REFERENCES.map((j) => r.captions[j]))); // [n * 4, ...]
  try {
    for (let step = 1; step <= o.steps; step++) {
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => prefixCaptionLoss(dec, repeatRows(tf.mul(vectors, std), TRAIN_REFERENCES.length), batch)), [vectors]);
      adam.apply(new Map([['vectors', vectors]]), new Map([['vectors', grads[vectors.name]]]), o.lr);
      if (o.onChunk && step === o.steps) o.onChunk(first, rows.length, (await value.data())[0]);
      tf.dispose([value, ...Object.values(grads)]);
    }
    return tf.clone(vectors);
  } finally {
    adam.dispose();
    vectors.dispose();
    disposeBatch(batch);
  }
}

export async function softPromptDiagnosis(dec: PrefixDecoder, enc: PromptEncoding, rows: CaptionRow[], o: SoftPromptOptions): Promise<SoftPromptResult> {
  const std = await embeddingEntryRms(dec);
  const chunk = o.chunk ?? 8;
  const result = { before: [] as number[], after: [] as number[], soft: [] as number[], initial: [] as number[], empty: [] as number[], growth: [] as number[] };
  const width = dec.config.width;
  for (let first = 0; first < rows.length; first += chunk) {
    const part = rows.slice(first, first + chunk);
    const trained = await optimiseChunk(dec, enc, part, first, o, std);
    for (const [i, row] of part.entries()) {
      const train = captionText(enc, TRAIN_REFERENCES.map((j) => row.captions[j]));
      const heldOut = captionText(enc, [row.captions[HELD_OUT_REFERENCE]]);
      const start = tf.tidy(() => tf.mul(tf.tensor3d(initialVectors(o.seed, first + i, o.tokens, width), [1, o.tokens, width]), std));
      const end = tf.tidy(() => tf.mul(tf.slice(trained, [i, 0, 0], [1, o.tokens, width]), std));
      result.growth.push((await rmsNorm(end)) / (await rmsNorm(start)));
      const none = emptyPrefix(dec);
      const repeated = [repeatRows(start, TRAIN_REFERENCES.length), repeatRows(end, TRAIN_REFERENCES.length)];
      result.before.push(await prefixLoss(dec, repeated[0], train));
      result.after.push(await prefixLoss(dec, repeated[1], train));
      result.soft.push(await prefixLoss(dec, end, heldOut));
      result.initial.push(await prefixLoss(dec, start, heldOut));
      result.empty.push(await prefixLoss(dec, none, heldOut));
      tf.dispose([start, end, none, ...repeated]);
      disposeBatch(train);
      disposeBatch(heldOut);
    }
    trained.dispose();
  }
  const trainLoss = { before: mean(result.before), after: mean(result.after) };
  const heldOut = { soft: mean(result.soft), initial: mean(result.initial), empty: mean(result.empty) };
  const perExample = { trainBefore: result.before, trainAfter: result.after, soft: result.soft, initial: result.initial, empty: result.empty };
  return { tokens: o.tokens, steps: o.steps, lr: o.lr, initStd: std, growth: mean(result.growth), trainLoss, heldOut, perExample, reading: readSoftPrompt(trainLoss, heldOut, o) };
}

const f = (x: number) => x.toFixed(3);

/** One line: do free vectors steer the LLM toward the example's held-out caption, beyond what no prefix and unoptimised vectors give? */
export function readSoftPrompt(train: { before: number; after: number }, heldOut: { soft: number; initial: number; empty: number }, o: { tokens: number; steps: number }): string {
  const gap = relativeMargin(heldOut.soft, Math.min(heldOut.empty, heldOut.initial));
  const numbers = `held-out loss ${f(heldOut.soft)} vs ${f(heldOut.empty)} empty, ${f(heldOut.initial)} before optimisation (${belowOrAbove(gap)} the better of them; training loss ${f(train.before)} -> ${f(train.after)})`;
  if (relativeMargin(train.after, train.before) < NARROW_MARGIN) return `the optimisation barely moved the training loss (${numbers}): inconclusive, try more --steps or a larger --lr`;
  if (gap >= WIDE_MARGIN) return `${o.tokens} free vectors steer the frozen LLM toward an image's captions: ${numbers}`;
  if (gap >= NARROW_MARGIN) return `${o.tokens} free vectors steer the frozen LLM only weakly: ${numbers}`;
  return `${o.tokens} free vectors fit references 1-4 but carry nothing over to reference 5 beyond what vectors as drawn give: ${numbers}; they memorise the training captions rather than steer the LLM toward the image's content`;
}

// Run the same tensor computation on the cpu and wasm backends and compare the results.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';

/** The acceptance bound for wasm against cpu: relative error (L2) below 1e-5. */
export const TOLERANCE = 1e-5;

/** Make both backends ready (wasm with vadapter's kernels); the active backend is wasm afterwards. */
export async function initBoth(): Promise<void> {
  await initBackend('cpu');
  await initBackend('wasm');
}

/** Outputs of `fn` as plain arrays, computed on `backend`; all tensors made on the way are disposed. */
export async function runOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(fn);
  const values = outs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outs);
  if (tf.memory().numTensors !== before) throw new Error(`leaked ${tf.memory().numTensors - before} tensors on ${backend}`);
  return values;
}

/** ||actual - expected|| / ||expected|| (0 when both are zero). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}

/** The largest relative error over corresponding outputs of `fn` on wasm against cpu. */
export async function wasmVsCpu(fn: () => tf.Tensor[]): Promise<number> {
  const expected = await runOn('cpu', fn);
  const actual = await runOn('wasm', fn);
  if (actual.length !== expected.length) throw new Error(`${actual.length} outputs on wasm, ${expected.length} on cpu`);
  return Math.max(...expected.map((e, i) => relativeError(actual[i], e)));
}

/** [loss, d loss / d xs[0], d loss / d xs[1], ...]: a forward and backward pass, for wasmVsCpu. */
export function lossAndGrads(loss: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  const { value, grads } = tf.valueAndGrads(loss)(xs);
  return [value, ...grads];
}

/** A seeded normal tensor (same values on every backend); tfjs treats seed 0 as "no seed". */
export function randn(shape: number[], seed: number, std = 1): tf.Tensor {
  if (seed === 0) throw new Error('randn: seed 0 means unseeded in tfjs; use a positive seed');
  return tf.randomNormal(shape, 0, std, 'float32', seed);
}

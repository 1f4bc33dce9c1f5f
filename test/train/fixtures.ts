// A real, tiny training task for the loop tests: linear regression on seeded data, with batches
// that depend only on their index so that a resumed run sees the same data.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/util/rng.ts';
import type { TrainTask } from '../../src/train/loop.ts';

export interface RegressionBatch {
  x: Float32Array; // [batch, features]
  y: Float32Array; // [batch]
  batch: number;
}

const FEATURES = 4;
const TRUE_W = [1.5, -2, 0.5, 3];

export function regressionTask(seed: number, batchSize = 8, opts: { poison?: number } = {}) {
  let cursor = 0;
  const params = new Map<string, tf.Variable>([
    ['w', tf.variable(tf.zeros([FEATURES, 1]), true, `w-${seed}-${Math.random()}`)],
    ['b', tf.variable(tf.zeros([1]), true, `b-${seed}-${Math.random()}`)],
    ['frozen', tf.variable(tf.ones([1]), false, `frozen-${seed}-${Math.random()}`)],
  ]);
  const batchAt = (index: number): RegressionBatch => {
    const rng = Rng.derive(seed, `batch-${index}`);
    const x = new Float32Array(batchSize * FEATURES).map(() => rng.normal());
    const y = new Float32Array(batchSize).map((_, i) => TRUE_W.reduce((s, w, j) => s + w * x[i * FEATURES + j], 0.7) + 0.01 * rng.normal());
    if (opts.poison === index) y[0] = NaN;
    return { x, y, batch: batchSize };
  };
  const task: TrainTask<RegressionBatch> & { cursor: () => number; seek: (c: number) => void; batchAt: typeof batchAt } = {
    params,
    trainable: ['w', 'b'],
    nextBatch: async () => batchAt(cursor++),
    loss: (b) => {
      const x = tf.tensor2d(b.x, [b.batch, FEATURES]);
      const pred = tf.add(tf.matMul(x, params.get('w')!), tf.mul(params.get('b')!, params.get('frozen')!));
      return tf.mean(tf.square(tf.sub(tf.reshape(pred, [b.batch]), tf.tensor1d(b.y)))) as tf.Scalar;
    },
    size: (b) => ({ examples: b.batch, tokens: b.batch }),
    cursor: () => cursor,
    seek: (c) => {
      cursor = c;
    },
    batchAt,
  };
  return task;
}

export function disposeParams(params: Map<string, tf.Variable>): void {
  for (const p of params.values()) p.dispose();
}

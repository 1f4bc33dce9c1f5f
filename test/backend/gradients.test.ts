import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';

before(async () => {
  await initBackend('cpu');
});

test('gradients that call chained tensor methods work (batched gather, prod)', () => {
  const x = tf.variable(tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
  const idx = tf.tensor2d([[2], [0]], [2, 1], 'int32');
  const { grads } = tf.variableGrads(() => tf.sum(tf.gather(x, idx, 1, 1)) as tf.Scalar, [x]);
  assert.deepEqual(Object.values(grads)[0].arraySync(), [[0, 0, 1], [1, 0, 0]]);
  const p = tf.variable(tf.tensor1d([1, 2, 3]));
  // d(abc)/da = bc = 6, d/db = ac = 3, d/dc = ab = 2
  assert.deepEqual(Object.values(tf.variableGrads(() => tf.prod(p) as tf.Scalar, [p]).grads)[0].arraySync(), [6, 3, 2]);
});

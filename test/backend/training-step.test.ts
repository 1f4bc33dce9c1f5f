// A few training steps of a tiny token model (embedding lookup by gather, a hidden layer, masked
// softmax cross-entropy, SGD on tf.Variables) give the same losses and parameters on wasm as on cpu.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBoth, randn, relativeError, TOLERANCE } from './compare.ts';

before(initBoth);

const [VOCAB, WIDTH, STEPS] = [13, 24, 4];
const TOKENS = [[3, 7, 7, 1, 12, 0], [5, 2, 9, 9, 0, 0]]; // next-token targets are the tokens shifted by one
const REAL = [[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0]]; // 0 = padding

function loss(embed: tf.Tensor, hidden: tf.Tensor, head: tf.Tensor): tf.Scalar {
  const inputs = tf.tensor1d(TOKENS.flatMap((row) => row.slice(0, -1)), 'int32'); // [B*(T-1)]
  const targets = tf.tensor1d(TOKENS.flatMap((row) => row.slice(1)), 'int32');
  const mask = tf.tensor1d(REAL.flatMap((row) => row.slice(1)));
  const h = tf.tanh(tf.matMul(tf.gather(embed, inputs), hidden)); // [B*(T-1), WIDTH]
  const logProbs = tf.logSoftmax(tf.matMul(h, head)); // [B*(T-1), VOCAB]
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets, VOCAB)), -1); // [B*(T-1)]
  return tf.div(tf.neg(tf.sum(tf.mul(picked, mask))), tf.sum(mask)) as tf.Scalar;
}

async function train(backend: 'cpu' | 'wasm'): Promise<{ losses: number[]; params: Float32Array[] }> {
  await tf.setBackend(backend);
  const params = [randn([VOCAB, WIDTH], 1), randn([WIDTH, WIDTH], 2, 0.2), randn([WIDTH, VOCAB], 3, 0.2)].map((t) => tf.variable(t));
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const { value, grads } = tf.variableGrads(() => loss(params[0], params[1], params[2]), params);
    losses.push(value.dataSync()[0]);
    tf.tidy(() => params.forEach((p) => p.assign(tf.sub(p, tf.mul(grads[p.name], 0.5)))));
    tf.dispose([value, ...Object.values(grads)]);
  }
  const values = params.map((p) => Float32Array.from(p.dataSync()));
  tf.dispose(params);
  return { losses, params: values };
}

test('SGD steps through gather and softmax cross-entropy on wasm match cpu', async () => {
  const cpu = await train('cpu');
  const wasm = await train('wasm');
  assert.ok(cpu.losses[STEPS - 1] < cpu.losses[0] - 0.1, `the loss should fall: ${cpu.losses}`);
  assert.ok(relativeError(wasm.losses, cpu.losses) < TOLERANCE, `losses ${wasm.losses} vs ${cpu.losses}`);
  cpu.params.forEach((expected, i) => {
    const err = relativeError(wasm.params[i], expected);
    assert.ok(err < TOLERANCE, `parameter ${i}: relative error ${err}`);
  });
});

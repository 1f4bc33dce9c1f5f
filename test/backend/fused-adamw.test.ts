// The fused AdamW update (the native kernels on wasm) against the same update composed of tfjs ops
// (what every other backend runs) over several steps, with and without weight decay; skipped where
// the native kernels are not built (CI builds them and sets VADAPTER_NATIVE=on).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADAMW, fusedAdamW, hasFusedAdamW, type AdamWStep } from '../../src/backend/fused-adamw.ts';
import { nativeStatus, withoutNative } from '../../src/backend/wasm/native.ts';
import { composedAdamW } from '../../src/train/adamw.ts';
import { initBoth, randn, relativeError } from './compare.ts';

before(initBoth);
const skip = () => (nativeStatus().active ? false : `native kernels inactive: ${nativeStatus().detail}`);
const stepAt = (t: number, weightDecay: number): AdamWStep => ({ lr: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay, correction1: 1 - 0.9 ** t, correction2: 1 - 0.999 ** t });

test('fused AdamW on wasm equals the composed update over 5 steps, with and without decay', async (t) => {
  await tf.setBackend('wasm');
  if (skip()) return t.skip(skip() as string);
  assert.ok(hasFusedAdamW());
  for (const weightDecay of [0, 0.01]) {
    let fused = [randn([33, 17], 1), tf.zeros([33, 17]), tf.zeros([33, 17])];
    let composed = fused.map((x) => x.clone());
    for (let step = 1; step <= 5; step++) {
      const g = randn([33, 17], 10 + step, 0.5);
      const next = [fusedAdamW(fused[0], fused[1], fused[2], g, stepAt(step, weightDecay)), composedAdamW(composed[0], composed[1], composed[2], g, stepAt(step, weightDecay))];
      tf.dispose([...fused, ...composed, g]);
      [fused, composed] = next;
    }
    const names = ['p', 'm', 'v'];
    fused.forEach((x, i) => {
      const err = relativeError(x.dataSync(), composed[i].dataSync());
      assert.ok(err < 1e-6, `${names[i]} (decay ${weightDecay}): ${err}`);
    });
    const start = randn([33, 17], 1);
    assert.ok(relativeError(fused[0].dataSync(), start.dataSync()) > 1e-3, 'the parameter moved');
    tf.dispose([...fused, ...composed, start]);
  }
});

test('without the native kernels there is no fused update, and asking for it is an error naming the variable', async () => {
  await tf.setBackend('wasm');
  await withoutNative(() => {
    assert.equal(hasFusedAdamW(), false);
    const x = tf.zeros([4]);
    assert.throws(() => fusedAdamW(x, x, x, x, stepAt(1, 0)), new RegExp(`${FUSED_ADAMW} needs the native kernels \\(\\$VADAPTER_NATIVE\\)`));
    x.dispose();
  });
  await tf.setBackend('cpu');
  assert.equal(hasFusedAdamW(), false);
});

test('fused AdamW refuses operands of different sizes or types, naming the kernel', async (t) => {
  await tf.setBackend('wasm');
  if (skip()) return t.skip(skip() as string);
  const x = tf.zeros([4]);
  assert.throws(() => fusedAdamW(x, x, tf.zeros([5]), x, stepAt(1, 0)), new RegExp(`${FUSED_ADAMW}: p, m, v, g must be float32 of one size; got float32 \\[4\\], float32 \\[4\\], float32 \\[5\\]`));
  assert.throws(() => fusedAdamW(x, x, x, tf.zeros([4], 'int32'), stepAt(1, 0)), /int32/);
  x.dispose();
});

// The fused GELU (the native kernels on wasm) against the composed tanh form (what every other
// backend runs): values and gradients, over inputs far into both tails; skipped where the native
// kernels are not built (CI builds them and sets VADAPTER_NATIVE=on).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { hasFusedGelu } from '../../src/backend/fused-gelu.ts';
import { nativeStatus, withoutNative } from '../../src/backend/wasm/native.ts';
import { gelu } from '../../src/models/layers.ts';
import { initBoth, randn, relativeError } from './compare.ts';

before(initBoth);

/** GELU of x and the gradient of sum(GELU(x) * w) with respect to x. */
function valueAndGrad(x: tf.Tensor, w: tf.Tensor): [Float32Array, Float32Array] {
  const [y, g] = [gelu(x), tf.grad((input: tf.Tensor) => tf.sum(tf.mul(gelu(input), w)))(x)];
  const out: [Float32Array, Float32Array] = [Float32Array.from(y.dataSync()), Float32Array.from(g.dataSync())];
  tf.dispose([y, g]);
  return out;
}

test('fused GELU on wasm equals the composed tanh form in value and gradient', async (t) => {
  await tf.setBackend('wasm');
  if (!nativeStatus().active) return t.skip(`native kernels inactive: ${nativeStatus().detail}`);
  assert.ok(hasFusedGelu());
  const x = tf.mul(randn([64, 96], 1), 4); // tails out to about +-16
  const w = randn([64, 96], 2);
  const [yFused, gFused] = valueAndGrad(x, w);
  const [yComposed, gComposed] = await withoutNative(() => {
    assert.equal(hasFusedGelu(), false);
    return valueAndGrad(x, w);
  });
  assert.ok(relativeError(yFused, yComposed) < 1e-6, `value: ${relativeError(yFused, yComposed)}`);
  assert.ok(relativeError(gFused, gComposed) < 1e-5, `gradient: ${relativeError(gFused, gComposed)}`);
  assert.ok(Math.abs(yFused[0]) > 0 && gFused.some((g) => Math.abs(g) > 0.5), 'non-trivial values');
  tf.dispose([x, w]);
});

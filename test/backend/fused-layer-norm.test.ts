// The fused layer norm (the native kernels on wasm) against the composed form (what every other
// backend runs): values and the gradients for x, gain and bias, on rows of different scales and
// offsets; skipped where the native kernels are not built (CI builds them and sets VADAPTER_NATIVE=on).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { hasFusedLayerNorm } from '../../src/backend/fused-layer-norm.ts';
import { nativeStatus, withoutNative } from '../../src/backend/wasm/native.ts';
import { norm } from '../../src/models/layers.ts';
import type { Weights } from '../../src/models/params.ts';
import { initBoth, randn, relativeError } from './compare.ts';

before(initBoth);

/** The norm of x and the gradients of sum(norm(x) * w) for x, gain and bias. */
function valueAndGrads(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, w: tf.Tensor): Float32Array[] {
  const f = (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const weights: Weights = { get: (name) => (name === 'ln.scale' ? g : b), has: () => true, scope: () => weights };
    return norm(weights, 'ln', input, 'layer', 1e-5);
  };
  const y = f(x, gain, bias);
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), w)))([x, gain, bias]);
  const out = [y, ...grads].map((t) => Float32Array.from(t.dataSync()));
  tf.dispose([y, ...grads]);
  return out;
}

test('fused layer norm on wasm equals the composed form in value and in the gradients of x, gain and bias', async (t) => {
  await tf.setBackend('wasm');
  if (!nativeStatus().active) return t.skip(`native kernels inactive: ${nativeStatus().detail}`);
  assert.ok(hasFusedLayerNorm());
  const rowScale = tf.reshape(tf.linspace(0.1, 20, 48), [2, 24, 1]);
  const x = tf.add(tf.mul(randn([2, 24, 40], 1), rowScale), 3); // [2, 24, 40]: 48 rows of width 40
  const [gain, bias, w] = [tf.add(randn([40], 2, 0.3), 1), randn([40], 3), randn([2, 24, 40], 4)];
  const fused = valueAndGrads(x, gain, bias, w);
  const composed = await withoutNative(() => {
    assert.equal(hasFusedLayerNorm(), false);
    return valueAndGrads(x, gain, bias, w);
  });
  ['y', 'dx', 'dgain', 'dbias'].forEach((name, i) => {
    const err = relativeError(fused[i], composed[i]);
    assert.ok(err < 1e-5, `${name}: ${err}`);
  });
  assert.equal(fused[1].length, 2 * 24 * 40);
  assert.equal(fused[2].length, 40);
  tf.dispose([rowScale, x, gain, bias, w]);
});

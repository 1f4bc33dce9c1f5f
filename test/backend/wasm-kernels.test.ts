// The kernels src/backend/wasm adds or fixes, each against the cpu backend on random inputs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/util/rng.ts';
import { initBoth, lossAndGrads, randn, runOn, TOLERANCE, wasmVsCpu } from './compare.ts';

before(initBoth);

function randomShape(rng: Rng, rank: number, max = 5): number[] {
  return Array.from({ length: rank }, () => 1 + rng.int(max));
}

test('UnsortedSegmentSum sums rows into segments, repeated ids included, as cpu does', async () => {
  const rng = new Rng(1);
  for (let trial = 0; trial < 20; trial++) {
    const rows = 1 + rng.int(12); // the op takes 1-D ids
    const rowShape = randomShape(rng, rng.int(3), 7);
    const numSegments = 1 + rng.int(8);
    const ids = Array.from({ length: rows }, () => rng.int(numSegments));
    const err = await wasmVsCpu(() => [tf.unsortedSegmentSum(randn([rows, ...rowShape], trial + 1), tf.tensor1d(ids, 'int32'), numSegments)]);
    assert.ok(err < TOLERANCE, `trial ${trial}: ${rows} rows of [${rowShape}]: relative error ${err}`);
  }
});

test('UnsortedSegmentSum on wasm: exact sums for int32, empty segments are zero', async () => {
  const [out] = await runOn('wasm', () => [
    tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([2, 0, 2], 'int32'), 4),
  ]);
  assert.deepEqual(Array.from(out), [3, 4, 0, 0, 6, 8, 0, 0]);
});

test('the gradient of an embedding lookup (gather) matches cpu', async () => {
  const ids = [3, 1, 3, 0, 7, 3, 1, 9];
  const err = await wasmVsCpu(() =>
    lossAndGrads((table) => tf.sum(tf.square(tf.gather(table, tf.tensor1d(ids, 'int32')))), [randn([10, 6], 2)]),
  );
  assert.ok(err < TOLERANCE, `relative error ${err}`);
});

test('gather with batchDims matches cpu (the wasm kernel returned garbage for these)', async () => {
  // [B, V] logits, one target per row: the case that read uninitialised memory before the fix
  const pick = () => [tf.gather(randn([16, 11], 3), tf.tensor2d(Array.from({ length: 16 }, (_, i) => [i % 11]), [16, 1], 'int32'), 1, 1)];
  const [expected] = await runOn('cpu', pick);
  assert.ok((await wasmVsCpu(pick)) < TOLERANCE);
  assert.equal(expected.length, 16);
  const rng = new Rng(4);
  for (let trial = 0; trial < 40; trial++) {
    const rank = 2 + rng.int(3);
    const shape = randomShape(rng, rank);
    const batchDims = 1 + rng.int(rank - 1);
    const axis = batchDims + rng.int(rank - batchDims);
    const idxShape = [...shape.slice(0, batchDims), ...randomShape(rng, rng.int(3), 4)];
    const idx = Array.from({ length: idxShape.reduce((a, b) => a * b, 1) }, () => rng.int(shape[axis]));
    const err = await wasmVsCpu(() => [tf.gather(randn(shape, trial + 1), tf.tensor(idx, idxShape, 'int32'), axis, batchDims)]);
    assert.ok(err < TOLERANCE, `x [${shape}], axis ${axis}, batchDims ${batchDims}, indices [${idxShape}]: ${err}`);
  }
});

test('gather with batchDims of int32 values (beam bookkeeping) is exact on wasm', async () => {
  const [out] = await runOn('wasm', () => [
    tf.gather(tf.tensor2d([[10, 11, 12], [20, 21, 22]], [2, 3], 'int32'), tf.tensor2d([[2, 2, 0, 1], [1, 0, 0, 2]], [2, 4], 'int32'), 1, 1),
  ]);
  assert.deepEqual(Array.from(out), [12, 12, 10, 11, 21, 20, 20, 22]);
});

test('gather with batchDims rejects an out-of-range index and leaks nothing', async () => {
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const x = tf.zeros([2, 3]);
  const idx = tf.tensor2d([[0], [3]], [2, 1], 'int32');
  assert.throws(() => tf.gather(x, idx, 1, 1), /index value 3 is not in \[0, 2\]/);
  tf.dispose([x, idx]);
  assert.equal(tf.memory().numTensors, before);
});

test('the filter gradient of conv2d (Conv2DBackpropFilter) matches cpu', async () => {
  for (const [stride, pad] of [[4, 'valid'], [1, 'same'], [2, 'same']] as const) {
    const err = await wasmVsCpu(() =>
      lossAndGrads((img, filter) => tf.sum(tf.square(tf.conv2d(img as tf.Tensor4D, filter as tf.Tensor4D, stride, pad))), [
        randn([2, 8, 8, 3], 5),
        randn([4, 4, 3, 5], 6),
      ]),
    );
    assert.ok(err < TOLERANCE, `stride ${stride}, ${pad}: relative error ${err}`);
  }
});

test('einsum matches cpu on wasm', async () => {
  const err = await wasmVsCpu(() => [tf.einsum('btd,de->bte', randn([2, 5, 4], 7), randn([4, 3], 8))]);
  assert.ok(err < TOLERANCE, `relative error ${err}`);
});

test('pow with whole and fractional exponents, and its gradient, match cpu', async () => {
  for (const exponent of [2, 3, 4, -2, 0, 1.5]) {
    const base = () => (exponent % 1 === 0 ? randn([6, 7], 9) : tf.abs(randn([6, 7], 9))); // fractional powers of negatives are NaN
    const err = await wasmVsCpu(() => lossAndGrads((x) => tf.sum(tf.pow(x, exponent)), [base()]));
    assert.ok(err < TOLERANCE, `x^${exponent}: relative error ${err}`);
  }
});

test('sum over leading, trailing, mixed and all axes, with and without keepDims, matches cpu', async () => {
  for (const axis of [0, [0, 1], [1, 0], 1, [0, 2], [0, 1, 2], -1]) {
    for (const keepDims of [false, true]) {
      const err = await wasmVsCpu(() => [tf.sum(randn([37, 5, 29], 10), axis, keepDims)]);
      assert.ok(err < TOLERANCE, `axis ${axis}, keepDims ${keepDims}: ${err}`);
    }
  }
  const [shape] = await runOn('wasm', () => [tf.tensor1d(tf.sum(tf.zeros([2, 3, 4]), [0, 1], true).shape)]);
  assert.deepEqual(Array.from(shape), [1, 1, 4]);
});

test('clone (Identity) on wasm shares memory safely: the copy outlives the original', async () => {
  await tf.setBackend('wasm');
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  const z = tf.add(y, 1);
  y.dispose();
  assert.deepEqual(Array.from(z.dataSync()), [2, 3, 4]);
  z.dispose();
});

// vadapter's BatchMatMul for wasm against the cpu backend and against tfjs's own wasm kernel, over
// transposes, batch layouts and sizes on both sides of the small-product cut-over, with its
// products on XNNPACK and on the native kernels' OpenBLAS (skipped where those are not built; CI
// builds them and sets VADAPTER_NATIVE=on, so there it runs).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { nativeStatus, withoutNative } from '../../src/backend/wasm/native.ts';
import { withOriginalWasmKernel } from '../../src/backend/wasm/register.ts';
import { initBoth, randn, relativeError, runOn, TOLERANCE, wasmVsCpu } from './compare.ts';

before(initBoth);

/** Operand shapes for out [...batch, m, n] = a [...aBatch, m, k] @ b [...bBatch, k, n], before transposes. */
function shapes(aBatch: number[], bBatch: number[], [m, k, n]: number[], transposeA: boolean, transposeB: boolean): [number[], number[]] {
  return [
    [...aBatch, ...(transposeA ? [k, m] : [m, k])],
    [...bBatch, ...(transposeB ? [n, k] : [k, n])],
  ];
}

const LAYOUTS: [string, number[], number[]][] = [
  ['one matrix each', [], []],
  ['batch against one matrix', [3, 2], []],
  ['one matrix against a batch', [], [4]],
  ['batch against batch', [5], [5]],
  ['rank-4 batches', [2, 3], [2, 3]],
  ['broadcast batch dims', [2, 1], [1, 3]],
];
const SIZES = [
  [3, 4, 5], // below the cut-over (SMALL_PRODUCT): the original kernel
  [1, 64, 96], // one row (a decoding step): the original kernel unless unbatched without transposes
  [40, 33, 27],
  [64, 64, 64],
];

/** The two product engines: `run` runs a comparison with the products on that engine. */
const ENGINES: { name: string; run: <T>(fn: () => Promise<T>) => Promise<T>; skip: () => string | false }[] = [
  { name: 'XNNPACK', run: withoutNative, skip: () => false },
  { name: 'OpenBLAS', run: (fn) => fn(), skip: () => (nativeStatus().active ? false : `native kernels inactive: ${nativeStatus().detail}`) },
];

for (const engine of ENGINES) {
  for (const [label, aBatch, bBatch] of LAYOUTS) {
    test(`matMul on wasm (${engine.name} products) matches cpu: ${label}, all transposes, four sizes`, async (t) => {
      const skip = engine.skip();
      if (skip) return t.skip(skip);
      for (const size of SIZES) {
        for (const transposeA of [false, true]) {
          for (const transposeB of [false, true]) {
            const [sa, sb] = shapes(aBatch, bBatch, size, transposeA, transposeB);
            const err = await engine.run(() => wasmVsCpu(() => [tf.matMul(randn(sa, 1), randn(sb, 2), transposeA, transposeB)]));
            assert.ok(err < TOLERANCE, `[${sa}] x [${sb}] transposeA=${transposeA} transposeB=${transposeB}: ${err}`);
          }
        }
      }
    });
  }
}

test('matMul on wasm equals tfjs own wasm kernel within float32 rounding', async () => {
  for (const [aBatch, bBatch] of [[[], []], [[8], []], [[6], [6]]]) {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
      const [sa, sb] = shapes(aBatch, bBatch, [48, 96, 80], transposeA, transposeB);
      const product = () => [tf.matMul(randn(sa, 3), randn(sb, 4), transposeA, transposeB)];
      const [ours] = await runOn('wasm', product);
      const [theirs] = await withOriginalWasmKernel('BatchMatMul', () => runOn('wasm', product));
      assert.ok(relativeError(ours, theirs) < 1e-6, `[${sa}] x [${sb}] ${transposeA} ${transposeB}`);
    }
  }
});

test('matMul on wasm frees its temporaries (transposes, views)', async () => {
  await tf.setBackend('wasm');
  const a = randn([4, 64, 32], 5);
  const b = randn([4, 48, 32], 6);
  const backend = tf.backend();
  const dataIds = backend.numDataIds();
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) tf.matMul(a, b, false, true).dispose();
  assert.equal(backend.numDataIds(), dataIds);
  assert.equal(tf.memory().numTensors, tensors);
  tf.dispose([a, b]);
});

test('a weight reused across steps gives fresh results after it is reassigned', async () => {
  // XNNPACK caches packed weights per tensor id; a variable's new value must not see the old packing.
  await tf.setBackend('wasm');
  const w = tf.variable(randn([32, 40], 7));
  const x = randn([64, 32], 8);
  const first = tf.matMul(x, w);
  w.assign(tf.mul(w, 2));
  const second = tf.matMul(x, w);
  const ratio = tf.div(second, first);
  assert.ok(relativeError(ratio.dataSync(), new Float32Array(64 * 40).fill(2)) < 1e-6);
  tf.dispose([w, x, first, second, ratio]);
});

test('a weight used under two shapes (a reshape shares its id) gives correct products', async () => {
  // tfjs's own kernel caches XNNPACK's packing of b by tensor id and corrupts the heap here.
  for (const [k, n] of [[48, 64], [8, 4]]) {
    const err = await wasmVsCpu(() => {
      const w = randn([k, n], 9);
      return [tf.matMul(randn([40, k], 10), w), tf.matMul(randn([40, n], 11), tf.reshape(w, [n, k]))];
    });
    assert.ok(err < TOLERANCE, `[${k}, ${n}]: ${err}`);
  }
});

test('empty products give empty or zero results, as on cpu', async () => {
  for (const [sa, sb] of [[[0, 4], [4, 5]], [[3, 0], [0, 5]], [[2, 0, 4], [2, 4, 5]]]) {
    const [expected] = await runOn('cpu', () => [tf.matMul(tf.ones(sa), tf.ones(sb))]);
    const [actual] = await runOn('wasm', () => [tf.matMul(tf.ones(sa), tf.ones(sb))]);
    assert.deepEqual(Array.from(actual), Array.from(expected), `[${sa}] x [${sb}]`);
  }
});

// The native kernels (native/kernels.c) and their loader: products on a heap of floats against a
// plain-JavaScript product over offsets, strides, broadcasts and transposes; the AdamW update
// against its formula; their refusals of operands outside the heap; $VADAPTER_NATIVE, and what
// doctor says of it. The addon tests skip where it is not built (CI builds it and sets
// VADAPTER_NATIVE=on, so there they run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { initNative, NATIVE_ADDON, nativeRequest, type NativeKernels } from '../../src/backend/wasm/native.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

const skip = !existsSync(NATIVE_ADDON) && 'native kernels not built';
const addon = () => createRequire(import.meta.url)(NATIVE_ADDON) as NativeKernels;

/** C[m, n] = op(A) @ op(B) with A stored [m, k] ([k, m] transposed) at aAt, B [k, n] ([n, k]) at bAt. */
function reference(heap: Float32Array, aAt: number, bAt: number, m: number, n: number, k: number, tA: boolean, tB: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += heap[aAt + (tA ? p * m + i : i * k + p)] * heap[bAt + (tB ? j * k + p : p * n + j)];
      out.push(sum);
    }
  }
  return out;
}

const randomHeap = (size: number, seed: number) => {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => rng.float() * 2 - 1);
};

/** Every element of `heap` outside [from, to) equals `before`'s. */
function unchangedOutside(heap: Float32Array, before: Float32Array, from: number, to: number): void {
  heap.forEach((v, j) => (j < from || j >= to) && assert.equal(v, before[j], `element ${j} outside the output changed`));
}

test('gemm on a heap of floats equals the plain product: offsets, batch strides, a broadcast operand, all transposes', { skip }, () => {
  const blas = addon();
  const [batch, m, n, k] = [3, 5, 4, 6];
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const aStride of [0, m * k + 2]) { // 0: one A for every product; else gaps between the matrices
      const heap = randomHeap(400, 7);
      const [aAt, bAt, cAt] = [3, 100, 250];
      const bStride = k * n + 1;
      const before = Float32Array.from(heap);
      blas.gemm(heap, batch, aAt, aStride, bAt, bStride, cAt, m, n, k, tA, tB);
      for (let i = 0; i < batch; i++) {
        const expected = reference(before, aAt + i * aStride, bAt + i * bStride, m, n, k, tA, tB);
        const got = Array.from(heap.subarray(cAt + i * m * n, cAt + (i + 1) * m * n));
        got.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-5, `batch ${i} tA=${tA} tB=${tB} aStride=${aStride}: ${v} vs ${expected[j]}`));
      }
      unchangedOutside(heap, before, cAt, cAt + batch * m * n);
    }
  }
});

test('adamw on a heap of floats follows the update formula, with and without decay', { skip }, () => {
  const kernels = addon();
  const size = 37;
  for (const weightDecay of [0, 0.1]) {
    const heap = randomHeap(8 * size + 5, 8);
    const at = [0, 1, 2, 3, 4, 5, 6].map((i) => 5 + i * size); // p, m, v, g, then the outputs p', m', v'
    for (let i = 0; i < size; i++) heap[at[2] + i] = Math.abs(heap[at[2] + i]); // v >= 0
    const before = Float32Array.from(heap);
    const [lr, b1, b2, eps, c1, c2] = [0.01, 0.9, 0.999, 1e-8, 1 - 0.9 ** 3, 1 - 0.999 ** 3];
    kernels.adamw(heap, size, at[0], at[1], at[2], at[3], at[4], at[5], at[6], lr, b1, b2, eps, weightDecay, c1, c2);
    for (let i = 0; i < size; i++) {
      const [p, m, v, g] = [0, 1, 2, 3].map((j) => before[at[j] + i]);
      const m2 = b1 * m + (1 - b1) * g;
      const v2 = b2 * v + (1 - b2) * g * g;
      const p2 = p - lr * (m2 / c1 / (Math.sqrt(v2 / c2) + eps) + weightDecay * p);
      for (const [got, want, name] of [[heap[at[4] + i], p2, 'p'], [heap[at[5] + i], m2, 'm'], [heap[at[6] + i], v2, 'v']] as const) {
        assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${name}[${i}] decay ${weightDecay}: ${got} vs ${want}`);
      }
    }
    unchangedOutside(heap, before, at[4], at[6] + size);
  }
});

test('the native kernels refuse operands outside the heap, overlapping outputs and heaps that are not Float32Array, writing nothing', { skip }, () => {
  const kernels = addon();
  const heap = new Float32Array(64).fill(1);
  assert.throws(() => kernels.gemm(heap, 2, 0, 16, 0, 0, 40, 4, 4, 4, false, false), { name: 'RangeError', message: /outside the heap/ }); // C's second matrix ends at 72
  assert.throws(() => kernels.gemm(heap, 1, -1, 0, 0, 0, 40, 4, 4, 4, false, false), { name: 'RangeError' });
  assert.throws(() => kernels.gemm(heap, 1, 0, 0, 0, 0, 40, 0, 4, 4, false, false), { name: 'RangeError', message: /positive/ });
  assert.throws(() => kernels.gemm(new Float64Array(64) as unknown as Float32Array, 1, 0, 0, 0, 0, 40, 4, 4, 4, false, false), { name: 'TypeError', message: /Float32Array/ });
  assert.throws(() => kernels.adamw(heap, 8, 0, 8, 16, 24, 32, 40, 60, 1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001), { name: 'RangeError', message: /outside the heap/ });
  assert.throws(() => kernels.adamw(heap, 8, 0, 8, 16, 24, 28, 40, 48, 1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001), { name: 'RangeError', message: /overlaps/ });
  assert.ok(heap.every((v) => v === 1));
});

test('$VADAPTER_NATIVE: auto by default, off switches the native kernels off, anything else is an error naming the variable', () => {
  assert.equal(nativeRequest({}), 'auto');
  assert.equal(nativeRequest({ VADAPTER_NATIVE: 'on' }), 'on');
  assert.throws(() => nativeRequest({ VADAPTER_NATIVE: 'yes' }), (e: unknown) => e instanceof UserError && /\$VADAPTER_NATIVE: expected one of auto, on, off, got "yes"/.test(e.message));
  assert.deepEqual(initNative('off'), { active: false, detail: 'off ($VADAPTER_NATIVE=off)' });
  if (!skip) assert.match(initNative('auto').detail, /^OpenBLAS [\d.]+ .*, 1 thread$/);
});

test('doctor says whether the wasm backend runs the native kernels, and a bad $VADAPTER_NATIVE is exit 2 naming it', () => {
  const bin = fileURLToPath(new URL('../../bin/vadapter.js', import.meta.url));
  const doctor = (native: string) => spawnSync(process.execPath, [bin, 'doctor'], { env: { ...process.env, VADAPTER_BACKEND: 'wasm', VADAPTER_NATIVE: native }, encoding: 'utf8', timeout: 120_000 });
  const off = doctor('off');
  assert.equal(off.status, 0, off.stderr);
  assert.match(off.stdout, /^native kernels: none, products on XNNPACK \(off \(\$VADAPTER_NATIVE=off\)\)$/m);
  if (!skip) assert.match(doctor('auto').stdout, /^native kernels: on, products on OpenBLAS [\d.]+ .*, 1 thread$/m);
  const bad = doctor('maybe');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /\$VADAPTER_NATIVE: expected one of auto, on, off, got "maybe"/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /); // no stack trace
});

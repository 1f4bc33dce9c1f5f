// The native BLAS addon (native/blas.c) and its loader: products on a heap of floats against a
// plain-JavaScript product over offsets, strides, broadcasts and transposes; its refusals of
// operands outside the heap; and $VADAPTER_BLAS. The addon tests skip where it is not built (CI
// builds it and sets VADAPTER_BLAS=on, so there they run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BLAS_ADDON, blasRequest, initBlas, type NativeBlas } from '../../src/backend/wasm/blas.ts';
import { UserError } from '../../src/util/errors.ts';
import { Rng } from '../../src/util/rng.ts';

const built = existsSync(BLAS_ADDON);
const addon = () => createRequire(import.meta.url)(BLAS_ADDON) as NativeBlas;

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

test('gemm on a heap of floats equals the plain product: offsets, batch strides, a broadcast operand, all transposes', { skip: !built && 'native BLAS not built' }, () => {
  const blas = addon();
  const rng = new Rng(7);
  const [batch, m, n, k] = [3, 5, 4, 6];
  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]]) {
    for (const aStride of [0, m * k + 2]) { // 0: one A for every product; else gaps between the matrices
      const heap = Float32Array.from({ length: 400 }, () => rng.float() * 2 - 1);
      const [aAt, bAt, cAt] = [3, 100, 250];
      const bStride = k * n + 1;
      const before = Float32Array.from(heap);
      blas.gemm(heap, batch, aAt, aStride, bAt, bStride, cAt, m, n, k, tA, tB);
      for (let i = 0; i < batch; i++) {
        const expected = reference(before, aAt + i * aStride, bAt + i * bStride, m, n, k, tA, tB);
        const got = Array.from(heap.subarray(cAt + i * m * n, cAt + (i + 1) * m * n));
        got.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-5, `batch ${i} tA=${tA} tB=${tB} aStride=${aStride}: ${v} vs ${expected[j]}`));
      }
      heap.forEach((v, j) => (j < cAt || j >= cAt + batch * m * n) && assert.equal(v, before[j], `element ${j} outside C changed`));
    }
  }
});

test('gemm refuses operands outside the heap and heaps that are not Float32Array, writing nothing', { skip: !built && 'native BLAS not built' }, () => {
  const blas = addon();
  const heap = new Float32Array(64).fill(1);
  assert.throws(() => blas.gemm(heap, 2, 0, 16, 0, 0, 40, 4, 4, 4, false, false), { name: 'RangeError', message: /outside the heap/ }); // C's second matrix ends at 72
  assert.throws(() => blas.gemm(heap, 1, -1, 0, 0, 0, 40, 4, 4, 4, false, false), { name: 'RangeError' });
  assert.throws(() => blas.gemm(heap, 1, 0, 0, 0, 0, 40, 0, 4, 4, false, false), { name: 'RangeError', message: /positive/ });
  assert.throws(() => blas.gemm(new Float64Array(64) as unknown as Float32Array, 1, 0, 0, 0, 0, 40, 4, 4, 4, false, false), { name: 'TypeError' });
  assert.ok(heap.every((v) => v === 1));
});

test('$VADAPTER_BLAS: auto by default, off switches the native BLAS off, anything else is an error naming the variable', () => {
  assert.equal(blasRequest({}), 'auto');
  assert.equal(blasRequest({ VADAPTER_BLAS: 'on' }), 'on');
  assert.throws(() => blasRequest({ VADAPTER_BLAS: 'yes' }), (e: unknown) => e instanceof UserError && /\$VADAPTER_BLAS: expected one of auto, on, off, got "yes"/.test(e.message));
  const off = initBlas('off');
  assert.deepEqual(off, { active: false, detail: 'off ($VADAPTER_BLAS=off)' });
  if (built) assert.match(initBlas('auto').detail, /^OpenBLAS [\d.]+ .*, 1 thread$/);
});

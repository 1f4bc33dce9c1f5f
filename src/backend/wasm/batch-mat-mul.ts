// BatchMatMul for wasm. The backend's own kernel takes XNNPACK's fast path only for one product
// without transposes; transposeA/transposeB (every backward pass), batched products and even
// [batch, seq, width] @ [width, out] run a naive loop 10-50x slower. Here a transposed operand is
// materialised first (a copy is cheap next to the product), a batch against one matrix becomes
// one tall product, and a batch against a batch becomes one fast product per element, on
// zero-copy views of the operands. Small products, and products of a few rows, with transposes or
// batches keep the original kernel, whose per-call cost is lower.
//
// The original fast path also caches XNNPACK's packed copy of b by tensor id, and a reshape shares
// the id: a weight used as [k, n] and later reshaped to [n, k] reads the stale packing and writes
// past its output (heap corruption, tfjs 4.22). Here a tensor's own id is only used for the one
// [k, n] it was first multiplied as (so a weight keeps its packing across calls, which decoding
// needs); any other use packs from a fresh view id. The original kernel only ever gets products
// that take its uncached path.
//
// With the native kernels loaded (native.ts), every product of those layouts goes to OpenBLAS instead,
// transposes included (sgemm reads a transposed operand in place), on the operands' heap memory.
import { backend_util, BatchMatMul, getKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { kernelInputs } from './kernel-inputs.ts';
import { floatOffset, heapFloats, nativeFunction, nativeId, releaseView, shapeBytes, viewOf, type WasmBackend } from './heap.ts';
import { activeNative, type NativeKernels } from './native.ts';

/** Below this many multiply-adds per product the original loop is faster (crossover between 12^3 and 16^3 here). */
export const SMALL_PRODUCT = 16 ** 3;
/**
 * Below this many rows per XNNPACK product, packing b (~k*n work) outweighs the faster
 * multiply: decoding's one-query attention runs 5x faster on the original loop (crossover ~4-8 rows).
 */
export const MIN_ROWS = 8;

// BatchMatMul(aId, aShape, aRank, bId, bShape, bRank, transposeA, transposeB, outId) in the backend's C++.
const nativeBatchMatMul = nativeFunction('BatchMatMul', ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);

interface Plan {
  batch: number; // output batch size; each operand has this many matrices, or one (broadcast)
  aBatch: number;
  bBatch: number;
  m: number;
  k: number;
  n: number;
  outShape: number[];
}

/**
 * Sizes of a product we handle, or undefined for what is left to the original kernel: batch
 * layouts other than matching or broadcast-from-one batches, and (without the native kernels, whose
 * per-call cost is low) small products.
 */
function plan(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, native: boolean): Plan | undefined {
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const outOuter = backend_util.assertAndGetBroadcastShape(aOuter, bOuter);
  const [batch, aBatch, bBatch] = [outOuter, aOuter, bOuter].map((s) => util.sizeFromShape(s));
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const [m, k, n] = [transposeA ? ac : ar, transposeA ? ar : ac, transposeB ? br : bc];
  const simpleBatch = (aBatch === batch || aBatch === 1) && (bBatch === batch || bBatch === 1);
  const originalCaches = batch === 1 && !transposeA && !transposeB; // see the note at the top
  const rows = bBatch === 1 ? batch * m : m; // rows of each XNNPACK product
  const small = (m * k * n < SMALL_PRODUCT || rows < MIN_ROWS) && k > 0; // k = 0: see emptySum
  if (!simpleBatch || batch * m * n === 0 || (small && !originalCaches && !native)) return undefined;
  return { batch, aBatch, bBatch, m, k, n, outShape: [...outOuter, m, n] };
}

/** t: [..., rows, cols] -> a new [batch, cols, rows]. */
function transposeInner(backend: WasmBackend, t: TensorInfo, batch: number): TensorInfo {
  const [rows, cols] = t.shape.slice(-2);
  const x = { dataId: t.dataId, shape: [batch, rows, cols], dtype: t.dtype };
  return getKernel('Transpose', 'wasm').kernelFunc({ inputs: { x }, backend, attrs: { perm: [0, 2, 1] } }) as TensorInfo;
}

/** out[rows, n] = a[rows, k] @ b[k, n], by C++ tensor ids: XNNPACK's path. */
function fastProduct(backend: WasmBackend, aId: number, rows: number, k: number, bId: number, n: number, outId: number): void {
  nativeBatchMatMul(backend)(aId, shapeBytes([1, rows, k]), 3, bId, shapeBytes([1, k, n]), 3, false, false, outId);
}

// The [k, n] each tensor's data was first used as b with (keys are dataIds, shared by reshapes).
const packedAs = new WeakMap<object, string>();

/** Whether b's own id may carry XNNPACK's packing for b as [k, n]. */
function packsAs(b: TensorInfo, k: number, n: number): boolean {
  const shape = `${k}x${n}`;
  const first = packedAs.get(b.dataId);
  if (first === undefined) packedAs.set(b.dataId, shape);
  return (first ?? shape) === shape;
}

/** b one matrix: [batch * m, k] @ [k, n] as one product, out: [batch * m, n]. */
function tallProduct(backend: WasmBackend, p: Plan, a: TensorInfo, b: TensorInfo, out: TensorInfo): void {
  const own = packsAs(b, p.k, p.n);
  const bId = own ? nativeId(backend, b) : viewOf(backend, b, 0, p.k * p.n);
  fastProduct(backend, nativeId(backend, a), p.batch * p.m, p.k, bId, p.n, nativeId(backend, out));
  if (!own) releaseView(backend, bId);
}

/** One product per batch element, on views of a: [aBatch, m, k], b: [batch, k, n], out: [batch, m, n]. */
function productPerElement(backend: WasmBackend, p: Plan, a: TensorInfo, b: TensorInfo, out: TensorInfo): void {
  const { m, k, n } = p;
  for (let i = 0; i < p.batch; i++) {
    const views = [
      viewOf(backend, a, p.aBatch === 1 ? 0 : i * m * k, m * k),
      viewOf(backend, b, i * k * n, k * n),
      viewOf(backend, out, i * m * n, m * n),
    ];
    fastProduct(backend, views[0], m, k, views[1], n, views[2]);
    views.forEach((id) => releaseView(backend, id));
  }
}

/** k = 0: every output is an empty sum, 0 (tfjs's kernel leaves the output memory unwritten). */
function emptySum(backend: WasmBackend, p: Plan): TensorInfo {
  const out = backend.makeOutput(p.outShape, 'float32');
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

function product(backend: WasmBackend, p: Plan, a: TensorInfo, b: TensorInfo): TensorInfo {
  const out = backend.makeOutput([p.batch, p.m, p.n], 'float32');
  if (p.bBatch === 1) tallProduct(backend, p, a, b, out);
  else productPerElement(backend, p, a, b, out);
  out.shape = p.outShape;
  return out;
}

/** The product on OpenBLAS: a batch against one matrix as one tall product, else one product per element. */
function nativeProduct(native: NativeKernels, backend: WasmBackend, p: Plan, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const { m, k, n } = p;
  const out = backend.makeOutput(p.outShape, 'float32');
  const heap = heapFloats(backend); // after the output's allocation, which may grow the heap
  const [aAt, bAt, outAt] = [a, b, out].map((t) => floatOffset(backend, t));
  if (p.bBatch === 1 && p.aBatch === p.batch && !transposeA) native.gemm(heap, 1, aAt, 0, bAt, 0, outAt, p.batch * m, n, k, false, transposeB);
  else native.gemm(heap, p.batch, aAt, p.aBatch === 1 ? 0 : m * k, bAt, p.bBatch === 1 ? 0 : k * n, outAt, m, n, k, transposeA, transposeB);
  return out;
}

/** BatchMatMul for wasm, falling back on `original` (the backend's own kernel) where it is as fast. */
export function batchMatMulConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackend;
    const { a, b } = kernelInputs(BatchMatMul, args.inputs, 'a', 'b');
    const transposeA = args.attrs?.transposeA === true;
    const transposeB = args.attrs?.transposeB === true;
    const native = activeNative();
    const p = a.dtype === 'float32' && b.dtype === 'float32' ? plan(a, b, transposeA, transposeB, native !== undefined) : undefined;
    if (!p) return original.kernelFunc(args);
    if (p.k === 0) return emptySum(backend, p);
    if (native) return nativeProduct(native, backend, p, a, b, transposeA, transposeB);
    const aN = transposeA ? transposeInner(backend, a, p.aBatch) : a; // [aBatch, m, k]
    const bN = transposeB ? transposeInner(backend, b, p.bBatch) : b; // [bBatch, k, n]
    try {
      return product(backend, p, aN, bN);
    } finally {
      if (aN !== a) backend.disposeData(aN.dataId);
      if (bN !== b) backend.disposeData(bN.dataId);
    }
  };
  return { ...original, kernelFunc };
}

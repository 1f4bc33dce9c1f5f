// Pow for wasm with a small whole-number exponent (x^2, x^3 in GELU's tanh form and its gradient):
// the wasm kernel calls pow() per element, ~10x slower than multiplying. Computed in double
// precision and rounded, as the cpu backend's Math.pow is. Other exponents keep the wasm kernel.
import { Pow, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';

const MAX_EXPONENT = 4;

/** The exponent when `b` is a float32 scalar holding a whole number up to MAX_EXPONENT in size. */
function smallWholeExponent(backend: WasmBackend, a: TensorInfo, b: TensorInfo): number | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || util.sizeFromShape(b.shape) !== 1) return undefined;
  const n = backend.typedArrayFromHeap(b)[0];
  return Number.isInteger(n) && Math.abs(n) <= MAX_EXPONENT ? n : undefined;
}

function wholePower(x: number, n: number): number {
  let y = 1;
  for (let i = 0; i < Math.abs(n); i++) y *= x;
  return n < 0 ? 1 / y : y;
}

/** Pow for wasm: small whole exponents here, the rest to `original` (the backend's own kernel). */
export function powConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackend;
    const { a, b } = kernelInputs(Pow, args.inputs, 'a', 'b');
    const n = smallWholeExponent(backend, a, b);
    if (n === undefined || b.shape.length > a.shape.length) return original.kernelFunc(args);
    const out = backend.makeOutput(a.shape, 'float32');
    const [src, dst] = [backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(out)];
    for (let i = 0; i < src.length; i++) dst[i] = wholePower(src[i], n);
    return out;
  };
  return { ...original, kernelFunc };
}

// The fused AdamW update for wasm: the native kernels' adamw over the parameter, its moments and
// its gradient on the heap, into three new tensors. Registered always; the optimizer asks
// `hasFusedAdamW()` (src/backend/fused-adamw.ts), true only while the native kernels are active.
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { FUSED_ADAMW, type AdamWStep } from '../fused-adamw.ts';
import { floatOffset, heapFloats, type WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';
import { activeNative } from './native.ts';

const kernelFunc: KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as WasmBackend;
  const native = activeNative();
  if (!native) throw new Error(`${FUSED_ADAMW} needs the native kernels ($VADAPTER_NATIVE)`);
  const { p, m, v, g } = kernelInputs(FUSED_ADAMW, inputs, 'p', 'm', 'v', 'g');
  const size = p.shape.reduce((x, y) => x * y, 1);
  for (const t of [m, v, g]) {
    if (t.dtype !== 'float32' || p.dtype !== 'float32' || t.shape.reduce((x, y) => x * y, 1) !== size) {
      throw new Error(`${FUSED_ADAMW}: p, m, v and g must be float32 of one size; got [${p.shape}] and a ${t.dtype} [${t.shape}]`);
    }
  }
  const outs = [p, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
  const s = attrs as unknown as AdamWStep;
  const at = [p, m, v, g, ...outs].map((t) => floatOffset(backend, t));
  native.adamw(heapFloats(backend), size, ...(at as [number, number, number, number, number, number, number]), s.lr, s.beta1, s.beta2, s.epsilon, s.weightDecay, s.correction1, s.correction2);
  return outs;
};

export const fusedAdamWConfig: KernelConfig = { kernelName: FUSED_ADAMW, backendName: 'wasm', kernelFunc };

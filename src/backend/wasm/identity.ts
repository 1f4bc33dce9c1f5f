// Identity for wasm shares its input's memory (reference counted), as the cpu backend does, instead
// of copying it. tfjs runs Identity for every tensor a kernel saves for the backward pass (several
// hundred per transformer training step), so the copies cost time and memory. Tensor data is
// never written in place, so sharing is safe; string tensors keep the original kernel.
import { Identity, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';

export function identityConfig(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = kernelInputs(Identity, args.inputs, 'x');
    if (x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...original, kernelFunc };
}

// A wasm kernel over float32 operands of one size computed by a native kernel (native.ts): checks
// the inputs, allocates the outputs (shaped like the first input) and hands `run` the heap, the size
// and every operand's offset, inputs first.
import { util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { floatOffset, heapFloats, type WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';
import { requireNative, type NativeKernels } from './native.ts';

export type NativeRun = (native: NativeKernels, heap: Float32Array, size: number, offsets: number[], attrs: NamedAttrMap) => void;

export function nativeElementwise(kernelName: string, inputNames: string[], outputs: number, run: NativeRun): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: b, attrs }) => {
    const backend = b as WasmBackend;
    const native = requireNative(kernelName);
    const ins: TensorInfo[] = Object.values(kernelInputs(kernelName, inputs, ...inputNames));
    const size = util.sizeFromShape(ins[0].shape);
    if (ins.some((t) => t.dtype !== 'float32' || util.sizeFromShape(t.shape) !== size)) {
      throw new Error(`${kernelName}: ${inputNames.join(', ')} must be float32 of one size; got ${ins.map((t) => `${t.dtype} [${t.shape}]`).join(', ')}`);
    }
    const outs = Array.from({ length: outputs }, () => backend.makeOutput(ins[0].shape, 'float32'));
    if (size > 0) run(native, heapFloats(backend), size, [...ins, ...outs].map((t) => floatOffset(backend, t)), attrs ?? {}); // after the allocations, which may move the heap
    return outputs === 1 ? outs[0] : outs;
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

// Kernels the wasm backend lacks and that are off the hot path (Conv2DBackpropFilter, the filter
// gradient of a conv2d patch embedding; Einsum) run the cpu backend's kernel on copies of their
// inputs; the outputs are copied back onto the wasm heap.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackend } from './heap.ts';
import { kernelInputs } from './kernel-inputs.ts';

function cpuBackend(): KernelBackend {
  const cpu = tf.findBackend('cpu');
  if (!cpu) throw new Error('the cpu backend is not registered (import @tensorflow/tfjs-backend-cpu)');
  return cpu;
}

function copyTo(target: KernelBackend, from: KernelBackend, t: TensorInfo): TensorInfo {
  return { dataId: target.write(from.readSync(t.dataId), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
}

function copyToWasm(wasm: WasmBackend, cpu: KernelBackend, t: TensorInfo): TensorInfo {
  const out = wasm.makeOutput(t.shape, t.dtype);
  wasm.typedArrayFromHeap(out).set(cpu.readSync(t.dataId) as ArrayLike<number>);
  return out;
}

function viaCpu(kernelName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as WasmBackend;
    const cpu = cpuBackend();
    const entries = Object.entries(kernelInputs(kernelName, inputs, ...Object.keys(inputs))).map(([k, t]) => [k, copyTo(cpu, wasm, t)] as const);
    const cpuInputs = (Array.isArray(inputs) ? entries.map(([, t]) => t) : Object.fromEntries(entries)) as NamedTensorInfoMap;
    const result = tf.getKernel(kernelName, 'cpu').kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
    const outputs = Array.isArray(result) ? result : [result];
    const copied = outputs.map((t) => copyToWasm(wasm, cpu, t));
    for (const t of [...entries.map(([, t]) => t), ...outputs]) cpu.disposeData(t.dataId);
    return Array.isArray(result) ? copied : copied[0];
  };
}

/** A wasm kernel that runs the cpu backend's `kernelName` kernel. */
export function cpuFallbackConfig(kernelName: string): KernelConfig {
  return { kernelName, backendName: 'wasm', kernelFunc: viaCpu(kernelName) };
}

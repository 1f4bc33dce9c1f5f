// The named inputs of a kernel call, which tfjs types as possibly missing.
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

export function kernelInputs<K extends string>(kernel: string, inputs: NamedTensorInfoMap, ...names: K[]): Record<K, TensorInfo> {
  const out = {} as Record<K, TensorInfo>;
  for (const name of names) {
    const t = inputs[name];
    if (!t) throw new Error(`${kernel}: input "${name}" is missing`);
    out[name] = t;
  }
  return out;
}

// GELU's tanh form as one kernel forward and one backward, where the backend has them: wasm with
// the native kernels (wasm/gelu.ts), in place of the nine forward and about fifteen backward
// elementwise kernels of the composed form (src/models/layers.ts), each a pass over memory.
import * as tf from '@tensorflow/tfjs-core';
import { nativeInUse } from './wasm/native.ts';

export const FUSED_GELU = 'VadapterGelu';
export const FUSED_GELU_GRAD = 'VadapterGeluGrad';

/** Whether the active backend has the fused kernel now (wasm on the native kernels). */
export const hasFusedGelu = nativeInUse;

const run = (kernel: string, inputs: tf.NamedTensorMap) => tf.engine().runKernel(kernel, inputs) as tf.Tensor;

/** GELU (tanh form) of `x`, differentiable. */
export const fusedGelu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return { value: run(FUSED_GELU, { x }), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => run(FUSED_GELU_GRAD, { x: saved[0], dy }) };
}) as (x: tf.Tensor) => tf.Tensor;

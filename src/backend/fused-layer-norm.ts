// Layer norm over the last axis as one kernel forward and one backward, where the backend has them:
// wasm with the native kernels (wasm/layer-norm.ts), in place of the moments, normalisation, gain
// and bias kernels of the composed form (src/models/layers.ts) and their gradients.
import * as tf from '@tensorflow/tfjs-core';
import { nativeInUse } from './wasm/native.ts';

export const FUSED_LAYER_NORM = 'VadapterLayerNorm';
export const FUSED_LAYER_NORM_GRAD = 'VadapterLayerNormGrad';

/** Whether the active backend has the fused kernel now (wasm on the native kernels). */
export const hasFusedLayerNorm = nativeInUse;

const run = (kernel: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) => tf.engine().runKernel(kernel, inputs, attrs) as unknown as tf.Tensor[];

/** (x - mean) / sqrt(variance + eps) * gain + bias over the last axis of x (population variance), differentiable in all three. */
export function fusedLayerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, rstd] = run(FUSED_LAYER_NORM, { x: input, gain: g, bias: b }, { eps });
    save([input, g, mean, rstd]);
    return { value: y, gradFunc: (dy: tf.Tensor, [sx, sg, sm, sr]: tf.Tensor[]) => run(FUSED_LAYER_NORM_GRAD, { x: sx, gain: sg, mean: sm, rstd: sr, dy }) };
  });
  return f(x, gain, bias);
}

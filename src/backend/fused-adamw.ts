// One AdamW update of one parameter as a single kernel, where the backend has it: wasm with the
// native kernels (wasm/adamw.ts), one pass over the parameter, its moments and its gradient in
// place of the dozen elementwise kernels the composed update costs (src/train/adamw.ts), each a pass
// over memory and tens of microseconds of JavaScript. Both follow the same formula, in float32:
//   m' = b1 m + (1 - b1) g      v' = b2 v + (1 - b2) g^2
//   p' = p - lr ((m' / c1) / (sqrt(v' / c2) + eps) + wd p)      (c1, c2: the bias corrections)
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { nativeInUse } from './wasm/native.ts';

export const FUSED_ADAMW = 'VadapterAdamW';

export interface AdamWStep {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number; // 0 for a parameter left undecayed
  correction1: number; // 1 - beta1^t
  correction2: number; // 1 - beta2^t
}

/** Whether the active backend has the fused kernel now (wasm on the native kernels). */
export const hasFusedAdamW = nativeInUse;

/** The new parameter and moments after one update: [p', m', v']. */
export function fusedAdamW(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, step: AdamWStep): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(FUSED_ADAMW, { p, m, v, g }, step as unknown as NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}

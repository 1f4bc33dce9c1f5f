// The small building blocks every component uses: dense layers, LayerNorm / RMSNorm, activations,
// and their initialisers. A dense weight is stored [in, out] (x @ W), its bias [out].
import * as tf from '@tensorflow/tfjs-core';
import { fusedGelu, hasFusedGelu } from '../backend/fused-gelu.ts';
import { fusedLayerNorm, hasFusedLayerNorm } from '../backend/fused-layer-norm.ts';
import type { ParamFactory, Weights } from './params.ts';

export type NormKind = 'layer' | 'rms';
const EPS = 1e-6;

const sub = (name: string, leaf: string) => (name === '' ? leaf : `${name}.${leaf}`);

/** `name.weight` [in, out] ~ N(0, 1/in), `name.bias` [out] zeros when `bias` (name '' = the factory's own scope). */
export function initDense(f: ParamFactory, name: string, inDim: number, outDim: number, bias = true): void {
  f.normal(sub(name, 'weight'), [inDim, outDim], 1 / Math.sqrt(inDim));
  if (bias) f.zeros(sub(name, 'bias'), [outDim]);
}

/** x [..., in] -> [..., out]; adds the bias only if the component was built with one. */
export function dense(w: Weights, name: string, x: tf.Tensor, bias = true): tf.Tensor {
  const weight = w.get(sub(name, 'weight')); // [in, out]
  const lead = x.shape.slice(0, -1);
  const flat = tf.reshape(x, [-1, weight.shape[0]]); // [rows, in]
  const y = tf.matMul(flat, weight); // [rows, out]
  const out = bias ? tf.add(y, w.get(sub(name, 'bias'))) : y;
  return tf.reshape(out, [...lead, weight.shape[1]!]); // [..., out]
}

/** LayerNorm: `name.scale` ones, `name.bias` zeros; RMSNorm: `name.scale` ones only. */
export function initNorm(f: ParamFactory, name: string, width: number, kind: NormKind = 'layer'): void {
  f.ones(`${name}.scale`, [width]);
  if (kind === 'layer') f.zeros(`${name}.bias`, [width]);
}

/** Normalise over the last axis (`eps` inside the square root, default 1e-6). */
export function norm(w: Weights, name: string, x: tf.Tensor, kind: NormKind = 'layer', eps = EPS): tf.Tensor {
  if (kind === 'rms') {
    const meanSquare = tf.mean(tf.square(x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), w.get(`${name}.scale`));
  }
  return layerNorm(x, w.get(`${name}.scale`), w.get(`${name}.bias`), eps);
}

/** Layer norm over the last axis with the population variance (one fused kernel each way where the backend has it). */
export function layerNorm(x: tf.Tensor, scale: tf.Tensor, bias: tf.Tensor, eps = EPS): tf.Tensor {
  if (hasFusedLayerNorm()) return fusedLayerNorm(x, scale, bias, eps);
  const { mean, variance } = tf.moments(x, -1, true);
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normed, scale), bias);
}

/** GELU, tanh approximation (one fused kernel each way where the backend has it). */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (hasFusedGelu()) return fusedGelu(x);
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(x, tf.mul(x, x)))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** GELU as the models that vadapter imports compute it: `gelu` the tanh approximation, `gelu_exact` with erf, `quick_gelu` x sigmoid(1.702 x) (OpenAI CLIP). */
export type GeluKind = 'gelu' | 'gelu_exact' | 'quick_gelu';

export function geluOf(kind: GeluKind, x: tf.Tensor): tf.Tensor {
  if (kind === 'quick_gelu') return tf.mul(x, tf.sigmoid(tf.mul(1.702, x)));
  if (kind === 'gelu_exact') return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(Math.SQRT1_2, x))));
  return gelu(x);
}

/** Transformer MLP: dense(width -> hidden), GELU, dense(hidden -> width). Names `fc1`, `fc2`. */
export function initGeluMlp(f: ParamFactory, width: number, hidden: number, bias = true): void {
  initDense(f, 'fc1', width, hidden, bias);
  initDense(f, 'fc2', hidden, width, bias);
}

export function geluMlp(w: Weights, x: tf.Tensor, bias = true, kind: GeluKind = 'gelu'): tf.Tensor {
  return dense(w, 'fc2', geluOf(kind, dense(w, 'fc1', x, bias)), bias);
}

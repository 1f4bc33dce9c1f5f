// Multi-head attention with its projections (q, k, v, o), for self- and cross-attention without
// position embeddings or caches (ViT, attentional pooler, perceiver resampler).
import type * as tf from '@tensorflow/tfjs-core';
import { attend } from './attention.ts';
import { dense, initDense } from './layers.ts';
import type { ParamFactory, Weights } from './params.ts';

export interface MhaShape {
  queryWidth: number; // width of the query input
  kvWidth: number; // width of the key/value input
  hidden: number; // heads x head dim
  heads: number;
  outWidth: number;
  bias: boolean;
}

export function initMha(f: ParamFactory, s: MhaShape): void {
  initDense(f, 'q', s.queryWidth, s.hidden, s.bias);
  initDense(f, 'k', s.kvWidth, s.hidden, s.bias);
  initDense(f, 'v', s.kvWidth, s.hidden, s.bias);
  initDense(f, 'o', s.hidden, s.outWidth, s.bias);
}

/** xq [B, N, queryWidth], xkv [B, M, kvWidth] -> [B, N, outWidth]; every query sees every key. */
export function mha(w: Weights, s: MhaShape, xq: tf.Tensor, xkv: tf.Tensor): tf.Tensor {
  const layout = { heads: s.heads, kvHeads: s.heads, headDim: s.hidden / s.heads };
  const out = attend(dense(w, 'q', xq, s.bias), dense(w, 'k', xkv, s.bias), dense(w, 'v', xkv, s.bias), layout);
  return dense(w, 'o', out, s.bias);
}

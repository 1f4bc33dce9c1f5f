// Attentional pooler (CoCa), the cross-attention module of progressive-alignment stage 1: learned
// queries attend once to all visual tokens of all frames, then a LayerNorm. Keys/values project from
// the ViT's width, so no FC is needed in front of it; the output has the TLM's width.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { initNorm, norm } from './layers.ts';
import { initMha, mha, type MhaShape } from './mha.ts';
import { ParamFactory, type Params, type Weights } from './params.ts';

export const poolerConfigSchema = z
  .object({
    queries: z.number().int().positive(),
    heads: z.number().int().positive(),
    width: z.number().int().positive(), // output (and query) width: the decoder's
    inputWidth: z.number().int().positive(), // visual feature width: the ViT's
  })
  .strict()
  .refine((c) => c.width % c.heads === 0, { message: 'width must be a multiple of heads', path: ['heads'] });
export type PoolerConfig = z.infer<typeof poolerConfigSchema>;

function attnShape(c: PoolerConfig): MhaShape {
  return { queryWidth: c.width, kvWidth: c.inputWidth, hidden: c.width, heads: c.heads, outWidth: c.width, bias: true };
}

export function initPooler(c: PoolerConfig, seed: number, f: ParamFactory = new ParamFactory(seed)): Params {
  f.normal('queries', [c.queries, c.width], 1);
  initMha(f.scope('attn'), attnShape(c));
  initNorm(f, 'ln', c.width);
  return f.params;
}

/** features [B, T, S, inputWidth] -> [B, queries, width]. */
export function applyPooler(w: Weights, c: PoolerConfig, features: tf.Tensor): tf.Tensor {
  const [b, t, s, d] = features.shape;
  const media = tf.reshape(features, [b, t! * s!, d!]); // [B, T*S, inputWidth]
  const queries = tf.tile(tf.expandDims(w.get('queries'), 0), [b, 1, 1]); // [B, n, width]
  return norm(w, 'ln', mha(w.scope('attn'), attnShape(c), queries, media));
}

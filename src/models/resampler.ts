// Perceiver resampler (Flamingo) with every switch of the paper's Table 1. Learned latents attend
// to keys/values = concat(visual features, latents); a learned time embedding per frame is added to
// the features; no spatial position embedding. Features arrive at the resampler's width (an FC in
// front of it matches the ViT's width when they differ; see assembly.ts).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { dense, gelu, initDense, initNorm, norm } from './layers.ts';
import { initMha, mha, type MhaShape } from './mha.ts';
import { ParamFactory, type Params, type Weights } from './params.ts';

export const resamplerConfigSchema = z
  .object({
    layers: z.number().int().positive(),
    queries: z.number().int().positive(), // learned latents
    width: z.number().int().positive(), // query dim: width of latents and of the features
    hidden: z.number().int().positive(), // cross-attention inner dim (heads x head dim)
    heads: z.number().int().positive(),
    norm: z.enum(['none', 'shared', 'separate']), // LayerNorm on queries and keys/values
    finalNorm: z.boolean(),
    ffn: z.boolean(),
    ffnMult: z.number().int().positive(),
    timeEmbedding: z.boolean(),
    maxFrames: z.number().int().positive(),
  })
  .strict()
  .refine((c) => c.hidden % c.heads === 0, { message: 'hidden must be a multiple of heads', path: ['heads'] });
export type ResamplerConfig = z.infer<typeof resamplerConfigSchema>;

function attnShape(c: ResamplerConfig): MhaShape {
  return { queryWidth: c.width, kvWidth: c.width, hidden: c.hidden, heads: c.heads, outWidth: c.width, bias: false };
}

export function initResampler(c: ResamplerConfig, seed: number, f: ParamFactory = new ParamFactory(seed)): Params {
  f.normal('latents', [c.queries, c.width], 1);
  if (c.timeEmbedding) f.normal('time', [c.maxFrames, c.width], 0.02);
  for (let i = 0; i < c.layers; i++) {
    const l = f.scope(`layers.${i}`);
    if (c.norm !== 'none') initNorm(l, 'norm_q', c.width);
    if (c.norm === 'separate') initNorm(l, 'norm_kv', c.width);
    initMha(l.scope('attn'), attnShape(c));
    if (c.ffn) {
      initNorm(l, 'ffn.norm', c.width);
      initDense(l, 'ffn.fc1', c.width, c.width * c.ffnMult, false);
      initDense(l, 'ffn.fc2', c.width * c.ffnMult, c.width, false);
    }
  }
  if (c.finalNorm) initNorm(f, 'norm', c.width);
  return f.params;
}

/** features [B, T, S, width] -> [B, T*S, width], with the time embedding of each frame added. */
function flattenFrames(w: Weights, c: ResamplerConfig, features: tf.Tensor): tf.Tensor {
  const [b, t, s, d] = features.shape;
  if (t! > c.maxFrames) throw new Error(`resampler: ${t} frames exceed maxFrames ${c.maxFrames}`);
  const timed = c.timeEmbedding ? tf.add(features, tf.reshape(tf.slice(w.get('time'), [0, 0], [t!, d!]), [1, t!, 1, d!])) : features; // time [1, T, 1, d]
  return tf.reshape(timed, [b, t! * s!, d!]); // [B, T*S, width]
}

function layer(w: Weights, c: ResamplerConfig, x: tf.Tensor, media: tf.Tensor): tf.Tensor {
  const q = c.norm === 'none' ? x : norm(w, 'norm_q', x);
  const m = c.norm === 'none' ? media : norm(w, c.norm === 'separate' ? 'norm_kv' : 'norm_q', media);
  const kv = tf.concat([m, q], 1); // [B, T*S + n, width]
  const attended = tf.add(x, mha(w.scope('attn'), attnShape(c), q, kv));
  if (!c.ffn) return attended;
  const h = gelu(dense(w, 'ffn.fc1', norm(w, 'ffn.norm', attended), false));
  return tf.add(attended, dense(w, 'ffn.fc2', h, false));
}

/** features [B, T, S, width] -> latents [B, queries, width]. */
export function applyResampler(w: Weights, c: ResamplerConfig, features: tf.Tensor): tf.Tensor {
  const media = flattenFrames(w, c, features);
  let x = tf.tile(tf.expandDims(w.get('latents'), 0), [features.shape[0], 1, 1]); // [B, n, width]
  for (let i = 0; i < c.layers; i++) x = layer(w.scope(`layers.${i}`), c, x, media);
  return c.finalNorm ? norm(w, 'norm', x) : x;
}

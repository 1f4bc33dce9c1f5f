// Vision Transformer encoder (CoCa-style): patch embedding (reshape + matmul), learned position
// embedding, pre-LN blocks of multi-head self-attention and a GELU MLP, a final LayerNorm. Each
// frame is encoded separately; all patch tokens are returned. Frames are float32 in [0, 1].
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { geluMlp, initDense, initGeluMlp, initNorm, norm, dense } from './layers.ts';
import { initMha, mha, type MhaShape } from './mha.ts';
import { ParamFactory, type Params, type Weights } from './params.ts';

export const vitConfigSchema = z
  .object({
    image: z.number().int().positive(), // input side in pixels
    patch: z.number().int().positive(), // patch side in pixels
    width: z.number().int().positive(),
    layers: z.number().int().positive(),
    heads: z.number().int().positive(),
    mlp: z.number().int().positive(), // MLP hidden width
  })
  .strict()
  .refine((c) => c.image % c.patch === 0, { message: 'image must be a multiple of patch', path: ['patch'] })
  .refine((c) => c.width % c.heads === 0, { message: 'width must be a multiple of heads', path: ['heads'] });
export type VitConfig = z.infer<typeof vitConfigSchema>;

/** Patch tokens per frame. */
export function vitTokens(c: VitConfig): number {
  return (c.image / c.patch) ** 2;
}

function attnShape(c: VitConfig): MhaShape {
  return { queryWidth: c.width, kvWidth: c.width, hidden: c.width, heads: c.heads, outWidth: c.width, bias: true };
}

export function initVit(c: VitConfig, seed: number, f: ParamFactory = new ParamFactory(seed)): Params {
  initDense(f, 'patch', c.patch * c.patch * 3, c.width);
  f.normal('pos', [vitTokens(c), c.width], 0.02);
  for (let i = 0; i < c.layers; i++) {
    const b = f.scope(`blocks.${i}`);
    initNorm(b, 'ln1', c.width);
    initMha(b.scope('attn'), attnShape(c));
    initNorm(b, 'ln2', c.width);
    initGeluMlp(b.scope('mlp'), c.width, c.mlp);
  }
  initNorm(f, 'ln', c.width);
  return f.params;
}

/** frames [B, T, H, W, 3] -> [B*T, S, p*p*3], S = (H/p)*(W/p) patches in row-major order. */
export function patchify(frames: tf.Tensor, patch: number): tf.Tensor {
  const [b, t, h, w] = frames.shape;
  const rows = h! / patch;
  const cols = w! / patch;
  const strips = tf.reshape(frames, [b * t! * rows, patch, cols, patch * 3]); // [BT*rows, p, cols, p*3]
  const patches = tf.transpose(strips, [0, 2, 1, 3]); // [BT*rows, cols, p, p*3]
  return tf.reshape(patches, [b * t!, rows * cols, patch * patch * 3]); // [BT, S, p*p*3]
}

function block(w: Weights, c: VitConfig, x: tf.Tensor): tf.Tensor {
  const h = norm(w, 'ln1', x);
  const attended = tf.add(x, mha(w.scope('attn'), attnShape(c), h, h));
  return tf.add(attended, geluMlp(w.scope('mlp'), norm(w, 'ln2', attended)));
}

/** frames [B, T, H, W, 3] in [0, 1] -> patch tokens [B, T, S, width]. */
export function applyVit(w: Weights, c: VitConfig, frames: tf.Tensor): tf.Tensor {
  const [b, t, h, wd, ch] = frames.shape;
  if (h !== c.image || wd !== c.image || ch !== 3) {
    throw new Error(`ViT expects frames [batch, frames, ${c.image}, ${c.image}, 3], got [${frames.shape.join(', ')}]`);
  }
  const scaled = tf.sub(tf.mul(frames, 2), 1); // [0, 1] -> [-1, 1]
  let x = tf.add(dense(w, 'patch', patchify(scaled, c.patch)), w.get('pos')); // [BT, S, width]
  for (let i = 0; i < c.layers; i++) x = block(w.scope(`blocks.${i}`), c, x);
  return tf.reshape(norm(w, 'ln', x), [b, t!, vitTokens(c), c.width]); // [B, T, S, width]
}

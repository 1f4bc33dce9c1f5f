// Vision Transformer encoder (CoCa-style): patch embedding (reshape + matmul), learned position
// embedding, pre-LN blocks of multi-head self-attention and a GELU MLP, a final LayerNorm. Each
// frame is encoded separately; all patch tokens are returned. Frames are float32 in [0, 1],
// normalised per channel by `mean` and `std` (absent: 2x - 1). Imported towers set the fields
// that make CLIP's and SigLIP's variants: a class token before the patches (`classToken`, CLIP), a
// LayerNorm before the blocks (`preNorm`, CLIP's pre_layrnorm) and none after (`finalNorm: false`,
// CLIP's last_hidden_state), a patch embedding without bias (`patchBias: false`), the GELU variant
// (`activation`) and the norms' epsilon (`normEps`).
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
    classToken: z.boolean().optional(), // a learned `cls` token before the patches (its output is the first token)
    patchBias: z.boolean().optional(), // absent: the patch embedding has a bias
    preNorm: z.boolean().optional(), // a LayerNorm `ln_pre` after the position embedding
    finalNorm: z.boolean().optional(), // absent: the final LayerNorm `ln`; false: none
    activation: z.enum(['gelu', 'gelu_exact', 'quick_gelu']).optional(), // absent: gelu (tanh approximation)
    normEps: z.number().positive().optional(), // absent: 1e-6
    mean: z.tuple([z.number(), z.number(), z.number()]).optional(), // per-channel normalisation of [0, 1] pixels; absent: 0.5
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).optional(), // absent: 0.5
  })
  .strict()
  .refine((c) => c.image % c.patch === 0, { message: 'image must be a multiple of patch', path: ['patch'] })
  .refine((c) => c.width % c.heads === 0, { message: 'width must be a multiple of heads', path: ['heads'] });
export type VitConfig = z.infer<typeof vitConfigSchema>;

/** Tokens per frame: the patches, and the class token when there is one. */
export function vitTokens(c: VitConfig): number {
  return (c.image / c.patch) ** 2 + (c.classToken ? 1 : 0);
}

function attnShape(c: VitConfig): MhaShape {
  return { queryWidth: c.width, kvWidth: c.width, hidden: c.width, heads: c.heads, outWidth: c.width, bias: true };
}

export function initVit(c: VitConfig, seed: number, f: ParamFactory = new ParamFactory(seed)): Params {
  initDense(f, 'patch', c.patch * c.patch * 3, c.width, c.patchBias ?? true);
  if (c.classToken) f.normal('cls', [c.width], 0.02);
  f.normal('pos', [vitTokens(c), c.width], 0.02);
  if (c.preNorm) initNorm(f, 'ln_pre', c.width);
  for (let i = 0; i < c.layers; i++) {
    const b = f.scope(`blocks.${i}`);
    initNorm(b, 'ln1', c.width);
    initMha(b.scope('attn'), attnShape(c));
    initNorm(b, 'ln2', c.width);
    initGeluMlp(b.scope('mlp'), c.width, c.mlp);
  }
  if (c.finalNorm !== false) initNorm(f, 'ln', c.width);
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
  const h = norm(w, 'ln1', x, 'layer', c.normEps);
  const attended = tf.add(x, mha(w.scope('attn'), attnShape(c), h, h));
  return tf.add(attended, geluMlp(w.scope('mlp'), norm(w, 'ln2', attended, 'layer', c.normEps), true, c.activation));
}

/** Frames in [0, 1] normalised as the ViT was trained: (x - mean) / std per channel, or 2x - 1. */
function normalisePixels(c: VitConfig, frames: tf.Tensor): tf.Tensor {
  if (!c.mean && !c.std) return tf.sub(tf.mul(frames, 2), 1); // [0, 1] -> [-1, 1]
  return tf.div(tf.sub(frames, tf.tensor1d(c.mean ?? [0.5, 0.5, 0.5])), tf.tensor1d(c.std ?? [0.5, 0.5, 0.5]));
}

/** Normalised pixels [B, T, H, W, 3] (as Hugging Face's pixel_values, channels last) -> tokens [B, T, vitTokens, width]. */
export function applyVitToPixels(w: Weights, c: VitConfig, pixels: tf.Tensor): tf.Tensor {
  const [b, t, h, wd, ch] = pixels.shape;
  if (h !== c.image || wd !== c.image || ch !== 3) {
    throw new Error(`ViT expects frames [batch, frames, ${c.image}, ${c.image}, 3], got [${pixels.shape.join(', ')}]`);
  }
  let x = dense(w, 'patch', patchify(pixels, c.patch), c.patchBias ?? true); // [BT, S, width]
  if (c.classToken) x = tf.concat([tf.tile(tf.reshape(w.get('cls'), [1, 1, c.width]), [x.shape[0], 1, 1]), x], 1); // [BT, 1+S, width]
  x = tf.add(x, w.get('pos'));
  if (c.preNorm) x = norm(w, 'ln_pre', x, 'layer', c.normEps);
  for (let i = 0; i < c.layers; i++) x = block(w.scope(`blocks.${i}`), c, x);
  if (c.finalNorm !== false) x = norm(w, 'ln', x, 'layer', c.normEps);
  return tf.reshape(x, [b, t!, vitTokens(c), c.width]); // [B, T, tokens, width]
}

/** frames [B, T, H, W, 3] in [0, 1] -> tokens [B, T, vitTokens, width]. */
export function applyVit(w: Weights, c: VitConfig, frames: tf.Tensor): tf.Tensor {
  return applyVitToPixels(w, c, normalisePixels(c, frames));
}

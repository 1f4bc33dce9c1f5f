// PaLM-style decoder language model: token embedding, RoPE, causal attention with grouped key/value
// heads (kvHeads 1 = multi-query), SwiGLU MLP, RMSNorm or LayerNorm, optional parallel block, no
// biases, output logits through the tied token embedding (or an untied head, as imported LLaMA
// models have). The forward pass takes token ids or input
// embeddings (visual tokens as a prefix), a padding mask, a causal / bidirectional-prefix switch, and
// a key/value cache for incremental decoding; on request it also returns every layer's attention
// probabilities (for inspection: src/diagnose/).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { attend, attendWithWeights, attentionBias, positionsFromMask, rope, type HeadLayout, type MaskKind } from './attention.ts';
import { dense, initDense, initNorm, norm, silu } from './layers.ts';
import { ParamFactory, type Params, type Weights } from './params.ts';

export const lmConfigSchema = z
  .object({
    vocab: z.number().int().positive(),
    width: z.number().int().positive(),
    layers: z.number().int().positive(),
    heads: z.number().int().positive(),
    kvHeads: z.number().int().positive(), // = heads: multi-head; 1: multi-query
    mlp: z.number().int().positive(), // SwiGLU hidden width
    norm: z.enum(['rms', 'layer']),
    parallel: z.boolean(), // attention and MLP read the same normed input and add together (PaLM)
    ropeBase: z.number().positive(),
    tiedHead: z.boolean().optional(), // false: logits through a head of its own (`head.weight`, [vocab, width]); absent or true: the tied token embedding
    normEps: z.number().positive().optional(), // the norms' epsilon; absent: 1e-6
  })
  .strict()
  .refine((c) => c.width % c.heads === 0, { message: 'width must be a multiple of heads', path: ['heads'] })
  .refine((c) => c.heads % c.kvHeads === 0, { message: 'heads must be a multiple of kvHeads', path: ['kvHeads'] })
  .refine((c) => (c.width / c.heads) % 2 === 0, { message: 'head dim (width / heads) must be even for RoPE', path: ['heads'] });
export type LmConfig = z.infer<typeof lmConfigSchema>;

export function headLayout(c: LmConfig): HeadLayout {
  return { heads: c.heads, kvHeads: c.kvHeads, headDim: c.width / c.heads };
}

export function initLm(c: LmConfig, seed: number, f: ParamFactory = new ParamFactory(seed)): Params {
  const { headDim } = headLayout(c);
  f.normal('embed.weight', [c.vocab, c.width], 0.02);
  for (let i = 0; i < c.layers; i++) {
    const b = f.scope(`blocks.${i}`);
    initNorm(b, 'ln1', c.width, c.norm);
    if (!c.parallel) initNorm(b, 'ln2', c.width, c.norm);
    initDense(b, 'attn.q', c.width, c.heads * headDim, false);
    initDense(b, 'attn.k', c.width, c.kvHeads * headDim, false);
    initDense(b, 'attn.v', c.width, c.kvHeads * headDim, false);
    initDense(b, 'attn.o', c.heads * headDim, c.width, false);
    initDense(b, 'mlp.gate', c.width, c.mlp, false);
    initDense(b, 'mlp.up', c.width, c.mlp, false);
    initDense(b, 'mlp.down', c.mlp, c.width, false);
  }
  initNorm(f, 'ln', c.width, c.norm);
  if (c.tiedHead === false) f.normal('head.weight', [c.vocab, c.width], 0.02);
  return f.params;
}

/** Keys and values of earlier positions, one entry per layer, plus which of them are real tokens. */
export interface KvCache {
  layers: { k: tf.Tensor; v: tf.Tensor }[]; // each [B, P, kvHeads*headDim], keys already rotated
  keyMask: tf.Tensor; // [B, P] float32, 1 = real token
  nextPosition: tf.Tensor; // [B] int32: RoPE position of the next real token
}

export interface LmInput {
  ids?: tf.Tensor; // [B, N] int32, or
  embeddings?: tf.Tensor; // [B, N, width]
  mask?: tf.Tensor; // [B, N], 1 = real token, 0 = padding (default: all real)
  maskKind?: MaskKind; // 'causal' (default) or 'prefix': the first `prefix` positions see each other both ways
  prefix?: number;
  cache?: KvCache; // earlier positions (incremental decoding)
  attention?: boolean; // also return every layer's attention probabilities (inspection; off by default, the normal path is unchanged)
}

export interface LmOutput {
  hidden: tf.Tensor; // [B, N, width], after the final norm
  cache: KvCache; // the input cache extended by these N positions
  attention?: tf.Tensor[]; // with input.attention: per layer [B, heads, N, P+N], each query's row summing to 1
}

/** ids [B, N] int32 -> [B, N, width]. */
export function embedTokens(w: Weights, ids: tf.Tensor): tf.Tensor {
  return tf.gather(w.get('embed.weight'), ids);
}

/** hidden [..., width] -> logits [..., vocab] through the untied head when the LM has one, else the tied token embedding. */
export function lmLogits(w: Weights, hidden: tf.Tensor): tf.Tensor {
  const embed = w.has('head.weight') ? w.get('head.weight') : w.get('embed.weight'); // [vocab, width]
  const lead = hidden.shape.slice(0, -1);
  const flat = tf.reshape(hidden, [-1, embed.shape[1]!]); // [rows, width]
  return tf.reshape(tf.matMul(flat, embed, false, true), [...lead, embed.shape[0]]); // [..., vocab]
}

interface LayerContext {
  bias: tf.Tensor; // [B, 1, N, P+N]
  positions: tf.Tensor; // [B, N]
  attention?: tf.Tensor[]; // when given, each layer appends its attention probabilities
}

function attention(w: Weights, c: LmConfig, h: tf.Tensor, ctx: LayerContext, past?: { k: tf.Tensor; v: tf.Tensor }) {
  const layout = headLayout(c);
  const [b, n] = h.shape;
  const rotate = (x: tf.Tensor, heads: number) =>
    tf.reshape(rope(tf.reshape(x, [b, n!, heads, layout.headDim]), ctx.positions, c.ropeBase), [b, n!, heads * layout.headDim]); // via [B, N, heads, hd]
  const q = rotate(dense(w, 'attn.q', h, false), c.heads);
  const kNew = rotate(dense(w, 'attn.k', h, false), c.kvHeads);
  const vNew = dense(w, 'attn.v', h, false);
  const k = past ? tf.concat([past.k, kNew], 1) : kNew; // [B, P+N, kvH*hd]
  const v = past ? tf.concat([past.v, vNew], 1) : vNew;
  let attended: tf.Tensor;
  if (ctx.attention) {
    const inspected = attendWithWeights(q, k, v, layout, ctx.bias);
    ctx.attention.push(inspected.weights);
    attended = inspected.out;
  } else attended = attend(q, k, v, layout, ctx.bias);
  return { out: dense(w, 'attn.o', attended, false), k, v };
}

function swiglu(w: Weights, x: tf.Tensor): tf.Tensor {
  return dense(w, 'mlp.down', tf.mul(silu(dense(w, 'mlp.gate', x, false)), dense(w, 'mlp.up', x, false)), false);
}

function block(w: Weights, c: LmConfig, x: tf.Tensor, ctx: LayerContext, past?: { k: tf.Tensor; v: tf.Tensor }) {
  const h = norm(w, 'ln1', x, c.norm, c.normEps);
  const a = attention(w, c, h, ctx, past);
  const mid = tf.add(x, a.out);
  const out = tf.add(mid, swiglu(w, c.parallel ? h : norm(w, 'ln2', mid, c.norm, c.normEps)));
  return { x: out, k: a.k, v: a.v };
}

/** Run the decoder over N new positions (after the cached ones, if any). */
export function lmForward(w: Weights, c: LmConfig, input: LmInput): LmOutput {
  let x = input.embeddings ?? (input.ids ? embedTokens(w, input.ids) : undefined); // [B, N, width]
  if (!x) throw new Error('lmForward needs ids or embeddings');
  if (x.shape[2] !== c.width) throw new Error(`lmForward: embeddings of width ${x.shape[2]}, the LM's width is ${c.width}`);
  const [b, n] = x.shape;
  const mask = input.mask ? tf.cast(input.mask, 'float32') : tf.ones([b, n!]); // [B, N]
  const past = input.cache;
  const keyMask = past ? tf.concat([past.keyMask, mask], 1) : mask; // [B, P+N]
  const pastLength = past ? past.keyMask.shape[1]! : 0;
  const bias = attentionBias({ queries: n!, past: pastLength, kind: input.maskKind ?? 'causal', prefix: input.prefix, keyMask });
  const positions = positionsFromMask(mask, past?.nextPosition); // [B, N]
  const layers: KvCache['layers'] = [];
  const attention = input.attention ? [] : undefined;
  for (let i = 0; i < c.layers; i++) {
    const out = block(w.scope(`blocks.${i}`), c, x, { bias, positions, attention }, past?.layers[i]);
    x = out.x;
    layers.push({ k: out.k, v: out.v });
  }
  const nextPosition = tf.add(past ? past.nextPosition : tf.zeros([b], 'int32'), tf.cast(tf.sum(mask, 1), 'int32')); // [B]
  return { hidden: norm(w, 'ln', x, c.norm, c.normEps), cache: { layers, keyMask, nextPosition }, ...(attention ? { attention } : {}) };
}

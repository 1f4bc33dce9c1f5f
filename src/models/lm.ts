// PaLM-style decoder language model: token embedding, RoPE, causal attention with grouped key/value
// heads (kvHeads 1 = multi-query), SwiGLU MLP, RMSNorm or LayerNorm, optional parallel block, no
// biases, output logits through the tied token embedding (or an untied head, as imported LLaMA
// models have). GPT-2's variant is three config fields: learned absolute positions
// (`positions: learned`, `pos.weight` [maxPositions, width] added to the input), a GELU MLP
// (`activation: gelu`, `mlp.fc1`/`mlp.fc2`) and biases on every projection (`bias`). The forward pass takes token ids or input
// embeddings (visual tokens as a prefix), a padding mask, a causal / bidirectional-prefix switch, and
// a key/value cache for incremental decoding; on request it also returns every layer's attention
// probabilities (for inspection: src/diagnose/).
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { attend, attendWithWeights, attentionBias, positionsFromMask, rope, type HeadLayout, type MaskKind } from './attention.ts';
import { dense, geluMlp, initDense, initGeluMlp, initNorm, norm, silu } from './layers.ts';
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
    positions: z.enum(['rope', 'learned']).optional(), // absent: rope (ropeBase); learned: a table of maxPositions rows added to the input (GPT-2)
    maxPositions: z.number().int().positive().optional(), // rows of the learned table: the longest sequence
    activation: z.enum(['swiglu', 'gelu']).optional(), // absent: swiglu (gate, up, down); gelu: tanh-approximated GELU between fc1 and fc2 (GPT-2)
    bias: z.boolean().optional(), // every projection has a bias (GPT-2); absent: none
  })
  .strict()
  .refine((c) => (c.positions === 'learned') === (c.maxPositions !== undefined), { message: 'maxPositions is given exactly when positions is learned', path: ['maxPositions'] })
  .refine((c) => c.width % c.heads === 0, { message: 'width must be a multiple of heads', path: ['heads'] })
  .refine((c) => c.heads % c.kvHeads === 0, { message: 'heads must be a multiple of kvHeads', path: ['kvHeads'] })
  .refine((c) => c.positions === 'learned' || (c.width / c.heads) % 2 === 0, { message: 'head dim (width / heads) must be even for RoPE', path: ['heads'] });
export type LmConfig = z.infer<typeof lmConfigSchema>;

export function headLayout(c: LmConfig): HeadLayout {
  return { heads: c.heads, kvHeads: c.kvHeads, headDim: c.width / c.heads };
}

export function initLm(c: LmConfig, seed: number, f: ParamFactory = new ParamFactory(seed)): Params {
  const { headDim } = headLayout(c);
  const bias = c.bias ?? false;
  f.normal('embed.weight', [c.vocab, c.width], 0.02);
  if (c.maxPositions !== undefined) f.normal('pos.weight', [c.maxPositions, c.width], 0.02);
  for (let i = 0; i < c.layers; i++) {
    const b = f.scope(`blocks.${i}`);
    initNorm(b, 'ln1', c.width, c.norm);
    if (!c.parallel) initNorm(b, 'ln2', c.width, c.norm);
    initDense(b, 'attn.q', c.width, c.heads * headDim, bias);
    initDense(b, 'attn.k', c.width, c.kvHeads * headDim, bias);
    initDense(b, 'attn.v', c.width, c.kvHeads * headDim, bias);
    initDense(b, 'attn.o', c.heads * headDim, c.width, bias);
    if (c.activation === 'gelu') initGeluMlp(b.scope('mlp'), c.width, c.mlp, bias);
    else {
      initDense(b, 'mlp.gate', c.width, c.mlp, bias);
      initDense(b, 'mlp.up', c.width, c.mlp, bias);
      initDense(b, 'mlp.down', c.mlp, c.width, bias);
    }
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
  const bias = c.bias ?? false;
  const rotate = (x: tf.Tensor, heads: number) =>
    c.positions === 'learned' ? x : tf.reshape(rope(tf.reshape(x, [b, n!, heads, layout.headDim]), ctx.positions, c.ropeBase), [b, n!, heads * layout.headDim]); // via [B, N, heads, hd]
  const q = rotate(dense(w, 'attn.q', h, bias), c.heads);
  const kNew = rotate(dense(w, 'attn.k', h, bias), c.kvHeads);
  const vNew = dense(w, 'attn.v', h, bias);
  const k = past ? tf.concat([past.k, kNew], 1) : kNew; // [B, P+N, kvH*hd]
  const v = past ? tf.concat([past.v, vNew], 1) : vNew;
  let attended: tf.Tensor;
  if (ctx.attention) {
    const inspected = attendWithWeights(q, k, v, layout, ctx.bias);
    ctx.attention.push(inspected.weights);
    attended = inspected.out;
  } else attended = attend(q, k, v, layout, ctx.bias);
  return { out: dense(w, 'attn.o', attended, bias), k, v };
}

function mlp(w: Weights, c: LmConfig, x: tf.Tensor): tf.Tensor {
  const bias = c.bias ?? false;
  if (c.activation === 'gelu') return geluMlp(w.scope('mlp'), x, bias);
  return dense(w, 'mlp.down', tf.mul(silu(dense(w, 'mlp.gate', x, bias)), dense(w, 'mlp.up', x, bias)), bias);
}

function block(w: Weights, c: LmConfig, x: tf.Tensor, ctx: LayerContext, past?: { k: tf.Tensor; v: tf.Tensor }) {
  const h = norm(w, 'ln1', x, c.norm, c.normEps);
  const a = attention(w, c, h, ctx, past);
  const mid = tf.add(x, a.out);
  const out = tf.add(mid, mlp(w, c, c.parallel ? h : norm(w, 'ln2', mid, c.norm, c.normEps)));
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
  if (c.maxPositions !== undefined) {
    if (pastLength + n! > c.maxPositions) throw new Error(`lmForward: ${pastLength + n!} positions, the LM's learned table has ${c.maxPositions}`);
    x = tf.add(x, tf.gather(w.get('pos.weight'), tf.cast(positions, 'int32'))); // [B, N, width]
  }
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

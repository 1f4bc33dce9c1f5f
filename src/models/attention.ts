// Scaled dot-product attention with grouped key/value heads (kvHeads = heads: multi-head,
// kvHeads = 1: multi-query), rotary position embeddings, and additive masks built from a
// causal / bidirectional-prefix rule and a key padding mask.
import * as tf from '@tensorflow/tfjs-core';

export interface HeadLayout {
  heads: number;
  kvHeads: number; // divides heads
  headDim: number;
}

/**
 * q [B, N, heads*hd], k and v [B, M, kvHeads*hd], bias (optional) [B, 1, N, M] -> [B, N, heads*hd].
 * Query head h reads key/value head floor(h / (heads / kvHeads)).
 */
export function attend(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, layout: HeadLayout, bias?: tf.Tensor): tf.Tensor {
  return attendCore(q, k, v, layout, bias).out;
}

/** As `attend`, also returning the attention probabilities [B, heads, N, M] (each query's row sums to 1). For inspection only. */
export function attendWithWeights(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, layout: HeadLayout, bias?: tf.Tensor): { out: tf.Tensor; weights: tf.Tensor } {
  const { out, probs } = attendCore(q, k, v, layout, bias);
  return { out, weights: tf.reshape(probs, [q.shape[0], layout.heads, q.shape[1]!, k.shape[1]!]) }; // [B, kvH, g*N, M] -> [B, heads, N, M]: head kv*g + i
}

/** The one computation both share (same ops in the same order, so `attend` is unchanged by the inspection path). */
function attendCore(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, layout: HeadLayout, bias?: tf.Tensor): { out: tf.Tensor; probs: tf.Tensor } {
  const { heads, kvHeads, headDim } = layout;
  const batch = q.shape[0];
  const n = q.shape[1]!;
  const m = k.shape[1]!;
  const group = heads / kvHeads;
  const qg = tf.reshape(tf.transpose(tf.reshape(q, [batch, n, kvHeads, group, headDim]), [0, 2, 3, 1, 4]), [batch, kvHeads, group * n, headDim]); // [B, kvH, g*N, hd]
  const kh = tf.transpose(tf.reshape(k, [batch, m, kvHeads, headDim]), [0, 2, 1, 3]); // [B, kvH, M, hd]
  const vh = tf.transpose(tf.reshape(v, [batch, m, kvHeads, headDim]), [0, 2, 1, 3]); // [B, kvH, M, hd]
  let scores = tf.mul(tf.matMul(qg, kh, false, true), 1 / Math.sqrt(headDim)); // [B, kvH, g*N, M]
  if (bias) {
    const grouped = tf.reshape(scores, [batch, kvHeads, group, n, m]); // [B, kvH, g, N, M]
    scores = tf.reshape(tf.add(grouped, tf.expandDims(bias, 1)), [batch, kvHeads, group * n, m]); // bias [B, 1, 1, N, M]
  }
  const probs = tf.softmax(scores); // [B, kvH, g*N, M]
  const out = tf.matMul(probs, vh); // [B, kvH, g*N, hd]
  const split = tf.reshape(out, [batch, kvHeads, group, n, headDim]); // [B, kvH, g, N, hd]
  return { out: tf.reshape(tf.transpose(split, [0, 3, 1, 2, 4]), [batch, n, heads * headDim]), probs }; // [B, N, H*hd]
}

export type MaskKind = 'causal' | 'prefix';

export interface MaskSpec {
  queries: number; // N new positions
  past: number; // P cached positions before them
  kind: MaskKind; // 'prefix': the first `prefix` positions of the sequence see each other both ways
  prefix?: number;
  keyMask?: tf.Tensor; // [B, P+N], 1 = a real token, 0 = padding (never attended to)
}

/** Additive attention bias [B or 1, 1, N, P+N]: 0 where allowed, -1e9 where not. */
export function attentionBias(spec: MaskSpec): tf.Tensor {
  const { queries: n, past, kind } = spec;
  const m = past + n;
  const prefix = kind === 'prefix' ? (spec.prefix ?? 0) : 0;
  const allowed = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const qPos = past + i;
    for (let j = 0; j < m; j++) allowed[i * m + j] = j <= qPos || (j < prefix && qPos < prefix) ? 1 : 0;
  }
  return tf.tidy(() => {
    let ok: tf.Tensor = tf.tensor(allowed, [1, 1, n, m]); // [1, 1, N, M]
    if (spec.keyMask) ok = tf.mul(ok, tf.reshape(tf.cast(spec.keyMask, 'float32'), [-1, 1, 1, m])); // [B, 1, N, M]
    return tf.mul(tf.sub(ok, 1), 1e9);
  });
}

/** Positions of each token counting only real ones: cumsum(mask) - 1 + start, [B, N] int32 (padding repeats its neighbour's). */
export function positionsFromMask(mask: tf.Tensor, start?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const pos = tf.sub(tf.cumsum(tf.cast(mask, 'int32'), 1), tf.scalar(1, 'int32')); // [B, N]
    return tf.maximum(start ? tf.add(pos, tf.reshape(start, [-1, 1])) : pos, 0);
  });
}

/** Rotate x [B, N, heads, hd] by angle position * base^(-2i/hd) on the pairs (i, i + hd/2). positions [B, N]. */
export function rope(x: tf.Tensor, positions: tf.Tensor, base: number): tf.Tensor {
  const headDim = x.shape[3]!;
  const half = headDim / 2;
  const invFreq = tf.tensor(Float32Array.from({ length: half }, (_, i) => base ** ((-2 * i) / headDim)), [1, 1, 1, half]);
  const angles = tf.mul(tf.reshape(tf.cast(positions, 'float32'), [positions.shape[0], positions.shape[1]!, 1, 1]), invFreq); // [B, N, 1, hd/2]
  const cos = tf.cos(angles);
  const sin = tf.sin(angles);
  const [x1, x2] = tf.split(x, 2, 3); // each [B, N, heads, hd/2]
  return tf.concat([tf.sub(tf.mul(x1, cos), tf.mul(x2, sin)), tf.add(tf.mul(x2, cos), tf.mul(x1, sin))], 3);
}

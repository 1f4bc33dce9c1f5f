// Forward and backward passes of the models' building blocks on wasm against cpu: every kernel
// they reach (and every gradient kernel) must exist on wasm and agree to 1e-5.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBoth, lossAndGrads, randn, TOLERANCE, wasmVsCpu } from './compare.ts';

before(initBoth);

const [B, T, D, H, V] = [2, 8, 16, 2, 11]; // batch, tokens, width, heads, vocabulary

function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gain), bias);
}

function rmsNorm(x: tf.Tensor, gain: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), gain);
}

function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

function geluErf(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
}

/**
 * x [..., in] @ w [in, out], through a 2-D product: tfjs's matMul gradient does not sum a
 * broadcast batch out of the weight's gradient, so [B, T, in] @ [in, out] cannot be trained.
 */
function linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, w.shape[0]]), w), [...lead, w.shape[1]!]); // [..., out]
}

function swiglu(x: tf.Tensor, wGate: tf.Tensor, wUp: tf.Tensor, wDown: tf.Tensor): tf.Tensor {
  const gate = linear(x, wGate);
  return linear(tf.mul(tf.mul(gate, tf.sigmoid(gate)), linear(x, wUp)), wDown);
}

/** x [B, heads, T, hd] rotated by position (RoPE, half-split pairs). */
function rope(x: tf.Tensor): tf.Tensor {
  const half = x.shape[3]! / 2;
  const invFreq = tf.pow(10000, tf.div(tf.range(0, half, 1, 'float32'), -half)); // [hd/2]
  const angles = tf.outerProduct(tf.range(0, x.shape[2]!, 1, 'float32'), invFreq as tf.Tensor1D); // [T, hd/2]
  const [x1, x2] = tf.split(x, 2, -1);
  const [cos, sin] = [tf.cos(angles), tf.sin(angles)];
  return tf.concat([tf.sub(tf.mul(x1, cos), tf.mul(x2, sin)), tf.add(tf.mul(x1, sin), tf.mul(x2, cos))], -1);
}

/** Self-attention over x [B, T, D] with RoPE; mask [T, T] (1 = may attend) applied by select. */
function selfAttention(x: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, wv: tf.Tensor, wo: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const heads = (w: tf.Tensor) => tf.transpose(tf.reshape(linear(x, w), [B, T, H, D / H]), [0, 2, 1, 3]); // [B, H, T, hd]
  const scores = tf.div(tf.matMul(rope(heads(wq)), rope(heads(wk)), false, true), Math.sqrt(D / H)); // [B, H, T, T]
  const masked = tf.where(tf.cast(tf.broadcastTo(mask, scores.shape), 'bool'), scores, tf.fill(scores.shape, -1e9));
  const out = tf.transpose(tf.matMul(tf.softmax(masked), heads(wv)), [0, 2, 1, 3]); // [B, T, H, hd]
  return linear(tf.reshape(out, [B, T, D]), wo);
}

const causalMask = () => tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
const prefixMask = (prefix: number) => tf.maximum(causalMask(), tf.pad(tf.ones([prefix, prefix]), [[0, T - prefix], [0, T - prefix]]));

/** Perceiver-resampler cross-attention: latents [L, D] attend to concat(media [B, M, D], latents). */
function resamplerAttention(media: tf.Tensor, latents: tf.Tensor, wq: tf.Tensor, wkv: tf.Tensor): tf.Tensor {
  const lat = tf.tile(tf.expandDims(latents, 0), [B, 1, 1]); // [B, L, D]
  const keys = tf.concat([media, lat], 1); // [B, M + L, D]
  const [k, v] = tf.split(linear(keys, wkv), 2, -1); // each [B, M + L, D]
  const attn = tf.softmax(tf.div(tf.matMul(linear(lat, wq), k, false, true), Math.sqrt(D))); // [B, L, M + L]
  return tf.matMul(attn, v);
}

const ids = () => tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 0, 1, 2, 0, 0, 0]], [B, T], 'int32');
const padMask = () => tf.tensor2d([[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0, 0]], [B, T]);

/** Mean next-token cross-entropy over real tokens: embed, project to the vocabulary, log-softmax, pick. */
function tokenCrossEntropy(table: tf.Tensor, head: tf.Tensor): tf.Tensor {
  const flat = tf.reshape(ids(), [B * T]);
  const logits = tf.matMul(tf.gather(table, flat), head); // [B*T, V]
  const logProbs = tf.reshape(tf.logSoftmax(logits), [B * T * V]);
  const picked = tf.gather(logProbs, tf.add(tf.mul(tf.range(0, B * T, 1, 'int32'), tf.scalar(V, 'int32')), flat)); // [B*T]
  const mask = tf.reshape(padMask(), [B * T]);
  return tf.div(tf.neg(tf.sum(tf.mul(picked, mask))), tf.sum(mask));
}

const BLOCKS: Record<string, () => tf.Tensor[]> = {
  'layer norm': () => lossAndGrads((x, g, b) => tf.sum(tf.square(layerNorm(x, g, b))), [randn([B, T, D], 1), randn([D], 2), randn([D], 3)]),
  'RMSNorm': () => lossAndGrads((x, g) => tf.sum(tf.square(rmsNorm(x, g))), [randn([B, T, D], 4), randn([D], 5)]),
  'GELU (tanh)': () => lossAndGrads((x) => tf.sum(tf.square(geluTanh(x))), [randn([B, T, D], 6)]),
  'GELU (erf)': () => lossAndGrads((x) => tf.sum(tf.square(geluErf(x))), [randn([B, T, D], 7)]),
  'SwiGLU': () =>
    lossAndGrads((x, a, b, c) => tf.sum(tf.square(swiglu(x, a, b, c))), [randn([B, T, D], 8), randn([D, 2 * D], 9, 0.3), randn([D, 2 * D], 10, 0.3), randn([2 * D, D], 11, 0.3)]),
  'causal self-attention with RoPE': () =>
    lossAndGrads((x, q, k, v, o) => tf.sum(tf.square(selfAttention(x, q, k, v, o, causalMask()))), [randn([B, T, D], 12), ...[13, 14, 15, 16].map((s) => randn([D, D], s, 0.3))]),
  'prefix-LM self-attention': () =>
    lossAndGrads((x, q, k, v, o) => tf.sum(tf.square(selfAttention(x, q, k, v, o, prefixMask(3)))), [randn([B, T, D], 17), ...[18, 19, 20, 21].map((s) => randn([D, D], s, 0.3))]),
  'perceiver-resampler cross-attention': () =>
    lossAndGrads((m, l, q, kv) => tf.sum(tf.square(resamplerAttention(m, l, q, kv))), [randn([B, 6, D], 22), randn([3, D], 23), randn([D, D], 24, 0.3), randn([D, 2 * D], 25, 0.3)]),
  'embedding + masked token cross-entropy': () => lossAndGrads((e, h) => tokenCrossEntropy(e, h), [randn([V, D], 26), randn([D, V], 27, 0.3)]),
  'library softmax cross-entropy with weights': () =>
    lossAndGrads((e, h) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.reshape(ids(), [B * T]), V), tf.matMul(tf.gather(e, tf.reshape(ids(), [B * T])), h), tf.reshape(padMask(), [B * T])), [
      randn([V, D], 28),
      randn([D, V], 29, 0.3),
    ]),
  'global-norm clipping and an AdamW update': () => {
    const [p, g, m, v] = [randn([D, D], 30), randn([D, D], 31), randn([D, D], 32, 0.1), tf.abs(randn([D, D], 33, 0.1))];
    const norm = tf.sqrt(tf.sum(tf.square(g)));
    const clipped = tf.mul(g, tf.minimum(1, tf.div(1, norm)));
    const m2 = tf.add(tf.mul(m, 0.9), tf.mul(clipped, 0.1));
    const v2 = tf.add(tf.mul(v, 0.999), tf.mul(tf.square(clipped), 0.001));
    const update = tf.add(tf.div(m2, tf.add(tf.sqrt(v2), 1e-8)), tf.mul(p, 0.01));
    return [norm, tf.sub(p, tf.mul(update, 1e-3))];
  },
  'greedy and beam decoding steps (argMax, topk)': () => {
    const logits = randn([B, V], 34);
    const { values, indices } = tf.topk(tf.logSoftmax(logits), 3);
    return [tf.cast(tf.argMax(logits, -1), 'float32'), values, tf.cast(indices, 'float32')];
  },
};

for (const [name, block] of Object.entries(BLOCKS)) {
  test(`${name}: forward and backward on wasm match cpu`, async () => {
    const err = await wasmVsCpu(block);
    assert.ok(err < TOLERANCE, `relative error ${err}`);
  });
}

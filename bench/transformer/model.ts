// The benchmark transformer in tfjs (see config.ts): parameters and the loss of one batch; its
// GELU (tanh form) and layer norm are the models' own.
import * as tf from '@tensorflow/tfjs-core';
import { gelu, layerNorm as norm } from '../../src/models/layers.ts'; // vadapter's (fused where the backend has it)
import { TRANSFORMER_STEP as C } from './config.ts';

const layerNorm = (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => norm(x, gain, bias, 1e-5); // torch's eps

export type Params = Map<string, tf.Variable>;

const LAYER_SHAPES: Record<string, number[]> = {
  'ln1.gain': [C.width], 'ln1.bias': [C.width],
  'qkv.weight': [C.width, 3 * C.width], 'qkv.bias': [3 * C.width],
  'proj.weight': [C.width, C.width], 'proj.bias': [C.width],
  'ln2.gain': [C.width], 'ln2.bias': [C.width],
  'fc1.weight': [C.width, C.mlp], 'fc1.bias': [C.mlp],
  'fc2.weight': [C.mlp, C.width], 'fc2.bias': [C.width],
};

function init(name: string, shape: number[], seed: number): tf.Tensor {
  if (name.endsWith('gain')) return tf.ones(shape);
  if (name.endsWith('bias')) return tf.zeros(shape);
  return tf.randomNormal(shape, 0, 0.02, 'float32', seed);
}

/** Weights N(0, 0.02), gains 1, biases 0, seeded. */
export function initParams(): Params {
  const shapes: [string, number[]][] = [['embed', [C.vocab, C.width]], ['pos', [C.seq, C.width]]];
  for (let l = 0; l < C.layers; l++) for (const [name, shape] of Object.entries(LAYER_SHAPES)) shapes.push([`layers.${l}.${name}`, shape]);
  shapes.push(['lnf.gain', [C.width]], ['lnf.bias', [C.width]], ['head.weight', [C.width, C.vocab]]);
  return new Map(shapes.map(([name, shape], i) => [name, tf.variable(init(name, shape, C.seed + i), true, name)]));
}

/** A fixed random batch: inputs and next-token targets, [batch * seq] int32 each. */
export function makeBatch(): { inputs: tf.Tensor1D; targets: tf.Tensor1D } {
  const tokens = tf.randomUniform([C.batch * (C.seq + 1)], 0, C.vocab, 'int32', C.seed);
  const rows = tf.reshape(tokens, [C.batch, C.seq + 1]);
  const inputs = tf.reshape(tf.slice(rows, [0, 0], [C.batch, C.seq]), [-1]) as tf.Tensor1D;
  const targets = tf.reshape(tf.slice(rows, [0, 1], [C.batch, C.seq]), [-1]) as tf.Tensor1D;
  tf.dispose([tokens, rows]);
  return { inputs, targets };
}

function dense(x: tf.Tensor, p: Params, name: string): tf.Tensor {
  return tf.add(tf.matMul(x, p.get(`${name}.weight`)!), p.get(`${name}.bias`)!);
}

/** [seq, seq] additive bias: 0 on and below the diagonal, -1e9 above. */
function causalBias(): tf.Tensor {
  return tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([C.seq, C.seq]), -1, 0), 1), 1e9);
}

function attention(h: tf.Tensor, p: Params, prefix: string): tf.Tensor {
  const headDim = C.width / C.heads;
  const toHeads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [C.batch, C.seq, C.heads, headDim]), [0, 2, 1, 3]); // [B, H, S, hd]
  const [q, k, v] = tf.split(dense(h, p, `${prefix}.qkv`), 3, -1).map(toHeads);
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), causalBias()); // [B, H, S, S]
  const out = tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]); // [B, S, H, hd]
  return dense(tf.reshape(out, [C.batch * C.seq, C.width]), p, `${prefix}.proj`); // [B*S, W]
}

/** Mean next-token cross-entropy of the batch. Activations stay [batch * seq, width]. */
export function loss(p: Params, inputs: tf.Tensor1D, targets: tf.Tensor1D): tf.Scalar {
  const positions = tf.tile(p.get('pos')!, [C.batch, 1]); // [B*S, W]
  let x = tf.add(tf.gather(p.get('embed')!, inputs), positions);
  for (let l = 0; l < C.layers; l++) {
    const prefix = `layers.${l}`;
    x = tf.add(x, attention(layerNorm(x, p.get(`${prefix}.ln1.gain`)!, p.get(`${prefix}.ln1.bias`)!), p, prefix));
    const h = layerNorm(x, p.get(`${prefix}.ln2.gain`)!, p.get(`${prefix}.ln2.bias`)!);
    x = tf.add(x, dense(gelu(dense(h, p, `${prefix}.fc1`)), p, `${prefix}.fc2`));
  }
  const logits = tf.matMul(layerNorm(x, p.get('lnf.gain')!, p.get('lnf.bias')!), p.get('head.weight')!); // [B*S, V]
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, C.vocab)), -1); // [B*S]
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

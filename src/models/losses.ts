// Losses: next-token cross-entropy with padding masked, and the symmetric contrastive (CLIP) loss.
import * as tf from '@tensorflow/tfjs-core';

/** logits [B, L, vocab], targets [B, L] int32, mask [B, L] (1 = counts) -> mean cross-entropy over counted tokens. */
export function maskedCrossEntropy(logits: tf.Tensor, targets: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const vocab = logits.shape[2]!;
  const logProbs = tf.logSoftmax(logits); // [B, L, vocab]
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.cast(targets, 'int32'), vocab)), 2); // [B, L]
  const weights = tf.cast(mask, 'float32');
  return tf.div(tf.neg(tf.sum(tf.mul(picked, weights))), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
}

/** a, b [B, D], each row L2-normalised; pairs (a_i, b_i) are positives -> mean of both directions' cross-entropy. */
export function contrastiveLoss(a: tf.Tensor, b: tf.Tensor, logScale: tf.Tensor): tf.Scalar {
  const n = a.shape[0];
  const logits = tf.mul(tf.matMul(a, b, false, true), tf.exp(logScale)); // [B, B]
  const labels = tf.oneHot(tf.range(0, n, 1, 'int32'), n); // [B, B]
  const rows = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), 1)));
  const cols = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(tf.transpose(logits)), labels), 1)));
  return tf.div(tf.add(rows, cols), 2) as tf.Scalar;
}

/** x [..., D] -> x / |x| along the last axis. */
export function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), -1, true), 1e-12)));
}

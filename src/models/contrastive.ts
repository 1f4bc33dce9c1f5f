// Contrastive (CLIP-style) pretraining of the ViT, since CoCa weights are not public: the ViT's
// tokens are mean-pooled over frames and patches, a small causal text tower (an LM of its own,
// `text.*`) is read at each caption's last real token, both are projected to `embedDim`
// (`proj.vision`, `proj.text`), L2-normalised, and scored with a learned temperature `proj.logit_scale`.
// With `captioning` (CoCa's second loss), an attentional pooler (`pooler.*`) turns the same ViT
// tokens into a prefix from which the text tower predicts the caption; the two losses are summed.
import * as tf from '@tensorflow/tfjs-core';
import type { ConfigsOf } from './assembly-config.ts';
import { dense, initDense } from './layers.ts';
import { lmForward } from './lm.ts';
import { contrastiveLoss, l2Normalize } from './losses.ts';
import { weights, type ParamFactory, type Params } from './params.ts';
import { applyPooler } from './pooler.ts';
import { applyVit } from './vit.ts';
import { prefixCaptionLoss } from './vlm.ts';

export type ContrastiveConfigs = ConfigsOf<'contrastive'>;

export interface ContrastiveBatch {
  frames: tf.Tensor; // [B, T, H, W, 3] float32 in [0, 1]
  textIds: tf.Tensor; // [B, L] int32, padded on the right
  textMask: tf.Tensor; // [B, L], 1 = real token
  targets?: CaptionTargets; // with the captioning objective
}

/** The captions as the captioning objective's targets: `<bos>` after the visual tokens, then caption + `<eos>`. */
export interface CaptionTargets {
  bosIds: tf.Tensor; // [B, 1] int32
  targetIds: tf.Tensor; // [B, L] int32, padded on the right
  targetMask: tf.Tensor; // [B, L], 1 = caption token
}

export function initProjections(f: ParamFactory, c: ContrastiveConfigs): void {
  initDense(f, 'vision', c.vit.width, c.embedDim, false);
  initDense(f, 'text', c.text.width, c.embedDim, false);
  f.fill('logit_scale', [], Math.log(1 / 0.07)); // temperature 0.07, as CLIP
}

/** ViT tokens [B, T, S, width] -> [B, embedDim], unit length. */
function imageEmbedding(params: Params, tokens: tf.Tensor): tf.Tensor {
  return l2Normalize(dense(weights(params, 'proj'), 'vision', tf.mean(tokens, [1, 2]), false)); // [B, embedDim]
}

/** text -> [B, embedDim], unit length, from the text tower's hidden state at the last real token. */
function textEmbedding(params: Params, c: ContrastiveConfigs, ids: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const hidden = lmForward(weights(params, 'text'), c.text, { ids, mask }).hidden; // [B, L, width]
  const last = tf.sub(tf.sum(tf.cast(mask, 'int32'), 1), tf.scalar(1, 'int32')); // [B]
  const pick = tf.expandDims(tf.oneHot(last, ids.shape[1]!), 2); // [B, L, 1]
  return l2Normalize(dense(weights(params, 'proj'), 'text', tf.sum(tf.mul(hidden, pick), 1), false)); // [B, embedDim]
}

/** The contrastive loss, plus `captioning.weight` times the caption loss when the assembly captions. */
export function clipLoss(params: Params, c: ContrastiveConfigs, batch: ContrastiveBatch): tf.Scalar {
  const tokens = applyVit(weights(params, 'vit'), c.vit, batch.frames); // [B, T, S, width]
  const text = textEmbedding(params, c, batch.textIds, batch.textMask);
  const contrastive = contrastiveLoss(imageEmbedding(params, tokens), text, params.get('proj.logit_scale')!);
  if (!c.captioning) return contrastive;
  if (!batch.targets) throw new Error('a captioning contrastive assembly needs caption targets in its batch');
  const { bosIds, targetIds, targetMask } = batch.targets;
  const prefix = applyPooler(weights(params, 'pooler'), c.captioning.pooler, tokens); // [B, queries, text width]
  const decoder = { weights: weights(params, 'text'), config: c.text, mask: 'causal' as const };
  const caption = prefixCaptionLoss(decoder, prefix, { beforeIds: tf.zeros([bosIds.shape[0], 0], 'int32'), afterIds: bosIds, targetIds, targetMask });
  return tf.add(contrastive, tf.mul(caption, c.captioning.weight));
}

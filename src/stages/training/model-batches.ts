// Host batches -> the tensors each assembly's loss takes. Called inside the loss (tf.tidy), so the
// tensors made here are released with the step.
import * as tf from '@tensorflow/tfjs-core';
import type { TextTokenizer } from '../../data/tokenizer.ts';
import type { LmBatch } from '../../models/assembly.ts';
import type { ContrastiveBatch } from '../../models/contrastive.ts';
import type { CaptionBatch, CaptionText, PromptText } from '../../models/vlm.ts';
import { encodePrompt, encodeSequences, encodeTargets, idsTensor, maskTensor, padIds } from '../../data/text-batches.ts';

export interface FramesHost {
  frames: Float32Array; // [batch, frames, height, width, 3]
  shape: [number, number, number, number, number];
  captions: string[];
}

export interface TextEncoding {
  tokenizer: TextTokenizer;
  maxTokens: number;
}

export function lmBatch(texts: string[], enc: TextEncoding, repeat: boolean[] = []): LmBatch {
  const seq = encodeSequences(enc.tokenizer, texts, enc.maxTokens, repeat, 'longest');
  return { ids: idsTensor(seq), mask: maskTensor(seq) }; // [B, the longest sequence of the batch]
}

/** The contrastive batch; with `captioning`, also the captions as the captioning objective's targets. */
export function contrastiveBatch(host: FramesHost, enc: TextEncoding, captioning = false): ContrastiveBatch {
  const seq = encodeSequences(enc.tokenizer, host.captions, enc.maxTokens);
  const batch = { frames: tf.tensor(host.frames, host.shape), textIds: idsTensor(seq), textMask: maskTensor(seq) };
  if (!captioning) return batch;
  const targets = encodeTargets(enc.tokenizer, host.captions, enc.maxTokens);
  const bosIds = tf.fill([host.captions.length, 1], enc.tokenizer.bosId, 'int32');
  return { ...batch, targets: { bosIds, targetIds: idsTensor(targets), targetMask: maskTensor(targets) } };
}

export interface PromptEncoding extends TextEncoding {
  prompt: string; // with its <visual> marker
}

/** The prompt around the visual tokens, for `rows` rows. */
export function promptText(enc: PromptEncoding, rows = 1): PromptText {
  const { before, after } = encodePrompt(enc.tokenizer, enc.prompt);
  const repeat = (ids: number[]) => idsTensor(padIds(Array.from({ length: rows }, () => ids), enc.tokenizer.padId, 'left'));
  return { beforeIds: repeat(before), afterIds: repeat(after) }; // [rows, Pb], [rows, Pa]
}

/** The prompt with `captions` as targets, one row each: a captioning batch without its frames. */
export function captionText(enc: PromptEncoding, captions: string[]): CaptionText {
  const targets = encodeTargets(enc.tokenizer, captions, enc.maxTokens);
  return { ...promptText(enc, captions.length), targetIds: idsTensor(targets), targetMask: maskTensor(targets) }; // targets [rows, maxTokens + 1]
}

/** The captioning batch: one prompt for every example, the captions as targets. */
export function captionBatch(host: FramesHost, enc: PromptEncoding): CaptionBatch {
  return { frames: tf.tensor(host.frames, host.shape), ...captionText(enc, host.captions) }; // frames [B, T, H, W, 3]
}

// Host batches -> the tensors each assembly's loss takes. Called inside the loss (tf.tidy), so the
// tensors made here are released with the step.
import * as tf from '@tensorflow/tfjs-core';
import type { TextTokenizer } from '../../data/tokenizer.ts';
import type { LmBatch } from '../../models/assembly.ts';
import type { ContrastiveBatch } from '../../models/contrastive.ts';
import type { CaptionBatch } from '../../models/vlm.ts';
import { encodePrompt, encodeSequences, encodeTargets, idsTensor, maskTensor, padIds } from './text-batches.ts';

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

export function contrastiveBatch(host: FramesHost, enc: TextEncoding): ContrastiveBatch {
  const seq = encodeSequences(enc.tokenizer, host.captions, enc.maxTokens);
  return { frames: tf.tensor(host.frames, host.shape), textIds: idsTensor(seq), textMask: maskTensor(seq) };
}

/** The captioning batch: one prompt for every example, the captions as targets. */
export function captionBatch(host: FramesHost, enc: TextEncoding & { prompt: string }): CaptionBatch {
  const rows = host.captions.length;
  const { before, after } = encodePrompt(enc.tokenizer, enc.prompt);
  const repeat = (ids: number[]) => idsTensor(padIds(Array.from({ length: rows }, () => ids), enc.tokenizer.padId, 'left'));
  const targets = encodeTargets(enc.tokenizer, host.captions, enc.maxTokens);
  return {
    frames: tf.tensor(host.frames, host.shape), // [B, T, H, W, 3]
    beforeIds: repeat(before), // [B, Pb]
    afterIds: repeat(after), // [B, Pa]
    targetIds: idsTensor(targets), // [B, maxTokens + 1]
    targetMask: maskTensor(targets),
  };
}

// Token arrays for the models' batches: captions as targets (then <eos>, padded on the right),
// prompts split around their visual-token marker (padded on the left, so that every prompt ends
// where the generated text starts), and plain sequences for language-model pretraining.
import * as tf from '@tensorflow/tfjs-core';
import type { TextTokenizer } from './tokenizer.ts';
import { userError } from '../util/errors.ts';

export const VISUAL_MARKER = '<visual>';

export interface PaddedIds {
  ids: Int32Array; // [rows, length]
  mask: Float32Array; // [rows, length], 1 = real token
  rows: number;
  length: number;
}

/** Pad token lists to one length: on the right (targets, sequences) or on the left (prompts). */
export function padIds(lists: number[][], padId: number, side: 'left' | 'right', length = Math.max(0, ...lists.map((l) => l.length))): PaddedIds {
  const rows = lists.length;
  const ids = new Int32Array(rows * length).fill(padId);
  const mask = new Float32Array(rows * length);
  lists.forEach((list, r) => {
    const kept = list.slice(0, length);
    const offset = r * length + (side === 'left' ? length - kept.length : 0);
    ids.set(kept, offset);
    mask.fill(1, offset, offset + kept.length);
  });
  return { ids, mask, rows, length };
}

export function idsTensor(p: PaddedIds): tf.Tensor2D {
  return tf.tensor2d(p.ids, [p.rows, p.length], 'int32');
}

export function maskTensor(p: PaddedIds): tf.Tensor2D {
  return tf.tensor2d(p.mask, [p.rows, p.length], 'float32');
}

/** `Describe the following: <visual> :` -> the text before and after the marker. */
export function splitPrompt(template: string): { before: string; after: string } {
  const at = template.indexOf(VISUAL_MARKER);
  if (at < 0 || template.indexOf(VISUAL_MARKER, at + 1) >= 0) {
    throw userError('bad_prompt', `a prompt template must contain "${VISUAL_MARKER}" exactly once, got "${template}"`);
  }
  return { before: template.slice(0, at).trim(), after: template.slice(at + VISUAL_MARKER.length).trim() };
}

/** Prompt ids around the visual tokens; the sequence starts with <bos>. */
export function encodePrompt(tok: TextTokenizer, template: string): { before: number[]; after: number[] } {
  const { before, after } = splitPrompt(template);
  return { before: tok.encode(before, { bos: true }), after: tok.encode(after) };
}

/** Caption targets: at most `maxTokens` caption tokens, then <eos>. */
export function encodeTargets(tok: TextTokenizer, captions: string[], maxTokens: number): PaddedIds {
  return padIds(captions.map((c) => [...tok.encode(c).slice(0, maxTokens), tok.eosId]), tok.padId, 'right', maxTokens + 1);
}

/**
 * Whole sequences `<bos> text <eos>` for language-model pretraining and the contrastive text tower;
 * a text marked in `repeat` is written twice, `<bos> text <eos> text <eos>`. Padded to the longest
 * a text could be (`pad: 'max'`, one shape for every batch) or to the batch's longest sequence
 * (`pad: 'longest'`: less compute when most texts are short, the same loss).
 */
export function encodeSequences(tok: TextTokenizer, texts: string[], maxTokens: number, repeat: boolean[] = [], pad: 'max' | 'longest' = 'max'): PaddedIds {
  const lists = texts.map((t, i) => {
    const body = [...tok.encode(t).slice(0, maxTokens), tok.eosId];
    return [tok.bosId, ...body, ...(repeat[i] ? body : [])];
  });
  const length = pad === 'longest' ? Math.max(0, ...lists.map((l) => l.length)) : repeat.some(Boolean) ? 2 * maxTokens + 3 : maxTokens + 2;
  return padIds(lists, tok.padId, 'right', length);
}

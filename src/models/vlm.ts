// The vision-language forward passes of the three assemblies: frames -> visual tokens at the
// decoder's width; the prompt sequence [before, visual tokens, after, caption]; the caption-only
// next-token loss; and the first/next steps of incremental decoding (for greedy or beam search).
// Each also exists given the visual tokens instead of frames (`prefix*`), for any decoder: what
// src/diagnose/ feeds the frozen LLM in place of an adapter's tokens.
import * as tf from '@tensorflow/tfjs-core';
import { crossAttentionOf, type ConfigsOf, type DecoderMask } from './assembly-config.ts';
import { dense } from './layers.ts';
import { embedTokens, lmForward, lmLogits, type KvCache, type LmConfig } from './lm.ts';
import { maskedCrossEntropy } from './losses.ts';
import { weights, type Params, type Weights } from './params.ts';
import { applyPooler } from './pooler.ts';
import { applyResampler } from './resampler.ts';
import { applyVit } from './vit.ts';

export type VlmConfigs = ConfigsOf<'captioner'> | ConfigsOf<'vadapter'> | ConfigsOf<'perceiver'>;

/** The prompt around the visual tokens, e.g. `Describe the following:` <visual tokens> `:`, as token ids. */
export interface PromptBatch {
  frames: tf.Tensor; // [B, T, H, W, 3] float32 in [0, 1]; an image is its frame repeated T times
  beforeIds: tf.Tensor; // [B, Pb] int32 (Pb may be 0)
  afterIds: tf.Tensor; // [B, Pa] int32 (Pa may be 0)
  beforeMask?: tf.Tensor; // [B, Pb], 1 = real token; prompts of different lengths are padded on the left
  afterMask?: tf.Tensor; // [B, Pa]
}

export interface CaptionBatch extends PromptBatch {
  targetIds: tf.Tensor; // [B, L] int32: caption tokens (then end-of-sequence), padded on the right
  targetMask: tf.Tensor; // [B, L], 1 = caption token, 0 = padding (not scored)
}

/** A prompt (and caption) without frames: for the `prefix*` functions, which are handed the visual tokens. */
export type PromptText = Omit<PromptBatch, 'frames'>;
export type CaptionText = Omit<CaptionBatch, 'frames'>;

/** The decoder that reads the prompt: the TLM in the stage-1 captioner, else the frozen LLM. */
export function decoderOf(c: VlmConfigs): { component: 'tlm' | 'llm'; config: LmConfig } {
  return c.kind === 'captioner' ? { component: 'tlm', config: c.tlm } : { component: 'llm', config: c.llm };
}

/** A decoder LM reading [prompt, visual tokens, prompt, caption]: its weights, config and mask over the prompt. */
export interface PrefixDecoder {
  weights: Weights;
  config: LmConfig;
  mask: DecoderMask;
}

/** The decoder of a VLM assembly as a PrefixDecoder. */
export function prefixDecoderOf(params: Params, c: VlmConfigs): PrefixDecoder {
  const { component, config } = decoderOf(c);
  return { weights: weights(params, component), config, mask: c.decoderMask };
}

/** ViT features [B, T, S, vit width] -> the cross-attention module's tokens [B, n, width] (an FC in front of a resampler when there is one). */
function crossAttend(params: Params, c: VlmConfigs, features: tf.Tensor): tf.Tensor {
  const front = crossAttentionOf(c);
  if (front.component === 'pooler') return applyPooler(weights(params, 'pooler'), front.config, features);
  const projected = params.has('fc_in.weight') ? dense(weights(params), 'fc_in', features) : features; // [B, T, S, resampler width]
  return applyResampler(weights(params, 'resampler'), front.config, projected);
}

/** frames [B, T, H, W, 3] -> visual tokens [B, V, decoder width]. */
export function visualTokens(params: Params, c: VlmConfigs, frames: tf.Tensor): tf.Tensor {
  const features = applyVit(weights(params, 'vit'), c.vit, frames); // [B, T, S, vit width]
  const tokens = crossAttend(params, c, features); // [B, n, width]
  if (c.kind === 'captioner') return tokens;
  if (c.kind === 'perceiver') return toLlmScale(params, c, dense(weights(params), 'fc_out', tokens)); // [B, n, llm width]
  const n = tokens.shape[1]!;
  const adapted = lmForward(weights(params, 'tlm'), c.tlm, { embeddings: tokens, maskKind: c.adapterMask === 'bidirectional' ? 'prefix' : 'causal', prefix: n });
  return toLlmScale(params, c, dense(weights(params), 'fc_out', adapted.hidden)); // [B, n, llm width]
}

/** Visual tokens [B, n, llm width] at the scale of the frozen LLM's token embeddings (visualNorm 'embedding'), else unchanged. */
function toLlmScale(params: Params, c: ConfigsOf<'vadapter'> | ConfigsOf<'perceiver'>, tokens: tf.Tensor): tf.Tensor {
  if ((c.visualNorm ?? 'none') === 'none') return tokens; // checkpoints from before the key existed were trained without it
  const embedRms = tf.sqrt(tf.mean(tf.square(params.get('llm.embed.weight')!))); // a constant: the LLM is frozen
  return tf.mul(tf.mul(tokens, tf.rsqrt(tf.add(tf.mean(tf.square(tokens), -1, true), 1e-6))), embedRms);
}

interface Sequence {
  embeddings: tf.Tensor; // [B, N, width]
  mask: tf.Tensor; // [B, N]
  prefix: number; // positions up to the end of the prompt
}

/** [before, visual, after, ...extra] as decoder input embeddings with their mask. */
function promptSequence(dec: Weights, visual: tf.Tensor, batch: PromptText, extra: { ids: tf.Tensor; mask: tf.Tensor }[] = []): Sequence {
  const [b, v] = visual.shape;
  const parts = [
    { ids: batch.beforeIds, mask: batch.beforeMask },
    { embeddings: visual, mask: tf.ones([b, v!]) },
    { ids: batch.afterIds, mask: batch.afterMask },
    ...extra,
  ].filter((p) => (p.ids ?? p.embeddings)!.shape[1] !== 0);
  const embeddings = tf.concat(parts.map((p) => p.embeddings ?? embedTokens(dec, p.ids!)), 1); // [B, N, width]
  const mask = tf.concat(parts.map((p) => (p.mask ? tf.cast(p.mask, 'float32') : tf.ones([b, (p.ids ?? p.embeddings)!.shape[1]!]))), 1); // [B, N]
  return { embeddings, mask, prefix: batch.beforeIds.shape[1]! + v! + batch.afterIds.shape[1]! };
}

/** Mean next-token cross-entropy over the caption tokens only (prompt and padding not scored). */
export function captionLoss(params: Params, c: VlmConfigs, batch: CaptionBatch): tf.Scalar {
  return prefixCaptionLoss(prefixDecoderOf(params, c), visualTokens(params, c, batch.frames), batch);
}

export interface CaptionForward {
  hidden: tf.Tensor; // [B, N, width], N = prefix + L
  prefix: number; // Pb + V + Pa: position prefix - 1 + i predicts caption token i
  attention?: tf.Tensor[]; // with `attention`: per layer [B, heads, N, N]
}

/** The decoder over [before, visual [B, V, width], after, caption] (teacher forcing); `attention` also returns its attention probabilities. */
export function prefixCaptionForward(dec: PrefixDecoder, visual: tf.Tensor, batch: CaptionText, o: { attention?: boolean } = {}): CaptionForward {
  const seq = promptSequence(dec.weights, visual, batch, [{ ids: batch.targetIds, mask: batch.targetMask }]);
  const out = lmForward(dec.weights, dec.config, { embeddings: seq.embeddings, mask: seq.mask, maskKind: dec.mask, prefix: seq.prefix, ...(o.attention ? { attention: true } : {}) });
  return { hidden: out.hidden, prefix: seq.prefix, ...(out.attention ? { attention: out.attention } : {}) };
}

/** captionLoss given the visual tokens [B, V, width] (V may be 0: no visual tokens). */
export function prefixCaptionLoss(dec: PrefixDecoder, visual: tf.Tensor, batch: CaptionText): tf.Scalar {
  return captionLossOf(dec, prefixCaptionForward(dec, visual, batch), batch);
}

/** The caption loss from a teacher-forced forward pass. */
export function captionLossOf(dec: PrefixDecoder, f: CaptionForward, batch: CaptionText): tf.Scalar {
  const [b, , width] = f.hidden.shape;
  const length = batch.targetIds.shape[1]!;
  const predicting = tf.slice(f.hidden, [0, f.prefix - 1, 0], [b, length, width!]); // [B, L, width]: position i predicts caption token i
  return maskedCrossEntropy(lmLogits(dec.weights, predicting), batch.targetIds, batch.targetMask);
}

export interface DecodeStep {
  logits: tf.Tensor; // [B, vocab] for the next token
  cache: KvCache;
}

/** Encode frames and run the prompt: the logits of the first generated token and the cache to continue from. */
export function startDecoding(params: Params, c: VlmConfigs, batch: PromptBatch): DecodeStep {
  return startPrefixDecoding(prefixDecoderOf(params, c), visualTokens(params, c, batch.frames), batch);
}

/** Feed the tokens just chosen, ids [B] or [B, 1] int32, after the cached positions. */
export function continueDecoding(params: Params, c: VlmConfigs, ids: tf.Tensor, cache: KvCache): DecodeStep {
  return continuePrefixDecoding(prefixDecoderOf(params, c), ids, cache);
}

/** startDecoding given the visual tokens [B, V, width]. */
export function startPrefixDecoding(dec: PrefixDecoder, visual: tf.Tensor, batch: PromptText): DecodeStep {
  const seq = promptSequence(dec.weights, visual, batch);
  const out = lmForward(dec.weights, dec.config, { embeddings: seq.embeddings, mask: seq.mask, maskKind: dec.mask, prefix: seq.prefix });
  return { logits: lastLogits(dec.weights, out.hidden), cache: out.cache };
}

/** continueDecoding for a PrefixDecoder. */
export function continuePrefixDecoding(dec: PrefixDecoder, ids: tf.Tensor, cache: KvCache): DecodeStep {
  const out = lmForward(dec.weights, dec.config, { ids: tf.reshape(ids, [-1, 1]), cache }); // [B, 1] new position
  return { logits: lastLogits(dec.weights, out.hidden), cache: out.cache };
}

function lastLogits(dec: Weights, hidden: tf.Tensor): tf.Tensor {
  const [b, n, width] = hidden.shape;
  return lmLogits(dec, tf.reshape(tf.slice(hidden, [0, n! - 1, 0], [b, 1, width!]), [b, width!])); // [B, vocab]
}

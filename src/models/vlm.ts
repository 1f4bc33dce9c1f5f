// The vision-language forward passes of the three assemblies: frames -> visual tokens at the
// decoder's width; the prompt sequence [before, visual tokens, after, caption]; the caption-only
// next-token loss; and the first/next steps of incremental decoding (for greedy or beam search).
import * as tf from '@tensorflow/tfjs-core';
import { crossAttentionOf, type ConfigsOf } from './assembly_config.ts';
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

/** The decoder that reads the prompt: the TLM in the stage-1 captioner, else the frozen LLM. */
export function decoderOf(c: VlmConfigs): { component: 'tlm' | 'llm'; config: LmConfig } {
  return c.kind === 'captioner' ? { component: 'tlm', config: c.tlm } : { component: 'llm', config: c.llm };
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
  if (c.kind === 'perceiver') return dense(weights(params), 'fc_out', tokens); // [B, n, llm width]
  const n = tokens.shape[1]!;
  const adapted = lmForward(weights(params, 'tlm'), c.tlm, { embeddings: tokens, maskKind: c.adapterMask === 'bidirectional' ? 'prefix' : 'causal', prefix: n });
  return dense(weights(params), 'fc_out', adapted.hidden); // [B, n, llm width]
}

interface Sequence {
  embeddings: tf.Tensor; // [B, N, width]
  mask: tf.Tensor; // [B, N]
  prefix: number; // positions up to the end of the prompt
}

/** [before, visual, after, ...extra] as decoder input embeddings with their mask. */
function promptSequence(dec: Weights, visual: tf.Tensor, batch: PromptBatch, extra: { ids: tf.Tensor; mask: tf.Tensor }[] = []): Sequence {
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
  const { component, config } = decoderOf(c);
  const dec = weights(params, component);
  const seq = promptSequence(dec, visualTokens(params, c, batch.frames), batch, [{ ids: batch.targetIds, mask: batch.targetMask }]);
  const hidden = lmForward(dec, config, { embeddings: seq.embeddings, mask: seq.mask, maskKind: c.decoderMask, prefix: seq.prefix }).hidden; // [B, N, width]
  const [b, , width] = hidden.shape;
  const length = batch.targetIds.shape[1]!;
  const predicting = tf.slice(hidden, [0, seq.prefix - 1, 0], [b, length, width!]); // [B, L, width]: position i predicts caption token i
  return maskedCrossEntropy(lmLogits(dec, predicting), batch.targetIds, batch.targetMask);
}

export interface DecodeStep {
  logits: tf.Tensor; // [B, vocab] for the next token
  cache: KvCache;
}

/** Encode frames and run the prompt: the logits of the first generated token and the cache to continue from. */
export function startDecoding(params: Params, c: VlmConfigs, batch: PromptBatch): DecodeStep {
  const { component, config } = decoderOf(c);
  const dec = weights(params, component);
  const seq = promptSequence(dec, visualTokens(params, c, batch.frames), batch);
  const out = lmForward(dec, config, { embeddings: seq.embeddings, mask: seq.mask, maskKind: c.decoderMask, prefix: seq.prefix });
  return { logits: lastLogits(dec, out.hidden), cache: out.cache };
}

/** Feed the tokens just chosen, ids [B] or [B, 1] int32, after the cached positions. */
export function continueDecoding(params: Params, c: VlmConfigs, ids: tf.Tensor, cache: KvCache): DecodeStep {
  const { component, config } = decoderOf(c);
  const dec = weights(params, component);
  const out = lmForward(dec, config, { ids: tf.reshape(ids, [-1, 1]), cache }); // [B, 1] new position
  return { logits: lastLogits(dec, out.hidden), cache: out.cache };
}

function lastLogits(dec: Weights, hidden: tf.Tensor): tf.Tensor {
  const [b, n, width] = hidden.shape;
  return lmLogits(dec, tf.reshape(tf.slice(hidden, [0, n! - 1, 0], [b, 1, width!]), [b, width!])); // [B, vocab]
}

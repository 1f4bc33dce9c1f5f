// What every prefix diagnostic does with the frozen decoder (prompts and captions are encoded by
// model-batches.ts's captionText, as the alignment stages encode them): build prefixes (the decoder's own token embeddings of a caption, or none),
// score a caption after a prefix with the alignment stages' caption loss, and generate greedily
// after a prefix. Examples go through the decoder one at a time (B = 1), so that prefixes of
// different lengths need no padding and every example weighs the same in a mean.
import * as tf from '@tensorflow/tfjs-core';
import { greedyDecode } from '../eval/decode/greedy.ts';
import type { StopOptions } from '../eval/decode/hypothesis.ts';
import type { Step, StepModel } from '../eval/decode/step-model.ts';
import { embedTokens, type KvCache } from '../models/lm.ts';
import { continuePrefixDecoding, prefixCaptionLoss, startPrefixDecoding, type CaptionText, type PrefixDecoder, type PromptText } from '../models/vlm.ts';
import type { PromptEncoding } from '../stages/training/model-batches.ts';

/** How captions are asked for and scored: the alignment stages' prompt and caption length. */
/** The token ids an oracle prefix of `caption` is made of: its tokens (at most maxTokens), no <bos> or <eos>. */
export function prefixIds(enc: PromptEncoding, caption: string): number[] {
  return enc.tokenizer.encode(caption).slice(0, enc.maxTokens);
}

/** The decoder's own token embeddings of `ids`, as a prefix [1, T, width]. */
export function tokenPrefix(dec: PrefixDecoder, ids: number[]): tf.Tensor {
  return tf.tidy(() => tf.expandDims(embedTokens(dec.weights, tf.tensor1d(ids, 'int32')), 0));
}

/** No visual tokens at all: [rows, 0, width] (the prompt closes up around the marker). */
export function emptyPrefix(dec: PrefixDecoder, rows = 1): tf.Tensor {
  return tf.zeros([rows, 0, dec.config.width]);
}

/** The caption loss of `batch` after `prefix` [rows, V, width]: mean cross-entropy over the caption tokens. */
export async function prefixLoss(dec: PrefixDecoder, prefix: tf.Tensor, batch: CaptionText): Promise<number> {
  const loss = tf.tidy(() => prefixCaptionLoss(dec, prefix, batch));
  const value = (await loss.data())[0];
  loss.dispose();
  return value;
}

/** Greedy generation (the paper's decoding) after `prefix` [rows, V, width]: the generated ids of each row, the stop left out. */
export async function generateAfter(dec: PrefixDecoder, prefix: tf.Tensor, prompt: PromptText, o: StopOptions): Promise<number[][]> {
  const tidyStep = (f: () => { logits: tf.Tensor; cache: KvCache }): Step<KvCache> =>
    tf.tidy(() => {
      const d = f();
      return { logits: d.logits, state: d.cache } as unknown as tf.TensorContainer;
    }) as unknown as Step<KvCache>;
  const model: StepModel<KvCache> = {
    start: () => tidyStep(() => startPrefixDecoding(dec, prefix, prompt)),
    next: (ids, cache) => tidyStep(() => continuePrefixDecoding(dec, ids, cache)),
  };
  return (await greedyDecode(model, o)).map((h) => h.ids);
}

/** Dispose every tensor of a batch. */
export function disposeBatch(batch: object): void {
  tf.dispose(Object.values(batch).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
}

/** RMS of the rows' L2 norms, sqrt(mean_i |x_i|^2), over the last axis of x [..., width]. */
export async function rmsNorm(x: tf.Tensor): Promise<number> {
  const v = tf.tidy(() => tf.sqrt(tf.mul(tf.mean(tf.square(x)), x.shape[x.rank - 1]!)));
  const out = (await v.data())[0];
  v.dispose();
  return out;
}

/** The root mean square of the decoder's token-embedding entries (over the rows in `ids`, else all rows): the scale free prefix vectors are drawn at. */
export async function embeddingEntryRms(dec: PrefixDecoder, ids?: number[]): Promise<number> {
  const v = tf.tidy(() => {
    const rows = ids ? embedTokens(dec.weights, tf.tensor1d(ids, 'int32')) : dec.weights.get('embed.weight');
    return tf.sqrt(tf.mean(tf.square(rows)));
  });
  const out = (await v.data())[0];
  v.dispose();
  return out;
}

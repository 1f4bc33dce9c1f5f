// Tiny assemblies and batches for the model tests: sizes small enough to train in seconds on a
// shared CPU, with every variant switched somewhere (MQA, LayerNorm, parallel block).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/util/rng.ts';
import { type AssemblyKind, type AssemblySpec, type ConfigsOf, resolveAssembly } from '../../src/models/assembly-config.ts';
import type { CaptionBatch } from '../../src/models/vlm.ts';

export const TINY: AssemblySpec = {
  vit: { image: 16, patch: 8, width: 32, layers: 1, heads: 2, mlp: 64 },
  tlm: { preset: 'lm-tiny', vocab: 64, width: 32, layers: 1, heads: 2, kvHeads: 2, mlp: 64 },
  llm: { preset: 'lm-tiny', vocab: 64, width: 48, layers: 1, heads: 2, kvHeads: 1, mlp: 96, parallel: true, norm: 'layer' },
  lm: { preset: 'lm-tiny', vocab: 64, width: 32, layers: 1, heads: 2, kvHeads: 1, mlp: 64 },
  text: { preset: 'lm-tiny', vocab: 64, width: 32, layers: 1, heads: 2, kvHeads: 2, mlp: 64 },
  pooler: { preset: 'pooler-tiny', queries: 4, heads: 2 },
  resampler: { preset: 'resampler-1layer-tiny', queries: 4, heads: 2 },
};

/** Table 4's pooler arm: the VAdapter with an attentional pooler, not a resampler, in front of the TLM. */
export const TINY_POOLER_ADAPTER: AssemblySpec = { ...TINY, resampler: undefined };

export const TINY_PERCEIVER: AssemblySpec = { ...TINY, resampler: { preset: 'resampler-tiny', layers: 2, queries: 4, width: 24, hidden: 24, heads: 2 } };

export function tinyConfigs<K extends AssemblyKind>(kind: K): ConfigsOf<K> {
  return resolveAssembly(kind, kind === 'perceiver' ? TINY_PERCEIVER : TINY) as ConfigsOf<K>;
}

/** Seeded frames [B, T, size, size, 3] in [0, 1]; `image` repeats one frame T times. */
export function frames(batch: number, count: number, size: number, seed: number, image = false): tf.Tensor {
  const rng = new Rng(seed);
  const per = size * size * 3;
  const values = new Float32Array(batch * count * per);
  for (let b = 0; b < batch; b++) {
    const first = Float32Array.from({ length: per }, () => rng.float());
    for (let t = 0; t < count; t++) values.set(image ? first : Float32Array.from({ length: per }, () => rng.float()), (b * count + t) * per);
  }
  return tf.tensor(values, [batch, count, size, size, 3]);
}

const ids = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

/** Two examples: prompt "Describe the following:" <visual> ":" and captions of different lengths, padded. */
export function captionBatch(frameCount: number, size = 16, seed = 1): CaptionBatch {
  return {
    frames: frames(2, frameCount, size, seed),
    beforeIds: ids([[3, 4, 5], [3, 4, 5]]),
    afterIds: ids([[6], [6]]),
    targetIds: ids([[10, 11, 12, 13, 2, 0], [20, 21, 22, 2, 0, 0]]),
    targetMask: tf.tensor2d([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0]]),
  };
}

/** The captions of captionBatch as language-only training data for the frozen LLM's pretraining. */
export function captionTextBatch(): { ids: tf.Tensor; mask: tf.Tensor } {
  return { ids: ids([[1, 10, 11, 12, 13, 2], [1, 20, 21, 22, 2, 0]]), mask: tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]]) };
}

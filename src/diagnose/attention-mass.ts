// Where the caption positions of a teacher-forced pass look: the attention probability each
// scored position (the one predicting caption token i, from the last prompt token on) puts on the
// visual positions, on the prompt text (<bos> included) and on the caption so far, averaged over
// layers, heads and the scored positions. For each query the three sum to 1 (padding gets none).
import * as tf from '@tensorflow/tfjs-core';
import { captionLossOf, prefixCaptionForward, type CaptionText, type PrefixDecoder } from '../models/vlm.ts';

export interface AttentionMass {
  visual: number;
  prompt: number;
  caption: number;
}

export const MASS_GROUPS = ['visual', 'prompt', 'caption'] as const;

async function hostMask(mask: tf.Tensor | undefined, length: number): Promise<number[]> {
  return mask ? Array.from(await mask.data()) : Array(length).fill(1);
}

/**
 * The attention mass of one example (batch of 1 row) after `prefix` [1, V, width], and its caption
 * loss from the same forward pass.
 */
export async function attentionMass(dec: PrefixDecoder, prefix: tf.Tensor, batch: CaptionText): Promise<{ mass: AttentionMass; loss: number }> {
  if (batch.targetIds.shape[0] !== 1) throw new Error('attentionMass takes one example at a time');
  const pb = batch.beforeIds.shape[1]!;
  const pa = batch.afterIds.shape[1]!;
  const v = prefix.shape[1]!;
  const target = await hostMask(batch.targetMask, batch.targetIds.shape[1]!);
  const before = await hostMask(batch.beforeMask, pb);
  const after = await hostMask(batch.afterMask, pa);
  const zeros = (n: number) => Array<number>(n).fill(0);
  const keys: Record<keyof AttentionMass, number[]> = { // [N] each: which key positions belong to the group
    prompt: [...before, ...zeros(v), ...after, ...zeros(target.length)],
    visual: [...zeros(pb), ...Array<number>(v).fill(1), ...zeros(pa + target.length)],
    caption: [...zeros(pb + v + pa), ...target],
  };
  const prefixLength = pb + v + pa;
  const queries = [...zeros(prefixLength - 1), ...target, 0]; // position prefix - 1 + i predicts caption token i
  const count = queries.reduce((a, b) => a + b, 0);
  const [masses, loss] = tf.tidy(() => {
    const f = prefixCaptionForward(dec, prefix, batch, { attention: true });
    const n = queries.length;
    const q = tf.tensor(queries, [1, 1, n]);
    const perGroup = MASS_GROUPS.map((g) => {
      const k = tf.tensor(keys[g], [1, 1, 1, n]);
      const perLayer = f.attention!.map((p) => tf.div(tf.sum(tf.mul(tf.mean(tf.sum(tf.mul(p, k), -1), 1, true), q)), count)); // p [1, H, N, N] -> mass over keys [1, H, N] -> mean over heads, scored queries
      return tf.div(tf.addN(perLayer), perLayer.length);
    });
    return [tf.stack(perGroup), captionLossOf(dec, f, batch)];
  });
  const values = await masses.data();
  const lossValue = (await loss.data())[0];
  tf.dispose([masses, loss]);
  return { mass: { visual: values[0], prompt: values[1], caption: values[2] }, loss: lossValue };
}

/** The mean of each group over examples. */
export function meanMass(masses: AttentionMass[]): AttentionMass {
  const m = (g: keyof AttentionMass) => masses.reduce((a, x) => a + x[g], 0) / masses.length;
  return { visual: m('visual'), prompt: m('prompt'), caption: m('caption') };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildAssembly } from '../../src/models/assembly.ts';
import { type ConfigsOf, resolveAssembly } from '../../src/models/assembly-config.ts';
import type { ContrastiveBatch } from '../../src/models/contrastive.ts';
import { weights } from '../../src/models/params.ts';
import { applyPooler } from '../../src/models/pooler.ts';
import { applyVit } from '../../src/models/vit.ts';
import { prefixCaptionLoss } from '../../src/models/vlm.ts';
import { TINY, frames } from './fixtures.ts';

await initBackend('cpu');

const ids = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

function configs(weight?: number): ConfigsOf<'contrastive'> {
  const captioning = weight === undefined ? undefined : { pooler: { preset: 'pooler-tiny', queries: 3, heads: 2 }, weight };
  return resolveAssembly('contrastive', { ...TINY, captioning }) as ConfigsOf<'contrastive'>;
}

/** Two images and their captions: `<bos> caption <eos>` for the text tower, caption + `<eos>` as targets. */
function batch(): ContrastiveBatch {
  return {
    frames: frames(2, 2, 16, 5),
    textIds: ids([[1, 10, 11, 12, 2], [1, 20, 21, 2, 0]]),
    textMask: tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]]),
    targets: { bosIds: ids([[1], [1]]), targetIds: ids([[10, 11, 12, 2], [20, 21, 2, 0]]), targetMask: tf.tensor2d([[1, 1, 1, 1], [1, 1, 1, 0]]) },
  };
}

test('captioning resolves a pooler from the ViT width to the text tower width; without it the assembly has no pooler', () => {
  const c = configs(2);
  assert.deepEqual(c.captioning, { pooler: { queries: 3, heads: 2, width: 32, inputWidth: 32 }, weight: 2 });
  const plain = buildAssembly(configs(), 0);
  const captioning = buildAssembly(c, 0);
  assert.deepEqual(Object.keys(plain.components), ['vit', 'text', 'proj']);
  assert.deepEqual(Object.keys(captioning.components), ['vit', 'text', 'proj', 'pooler']);
  assert.ok(captioning.components.pooler.every((n) => captioning.trainable.includes(n)));
  plain.dispose();
  captioning.dispose();
  assert.throws(() => resolveAssembly('contrastive', { ...TINY, captioning: { pooler: { preset: 'pooler-tiny', width: 48 }, weight: 1 } }), /pooler widths 32 -> 48 must be the ViT's 32 -> the text tower's 32/);
});

test("the CoCa loss is the contrastive loss plus weight x the text tower's caption loss from the pooled ViT tokens", () => {
  const plain = buildAssembly(configs(), 4);
  const coca = buildAssembly(configs(2.5), 4); // every component is seeded by its name: vit, text and proj are the same tensors
  const b = batch();
  const contrastive = tf.tidy(() => plain.loss(b).dataSync()[0]);
  const caption = tf.tidy(() => {
    const c = coca.configs;
    const prefix = applyPooler(weights(coca.params, 'pooler'), c.captioning!.pooler, applyVit(weights(coca.params, 'vit'), c.vit, b.frames));
    const decoder = { weights: weights(coca.params, 'text'), config: c.text, mask: 'causal' as const };
    return prefixCaptionLoss(decoder, prefix, { beforeIds: tf.zeros([2, 0], 'int32'), afterIds: b.targets!.bosIds, targetIds: b.targets!.targetIds, targetMask: b.targets!.targetMask }).dataSync()[0];
  });
  assert.ok(caption > 2 && caption < 6, `an untrained caption loss near ln(64) = 4.16, got ${caption}`);
  const total = tf.tidy(() => coca.loss(b).dataSync()[0]);
  assert.ok(Math.abs(total - (contrastive + 2.5 * caption)) < 1e-5, `${total} against ${contrastive} + 2.5 x ${caption}`);
  assert.throws(() => tf.tidy(() => coca.loss({ ...b, targets: undefined })), /needs caption targets/);
  plain.dispose();
  coca.dispose();
});

test("the caption loss's gradient reaches the pooler and changes the ViT's; a few steps on two images lower it", () => {
  const plain = buildAssembly(configs(), 6);
  const coca = buildAssembly(configs(1), 6);
  const b = batch();
  const vitGrad = (a: typeof plain) =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => a.loss(b), a.trainable.map((n) => a.params.get(n)!));
      const norm = (component: string) => Math.sqrt((a.components[component] ?? []).reduce((s, n) => s + tf.sum(tf.square(grads[a.params.get(n)!.name])).dataSync()[0], 0));
      return { vit: norm('vit'), pooler: norm('pooler') };
    });
  const g0 = vitGrad(plain);
  const g1 = vitGrad(coca);
  assert.equal(g0.pooler, 0);
  assert.ok(g1.pooler > 1e-4, `pooler gradient ${g1.pooler}`);
  assert.ok(Math.abs(g1.vit - g0.vit) > 1e-3 * g0.vit, `ViT gradient ${g1.vit} against ${g0.vit} without captioning`);
  const optimizer = tf.train.adam(1e-2);
  const vars = coca.trainable.map((n) => coca.params.get(n)!);
  const losses: number[] = [];
  for (let step = 0; step < 15; step++) losses.push(optimizer.minimize(() => coca.loss(b), true, vars)!.dataSync()[0]);
  assert.ok(losses.at(-1)! < 0.7 * losses[0], `loss ${losses[0]} -> ${losses.at(-1)}`);
  optimizer.dispose();
  plain.dispose();
  coca.dispose();
});

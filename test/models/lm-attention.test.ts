// The LM's inspection path (attention probabilities on request) and the vlm.ts `prefix*` helpers:
// both leave the normal path's numbers exactly as they were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildAssembly } from '../../src/models/assembly.ts';
import { type ConfigsOf, resolveAssembly } from '../../src/models/assembly-config.ts';
import { initLm, lmForward, type LmConfig } from '../../src/models/lm.ts';
import { disposeParams, weights } from '../../src/models/params.ts';
import { captionLoss, prefixCaptionLoss, prefixDecoderOf, startDecoding, startPrefixDecoding, visualTokens } from '../../src/models/vlm.ts';
import { TINY, captionBatch, tinyConfigs } from './fixtures.ts';

await initBackend('cpu');

const configs: Record<string, LmConfig> = {
  'multi-query, LayerNorm, parallel': (resolveAssembly('lm', { lm: TINY.llm }) as ConfigsOf<'lm'>).lm,
  'grouped heads, RMSNorm, 2 layers': (resolveAssembly('lm', { lm: { ...TINY.lm, heads: 4, kvHeads: 2, layers: 2 } }) as ConfigsOf<'lm'>).lm,
};

const ids = () => tf.tensor2d([[1, 5, 6, 7, 8, 9], [1, 10, 11, 12, 0, 0]], undefined, 'int32');
const mask = () => tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]);

test('asking for attention weights leaves hidden states and cache bit-identical', async () => {
  for (const [name, c] of Object.entries(configs)) {
    const params = initLm(c, 3);
    const w = weights(params);
    for (const maskKind of ['causal', 'prefix'] as const) {
      const plain = lmForward(w, c, { ids: ids(), mask: mask(), maskKind, prefix: 3 });
      const inspected = lmForward(w, c, { ids: ids(), mask: mask(), maskKind, prefix: 3, attention: true });
      assert.equal(plain.attention, undefined, 'off by default');
      assert.equal(inspected.attention?.length, c.layers);
      assert.deepEqual(await inspected.hidden.data(), await plain.hidden.data(), `${name}, ${maskKind}: hidden`);
      for (let l = 0; l < c.layers; l++) assert.deepEqual(await inspected.cache.layers[l].k.data(), await plain.cache.layers[l].k.data(), `${name}: keys of layer ${l}`);
    }
    disposeParams(params);
  }
});

test('attention weights are [B, heads, N, N], rows sum to 1, and padding and future keys get none', async () => {
  for (const [name, c] of Object.entries(configs)) {
    const params = initLm(c, 4);
    const out = lmForward(weights(params), c, { ids: ids(), mask: mask(), attention: true });
    for (const layer of out.attention!) {
      assert.deepEqual(layer.shape, [2, c.heads, 6, 6], name);
      const p = (await layer.array()) as number[][][][];
      for (let b = 0; b < 2; b++) {
        for (let h = 0; h < c.heads; h++) {
          for (let q = 0; q < 6; q++) {
            const row = p[b][h][q];
            assert.ok(Math.abs(row.reduce((a, x) => a + x, 0) - 1) < 1e-5, `${name}: row ${b}/${h}/${q} sums to 1`);
            for (let k = q + 1; k < 6; k++) assert.equal(row[k], 0, `${name}: no weight on a later key`);
            if (b === 1) for (const k of [4, 5]) assert.equal(row[k], 0, `${name}: no weight on padding`);
          }
        }
      }
    }
    tf.dispose([out.hidden, ...out.attention!]);
    disposeParams(params);
  }
});

test('captionLoss and startDecoding are their prefix* forms applied to the visual tokens, bit for bit', async () => {
  for (const kind of ['captioner', 'vadapter', 'perceiver'] as const) {
    const a = buildAssembly(tinyConfigs(kind), 5);
    const batch = captionBatch(2);
    const [direct, viaPrefix, logits, prefixLogits] = tf.tidy(() => {
      const dec = prefixDecoderOf(a.params, a.configs);
      const visual = visualTokens(a.params, a.configs, batch.frames);
      return [captionLoss(a.params, a.configs, batch), prefixCaptionLoss(dec, visual, batch), startDecoding(a.params, a.configs, batch).logits, startPrefixDecoding(dec, visual, batch).logits];
    });
    assert.equal((await direct.data())[0], (await viaPrefix.data())[0], kind);
    assert.deepEqual(await logits.data(), await prefixLogits.data(), kind);
    tf.dispose([direct, viaPrefix, logits, prefixLogits]);
    a.dispose();
  }
});

// Table 4's pooler arm: the VAdapter with an attentional pooler, not a resampler, in front of the TLM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildAssembly } from '../../src/models/assembly.ts';
import { resolveAssembly, type ConfigsOf } from '../../src/models/assembly-config.ts';
import { visualTokens } from '../../src/models/vlm.ts';
import { TINY, TINY_POOLER_ADAPTER, captionBatch, frames } from './fixtures.ts';

await initBackend('cpu');

test('a vadapter given a pooler and no resampler reads the ViT through the pooler, at the ViT and TLM widths', () => {
  const c = resolveAssembly('vadapter', TINY_POOLER_ADAPTER) as ConfigsOf<'vadapter'>;
  assert.equal(c.resampler, undefined);
  assert.deepEqual({ width: c.pooler?.width, inputWidth: c.pooler?.inputWidth, queries: c.pooler?.queries }, { width: 32, inputWidth: 32, queries: 4 });
  assert.ok((resolveAssembly('vadapter', TINY) as ConfigsOf<'vadapter'>).resampler, 'a resampler wins when both are given');
  assert.throws(() => resolveAssembly('vadapter', { ...TINY_POOLER_ADAPTER, pooler: { preset: 'pooler-tiny', width: 16 } }), /models\.pooler: pooler widths 32 -> 16 must be the ViT's 32 -> the TLM's 32/);
});

test('the pooler arm trains pooler, TLM (not its embedding) and fc_out; gradients reach all of them; tokens have the LLM width', () => {
  const a = buildAssembly(resolveAssembly('vadapter', TINY_POOLER_ADAPTER) as ConfigsOf<'vadapter'>, 0);
  assert.deepEqual(Object.keys(a.components), ['vit', 'pooler', 'tlm', 'fc_out', 'llm']);
  const expected = ['pooler', 'tlm', 'fc_out'].flatMap((c) => a.components[c]).filter((n) => n !== 'tlm.embed.weight');
  assert.deepEqual([...a.trainable].sort(), expected.sort());
  const { value, grads } = tf.variableGrads(() => a.loss(captionBatch(2)), a.trainable.map((n) => a.params.get(n)!));
  assert.equal(Object.keys(grads).length, a.trainable.length);
  for (const [name, g] of Object.entries(grads)) assert.ok(tf.max(tf.abs(g)).dataSync()[0] > 0, `${name} gets a nonzero gradient`);
  const v = tf.tidy(() => visualTokens(a.params, a.configs, frames(3, 2, 16, 5)));
  assert.deepEqual(v.shape, [3, 4, 48]);
  tf.dispose([value, v, ...Object.values(grads)]);
  a.dispose();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { resolveComponent } from '../../src/models/config.ts';
import { weights } from '../../src/models/params.ts';
import { applyPooler, initPooler } from '../../src/models/pooler.ts';
import { applyResampler, initResampler, type ResamplerConfig } from '../../src/models/resampler.ts';
import { applyVit, initVit, patchify } from '../../src/models/vit.ts';
import { frames } from './fixtures.ts';

await initBackend('cpu');

test('patchify puts pixel (row, col, channel) of patch (i, j) where a row-major patch order says', () => {
  const [h, w, p] = [4, 6, 2];
  const values = Float32Array.from({ length: h * w * 3 }, (_, k) => k);
  const patches = patchify(tf.tensor(values, [1, 1, h, w, 3]), p).arraySync() as number[][][];
  assert.equal(patches[0].length, (h / p) * (w / p));
  for (const [row, col, ch] of [[0, 0, 0], [3, 5, 2], [2, 3, 1], [1, 4, 0]]) {
    const patch = Math.floor(row / p) * (w / p) + Math.floor(col / p);
    const inside = ((row % p) * p + (col % p)) * 3 + ch;
    assert.equal(patches[0][patch][inside], (row * w + col) * 3 + ch);
  }
});

test('ViT: [B, T, H, W, 3] -> [B, T, S, width]; an image repeated over 8 frames gives 8 identical token sets', () => {
  const c = resolveComponent('vit', { preset: 'vit-tiny' });
  const w = weights(initVit(c, 1));
  const out = tf.tidy(() => applyVit(w, c, frames(2, 8, 32, 4, true)));
  assert.deepEqual(out.shape, [2, 8, 16, 64]);
  const v = out.arraySync() as number[][][][];
  assert.deepEqual(v[1][7], v[1][0]);
  assert.notDeepEqual(v[0][0], v[1][0]);
  assert.throws(() => applyVit(w, c, frames(1, 1, 16, 4)), /ViT expects frames \[batch, frames, 32, 32, 3\], got \[1, 1, 16, 16, 3\]/);
});

const BASE: ResamplerConfig = { layers: 2, queries: 3, width: 16, hidden: 16, heads: 2, norm: 'separate', finalNorm: false, ffn: true, ffnMult: 4, timeEmbedding: true, maxFrames: 4 };

test('resampler: every Table 1 switch shows in its parameters', () => {
  const names = (c: Partial<ResamplerConfig>) => [...initResampler({ ...BASE, ...c }, 0).keys()].filter((n) => !n.startsWith('layers.1.'));
  assert.deepEqual(names({}), [
    'latents', 'time', 'layers.0.norm_q.scale', 'layers.0.norm_q.bias', 'layers.0.norm_kv.scale', 'layers.0.norm_kv.bias',
    'layers.0.attn.q.weight', 'layers.0.attn.k.weight', 'layers.0.attn.v.weight', 'layers.0.attn.o.weight',
    'layers.0.ffn.norm.scale', 'layers.0.ffn.norm.bias', 'layers.0.ffn.fc1.weight', 'layers.0.ffn.fc2.weight',
  ]);
  assert.ok(!names({ norm: 'shared' }).includes('layers.0.norm_kv.scale') && names({ norm: 'shared' }).includes('layers.0.norm_q.scale'));
  assert.ok(!names({ norm: 'none' }).some((n) => n.includes('norm_')));
  assert.ok(names({ finalNorm: true }).includes('norm.scale'));
  assert.ok(!names({ ffn: false }).some((n) => n.includes('ffn')));
  assert.ok(!names({ timeEmbedding: false }).includes('time'));
  assert.equal(initResampler({ ...BASE, layers: 6 }, 0).get('layers.5.attn.q.weight')!.shape.join('x'), '16x16');
});

test('resampler: frame order matters exactly when the time embedding is on; output [B, queries, width]', () => {
  for (const timeEmbedding of [true, false]) {
    const c = { ...BASE, timeEmbedding };
    const w = weights(initResampler(c, 2));
    tf.tidy(() => {
      const f = tf.randomNormal([2, 3, 5, 16], 0, 1, 'float32', 9); // [B, T, S, width]
      const swapped = tf.concat([tf.slice(f, [0, 2, 0, 0], [2, 1, 5, 16]), tf.slice(f, [0, 0, 0, 0], [2, 2, 5, 16])], 1);
      const a = applyResampler(w, c, f);
      assert.deepEqual(a.shape, [2, 3, 16]);
      const diff = tf.max(tf.abs(tf.sub(a, applyResampler(w, c, swapped)))).dataSync()[0];
      if (timeEmbedding) assert.ok(diff > 1e-4, `order changes the output (${diff})`);
      else assert.ok(diff < 1e-4, `order does not change the output (${diff})`);
    });
  }
  assert.throws(() => applyResampler(weights(initResampler(BASE, 0)), BASE, tf.zeros([1, 5, 2, 16])), /5 frames exceed maxFrames 4/);
});

test('attentional pooler: [B, T, S, vit width] -> [B, queries, decoder width], layer-normed', () => {
  const c = { queries: 5, heads: 2, width: 24, inputWidth: 16 };
  const out = tf.tidy(() => applyPooler(weights(initPooler(c, 0)), c, tf.randomNormal([2, 3, 4, 16], 0, 1, 'float32', 1)));
  assert.deepEqual(out.shape, [2, 5, 24]);
  const mean = tf.tidy(() => tf.max(tf.abs(tf.mean(out, -1))).dataSync()[0]);
  assert.ok(mean < 1e-5);
});

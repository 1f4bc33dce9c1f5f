import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { resolveComponent } from '../../src/models/config.ts';
import { initLm, lmForward, lmLogits, type LmConfig } from '../../src/models/lm.ts';
import { weights } from '../../src/models/params.ts';

await initBackend('cpu');

const MQA: LmConfig = resolveComponent('lm', { preset: 'lm-tiny', vocab: 50, width: 32, layers: 2, heads: 4, kvHeads: 1, mlp: 48, parallel: true });
const MHA: LmConfig = resolveComponent('lm', { preset: 'lm-tiny', vocab: 50, width: 32, layers: 2, heads: 4, kvHeads: 4, mlp: 48, norm: 'layer' });
const GPT2: LmConfig = resolveComponent('lm', { preset: 'lm-tiny', vocab: 50, width: 32, layers: 2, heads: 4, kvHeads: 4, mlp: 48, norm: 'layer', positions: 'learned', maxPositions: 8, activation: 'gelu', bias: true });
const ids = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

function hidden(c: LmConfig, seqs: number[][], opts: { mask?: number[][]; maskKind?: 'causal' | 'prefix'; prefix?: number } = {}): number[][][] {
  const w = weights(initLm(c, 3));
  return tf.tidy(() => lmForward(w, c, { ids: ids(seqs), mask: opts.mask ? tf.tensor2d(opts.mask) : undefined, maskKind: opts.maskKind, prefix: opts.prefix }).hidden.arraySync() as number[][][]);
}

function close(a: number[], b: number[], tol = 1e-4): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol);
}

for (const [name, c] of [['multi-query, parallel, RMSNorm', MQA], ['multi-head, sequential, LayerNorm', MHA], ['learned positions, GELU, biases (GPT-2)', GPT2]] as const) {
  test(`${name}: causal: a later token never changes earlier positions`, () => {
    const [a, b] = hidden(c, [[1, 2, 3, 4], [1, 2, 3, 9]]);
    for (let i = 0; i < 3; i++) assert.ok(close(a[i], b[i]), `position ${i}`);
    assert.ok(!close(a[3], b[3]));
  });

  test(`${name}: bidirectional prefix: positions inside the prefix see each other, the rest stays causal`, () => {
    const [a, b] = hidden(c, [[1, 2, 3, 4, 5], [1, 9, 3, 4, 5]], { maskKind: 'prefix', prefix: 3 });
    assert.ok(!close(a[0], b[0]), 'position 0 sees position 1 inside the prefix');
    const [p, q] = hidden(c, [[1, 2, 3, 4, 5], [1, 2, 3, 4, 8]], { maskKind: 'prefix', prefix: 3 });
    for (let i = 0; i < 4; i++) assert.ok(close(p[i], q[i]), `position ${i} does not see position 4`);
  });

  test(`${name}: left padding changes nothing for the real tokens (masked keys, positions counted over real tokens)`, () => {
    const [plain] = hidden(c, [[7, 8, 9]]);
    const [padded] = hidden(c, [[0, 0, 7, 8, 9]], { mask: [[0, 0, 1, 1, 1]] });
    for (let i = 0; i < 3; i++) assert.ok(close(plain[i], padded[i + 2]), `token ${i}`);
  });

  test(`${name}: decoding with the key/value cache gives the logits of the full forward pass`, () => {
    const w = weights(initLm(c, 3));
    tf.tidy(() => {
      const seq = ids([[5, 6, 7, 8, 9], [0, 1, 2, 3, 4]]);
      const mask = tf.tensor2d([[1, 1, 1, 1, 1], [0, 1, 1, 1, 1]]);
      const full = lmLogits(w, lmForward(w, c, { ids: seq, mask }).hidden).arraySync() as number[][][];
      let step = lmForward(w, c, { ids: tf.slice(seq, [0, 0], [2, 3]), mask: tf.slice(mask, [0, 0], [2, 3]) });
      for (let t = 3; t < 5; t++) {
        step = lmForward(w, c, { ids: tf.slice(seq, [0, t], [2, 1]), cache: step.cache });
        const logits = lmLogits(w, step.hidden).arraySync() as number[][][];
        for (let b = 0; b < 2; b++) assert.ok(close(logits[b][0], full[b][t], 1e-3), `example ${b}, position ${t}`);
      }
      assert.deepEqual(step.cache.keyMask.shape, [2, 5]);
      assert.deepEqual(step.cache.layers[0].k.shape, [2, 5, c.kvHeads * (c.width / c.heads)]);
    });
  });
}

test('input embeddings and token ids are interchangeable inputs', () => {
  const w = weights(initLm(MQA, 3));
  tf.tidy(() => {
    const seq = ids([[4, 5, 6]]);
    const a = lmForward(w, MQA, { ids: seq }).hidden;
    const b = lmForward(w, MQA, { embeddings: tf.gather(w.get('embed.weight'), seq) }).hidden;
    assert.ok(close(Array.from(a.dataSync()), Array.from(b.dataSync()), 1e-6));
  });
});

test('learned positions: the table is added at each real token\'s position, and a sequence longer than the table is refused', () => {
  const w = weights(initLm(GPT2, 3));
  const [a] = hidden(GPT2, [[4, 4, 4]]);
  assert.ok(!close(a[0], a[1]), 'the same token at two positions differs');
  assert.throws(() => tf.tidy(() => lmForward(w, GPT2, { ids: ids([[1, 2, 3, 4, 5, 6, 7, 8, 9]]) }).hidden), /9 positions, the LM's learned table has 8/);
});

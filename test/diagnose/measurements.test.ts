// The prefix diagnostics on a tiny randomly initialised LM and a word-level tokenizer: the oracle,
// empty and mismatched losses are the caption loss on the right tokens (checked against the LM run
// on the whole token sequence), soft prompts lower their own training loss, attention masses sum
// to 1, and the adapter inspection runs on a tiny VAdapter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildWordLevelTokenizer } from '../../src/data/tokenizer.ts';
import { adapterDiagnosis } from '../../src/diagnose/adapters.ts';
import { attentionMass } from '../../src/diagnose/attention-mass.ts';
import type { CaptionRow } from '../../src/diagnose/examples.ts';
import { oracleDiagnosis, readOracle, PREFIX_CONDITIONS } from '../../src/diagnose/oracle.ts';
import { disposeBatch, emptyPrefix, prefixLoss, tokenPrefix } from '../../src/diagnose/prefix-model.ts';
import { captionText, type PromptEncoding } from '../../src/stages/training/model-batches.ts';
import { softPromptDiagnosis } from '../../src/diagnose/soft-prompt.ts';
import { buildAssembly } from '../../src/models/assembly.ts';
import { type ConfigsOf, resolveAssembly } from '../../src/models/assembly-config.ts';
import { initLm, lmForward, lmLogits } from '../../src/models/lm.ts';
import { weights } from '../../src/models/params.ts';
import { prefixCaptionLoss, prefixDecoderOf, type PrefixDecoder, type VlmConfigs } from '../../src/models/vlm.ts';
import { CAPTION_PROMPT } from '../../src/eval/tasks.ts';
import { TINY, frames } from '../models/fixtures.ts';

await initBackend('cpu');

const ROWS: CaptionRow[] = [
  { key: 'a', captions: ['a red circle', 'one red circle on the left', 'a small red circle', 'red circle', 'a red round circle'] },
  { key: 'b', captions: ['a blue square', 'one blue square at the top', 'a big blue square', 'blue square', 'a blue box'] },
  { key: 'c', captions: ['a green triangle', 'two green triangles', 'a green triangle on the right', 'green shape', 'a small green triangle'] },
];
const tokenizer = buildWordLevelTokenizer([...ROWS.flatMap((r) => r.captions), 'Describe the following: :']);
const enc: PromptEncoding = { tokenizer, prompt: CAPTION_PROMPT, maxTokens: 8 };
const llmConfig = (resolveAssembly('lm', { lm: TINY.llm }) as ConfigsOf<'lm'>).lm; // vocab 64, width 48, multi-query
const params = initLm(llmConfig, 11);
const dec: PrefixDecoder = { weights: weights(params), config: llmConfig, mask: 'causal' };

/** The caption loss computed the long way: the LM over the whole id sequence <bos> prompt prefix prompt caption <eos>. */
async function lossOverIds(prefix: number[], target: string): Promise<number> {
  const before = tokenizer.encode('Describe the following:', { bos: true });
  const after = tokenizer.encode(':');
  const caption = [...tokenizer.encode(target).slice(0, enc.maxTokens), tokenizer.eosId];
  const ids = [...before, ...prefix, ...after, ...caption];
  const logits = tf.tidy(() => tf.logSoftmax(lmLogits(dec.weights, lmForward(dec.weights, dec.config, { ids: tf.tensor2d([ids], undefined, 'int32') }).hidden)));
  const lp = ((await logits.array()) as number[][][])[0];
  logits.dispose();
  const start = before.length + prefix.length + after.length - 1; // predicts the first caption token
  return -caption.reduce((sum, id, j) => sum + lp[start + j][id], 0) / caption.length;
}

test('oracle, empty and mismatched losses are the caption loss of reference 1 after the right prefix tokens', async () => {
  assert.ok(tokenizer.vocabSize <= llmConfig.vocab);
  const live = tf.memory().numTensors;
  const r = await oracleDiagnosis(dec, enc, ROWS, { generate: false });
  assert.equal(tf.memory().numTensors, live, 'no tensor left behind');
  for (const [i, row] of ROWS.entries()) {
    const prefixes = { oracle: row.captions[1], empty: '', mismatched: ROWS[(i + 1) % ROWS.length].captions[1] };
    for (const condition of PREFIX_CONDITIONS) {
      const ids = tokenizer.encode(prefixes[condition]);
      const want = await lossOverIds(ids, row.captions[0]);
      const got = r.conditions[condition].losses[i];
      assert.ok(Math.abs(got - want) < 1e-4, `example ${i}, ${condition}: ${got} vs ${want}`);
    }
    // and the alignment stages' loss called directly on the same prefix and batch
    const batch = captionText(enc, [row.captions[0]]);
    const direct = tf.tidy(() => prefixCaptionLoss(dec, tokenPrefix(dec, tokenizer.encode(row.captions[1])), batch).dataSync()[0]);
    assert.equal(r.conditions.oracle.losses[i], direct);
    disposeBatch(batch);
  }
  assert.equal(r.conditions.empty.prefixTokens, 0);
  assert.equal(r.conditions.oracle.loss, r.conditions.oracle.losses.reduce((a, b) => a + b) / ROWS.length);
  assert.equal(r.reading, readOracle(r.conditions));
});

test('oracle generation: one greedy caption per example and condition, scored by CIDEr', async () => {
  const r = await oracleDiagnosis(dec, enc, ROWS, { generate: { maxTokens: 4 } });
  for (const condition of PREFIX_CONDITIONS) {
    assert.equal(r.conditions[condition].captions?.length, ROWS.length);
    assert.ok(Number.isFinite(r.conditions[condition].cider), condition);
  }
});

test('readings: a wide margin reads as usable, none as ignored', () => {
  const c = (loss: number) => ({ prefixTokens: 1, loss, losses: [loss] });
  assert.match(readOracle({ oracle: c(1), empty: c(2), mismatched: c(2.5) }), /^the frozen LLM can use a prefix/);
  assert.match(readOracle({ oracle: c(2), empty: c(2.02), mismatched: c(2.01) }), /^the frozen LLM ignores its prefix/);
});

test('soft prompts lower the training loss on their own example, and the chunking does not change them', async () => {
  const options = { tokens: 2, steps: 12, lr: 0.5, seed: 1 };
  const live = tf.memory().numTensors;
  const together = await softPromptDiagnosis(dec, enc, ROWS, { ...options, chunk: 3 });
  assert.equal(tf.memory().numTensors, live, 'no tensor left behind');
  for (let i = 0; i < ROWS.length; i++) {
    assert.ok(together.perExample.trainAfter[i] < together.perExample.trainBefore[i] - 0.1, `example ${i}: ${together.perExample.trainBefore[i]} -> ${together.perExample.trainAfter[i]}`);
  }
  const empty = [];
  for (const row of ROWS) {
    const batch = captionText(enc, [row.captions[4]]);
    const none = emptyPrefix(dec);
    empty.push(await prefixLoss(dec, none, batch));
    none.dispose();
    disposeBatch(batch);
  }
  assert.deepEqual(together.perExample.empty, empty, 'the empty prefix scored on reference 5');
  const alone = await softPromptDiagnosis(dec, enc, ROWS, { ...options, chunk: 1 });
  for (let i = 0; i < ROWS.length; i++) assert.ok(Math.abs(alone.perExample.soft[i] - together.perExample.soft[i]) < 1e-3, `example ${i}: ${alone.perExample.soft[i]} vs ${together.perExample.soft[i]}`);
});

test('attention masses on visual tokens, prompt and caption sum to 1; the same pass gives the caption loss', async () => {
  const batch = captionText(enc, [ROWS[0].captions[0]]);
  for (const prefix of [tokenPrefix(dec, tokenizer.encode(ROWS[0].captions[1])), emptyPrefix(dec)]) {
    const { mass, loss } = await attentionMass(dec, prefix, batch);
    assert.ok(Math.abs(mass.visual + mass.prompt + mass.caption - 1) < 1e-5, JSON.stringify(mass));
    assert.ok(mass.prompt > 0 && mass.caption > 0);
    if (prefix.shape[1] === 0) assert.equal(mass.visual, 0);
    else assert.ok(mass.visual > 0);
    assert.equal(loss, await prefixLoss(dec, prefix, batch));
    prefix.dispose();
  }
  disposeBatch(batch);
});

test('adapter inspection of a tiny VAdapter: its tokens, their attention mass and scale beside the oracle prefix', async () => {
  const a = buildAssembly(resolveAssembly('vadapter', TINY) as ConfigsOf<'vadapter'>, 7);
  const adapterDec = prefixDecoderOf(a.params, a.configs);
  const host = frames(ROWS.length, 2, 16, 3);
  const framesHost = { frames: (await host.data()) as Float32Array, shape: host.shape as [number, number, number, number, number] };
  host.dispose();
  const adapter = { stage: 'vad', kind: 'align-adapter', step: 1, params: a.params, configs: a.configs as VlmConfigs, encoding: enc };
  const live = tf.memory().numTensors;
  const d = await adapterDiagnosis(adapterDec, enc, ROWS, [{ adapter, frames: framesHost }]);
  assert.equal(tf.memory().numTensors, live, 'no tensor left behind');
  const [r] = d.adapters;
  assert.equal(r.tokens, 4, 'the resampler has 4 queries');
  for (const m of [r.mass, d.oracle.mass]) assert.ok(Math.abs(m.visual + m.prompt + m.caption - 1) < 1e-5);
  assert.ok(r.visualRms > 0 && d.oracle.embeddingRms > 0 && Math.abs(r.scale - r.visualRms / d.oracle.embeddingRms) < 1e-9);
  assert.ok(r.spread > 0 && r.spread < 1, `spread ${r.spread}`);
  assert.ok(Number.isFinite(r.loss));
  assert.match(d.reading, /^vad: /);
  a.dispose();
});

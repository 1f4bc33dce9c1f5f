import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildAssembly } from '../../src/models/assembly.ts';
import type { Params } from '../../src/models/params.ts';
import { startDecoding, type VlmConfigs } from '../../src/models/vlm.ts';
import { decode, generate, type DecodingOptions, type Hypothesis } from '../../src/eval/generate.ts';
import type { StepModel } from '../../src/eval/decode/step-model.ts';
import { frames as seededFrames, tinyConfigs } from '../models/fixtures.ts';

await initBackend('cpu');

// Three examples with prompts of 1, 3 and 2 tokens before the visual tokens (left-padded) and ":" after.
const BEFORE = [[1], [1, 4, 5], [1, 7]];
const AFTER = [6];
const FRAMES = 2;

function promptBatch(rows: number[]) {
  const width = Math.max(...rows.map((r) => BEFORE[r].length));
  const padded = rows.map((r) => [...Array(width - BEFORE[r].length).fill(0), ...BEFORE[r]]);
  const mask = rows.map((r) => Array.from({ length: width }, (_, i) => (i >= width - BEFORE[r].length ? 1 : 0)));
  return {
    frames: tf.gather(seededFrames(3, FRAMES, 16, 11), rows), // [rows, T, 16, 16, 3]
    beforeIds: tf.tensor2d(padded, [rows.length, width], 'int32'),
    beforeMask: tf.tensor2d(mask, [rows.length, width]),
    afterIds: tf.tensor2d(rows.map(() => AFTER), [rows.length, AFTER.length], 'int32'),
  };
}

function logSoftmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const log = Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0)) + max;
  return logits.map((x) => x - log);
}

/** Greedy decoding of example `row` alone (no padding), re-running the whole sequence for every token. */
function referenceGreedy(a: { params: Params }, configs: VlmConfigs, row: number, o: { maxTokens: number; stopIds: number[] }): Hypothesis {
  const h: Hypothesis = { ids: [], logProb: 0, stopped: false };
  while (!h.stopped && h.ids.length < o.maxTokens) {
    const logits = tf.tidy(() => {
      const b = promptBatch([row]);
      return startDecoding(a.params, configs, { frames: b.frames, beforeIds: b.beforeIds, afterIds: tf.tensor2d([[...AFTER, ...h.ids]], undefined, 'int32') }).logits.arraySync() as number[][];
    })[0];
    const lp = logSoftmax(logits);
    const token = lp.indexOf(Math.max(...lp));
    h.logProb += lp[token];
    if (o.stopIds.includes(token)) h.stopped = true;
    else h.ids.push(token);
  }
  return h;
}

/** Log-probability of `h` after the prompt of example `row`, by one full forward pass per token. */
function rescore(a: { params: Params }, configs: VlmConfigs, row: number, h: Hypothesis, stopId: number): number {
  const tokens = h.stopped ? [...h.ids, stopId] : h.ids;
  return tokens.reduce((sum, token, i) => {
    const logits = tf.tidy(() => {
      const b = promptBatch([row]);
      return startDecoding(a.params, configs, { frames: b.frames, beforeIds: b.beforeIds, afterIds: tf.tensor2d([[...AFTER, ...tokens.slice(0, i)]], undefined, 'int32') }).logits.arraySync() as number[][];
    })[0];
    return sum + logSoftmax(logits)[token];
  }, 0);
}

async function run(a: { params: Params }, configs: VlmConfigs, o: DecodingOptions): Promise<Hypothesis[]> {
  const batch = promptBatch([0, 1, 2]);
  const before = tf.memory().numTensors;
  const out = await generate(a.params, configs, batch, o);
  assert.equal(tf.memory().numTensors, before, `${o.method}: no tensor is left behind`);
  tf.dispose(Object.values(batch));
  return out;
}

/** A stop token that ends example 0 within its first 3 tokens while another example is still going. */
async function stopTokenFor(a: { params: Params }, configs: VlmConfigs): Promise<number> {
  const free = await run(a, configs, { method: 'greedy', maxTokens: 6, stopIds: [] });
  const stop = free[0].ids[2];
  const firstStop = (h: Hypothesis) => h.ids.indexOf(stop);
  assert.ok(free.some((h) => firstStop(h) === -1 || firstStop(h) > firstStop(free[0])), 'the chosen stop token must leave another example running');
  return stop;
}

for (const kind of ['vadapter', 'captioner'] as const) {
  test(`${kind}: batched greedy with a KV cache and left-padded prompts = the arg-max chain by full re-forwarding; beam k=1 = greedy`, async () => {
    const configs = tinyConfigs(kind);
    const a = buildAssembly(configs, 3);
    const stop = await stopTokenFor(a, configs);
    const o = { maxTokens: 6, stopIds: [stop] };
    const greedy = await run(a, configs, { method: 'greedy', ...o });
    assert.ok(greedy[0].stopped && !greedy.every((h) => h.stopped && h.ids.length === greedy[0].ids.length), 'examples stop at different steps');
    greedy.forEach((h, row) => {
      const want = referenceGreedy(a, configs, row, o);
      assert.deepEqual(h.ids, want.ids, `example ${row}`);
      assert.equal(h.stopped, want.stopped);
      assert.ok(Math.abs(h.logProb - want.logProb) < 1e-4, `example ${row}: log-prob ${h.logProb} vs ${want.logProb}`);
    });
    const beam1 = await run(a, configs, { method: 'beam', beams: 1, ...o });
    assert.deepEqual(beam1.map((h) => [h.ids, h.stopped]), greedy.map((h) => [h.ids, h.stopped]));
    beam1.forEach((h, i) => assert.ok(Math.abs(h.logProb - greedy[i].logProb) < 1e-5));
    a.dispose();
  });
}

test('beam search over the KV cache: reported log-probs equal full re-forwarding, and are >= greedy', async () => {
  const configs = tinyConfigs('perceiver');
  const a = buildAssembly(configs, 5);
  const stop = await stopTokenFor(a, configs);
  const o = { maxTokens: 5, stopIds: [stop] };
  const greedy = await run(a, configs, { method: 'greedy', ...o });
  const beam = await run(a, configs, { method: 'beam', beams: 3, ...o });
  beam.forEach((h, row) => {
    const rescored = rescore(a, configs, row, h, stop);
    assert.ok(Math.abs(h.logProb - rescored) < 1e-4, `example ${row}: ${h.logProb} vs re-forwarded ${rescored}`);
    assert.ok(h.logProb >= greedy[row].logProb - 1e-6, `example ${row}: beam ${h.logProb} < greedy ${greedy[row].logProb}`);
  });
  assert.ok(beam.some((h, i) => h.ids.join() !== greedy[i].ids.join()), 'the beam found another sequence for at least one example (reordered cache rows)');
  a.dispose();
});

// A bigram model over tokens 0 <pad>, 1 <bos>, 2 <eos>, 3 A, 4 B, 5 C: the next token depends on the last one only.
const P: Record<number, number[]> = {
  1: [0, 0, 0, 0.55, 0.45, 0], // after <bos>: A .55, B .45
  3: [0, 0, 0.3, 0.05, 0.05, 0.6], // after A: C .6, <eos> .3
  4: [0, 0, 0.9, 0.05, 0.05, 0], // after B: <eos> .9
  5: [0, 0, 0.99, 0.01, 0, 0], // after C: <eos> .99
};
const logRow = (t: number) => (P[t] ?? P[5]).map((p) => Math.log(Math.max(p, 1e-12)));

function bigram(examples: number): StepModel<tf.Tensor> {
  const table = tf.tensor2d([0, 1, 2, 3, 4, 5].map(logRow)); // [6, 6] log-probabilities
  const step = (last: tf.Tensor) => ({ logits: tf.gather(table, last), state: tf.clone(last) });
  return { start: () => tf.tidy(() => step(tf.fill([examples], 1, 'int32'))), next: (ids) => tf.tidy(() => step(ids)) };
}

test('on a bigram model where greedy is short-sighted, beam search finds the better sequence; a length penalty favours the longer one', async () => {
  const o = { maxTokens: 5, stopIds: [2] };
  const lp = (...ps: number[]) => ps.reduce((s, p) => s + Math.log(p), 0);
  const greedy = await decode(bigram(2), { method: 'greedy', ...o });
  assert.deepEqual(greedy[0].ids, [3, 5]); // A C: .55 * .6 * .99
  assert.ok(Math.abs(greedy[0].logProb - lp(0.55, 0.6, 0.99)) < 1e-5);
  const beam = await decode(bigram(2), { method: 'beam', beams: 2, ...o });
  assert.deepEqual(beam.map((h) => h.ids), [[4], [4]]); // B: .45 * .9 = .405 > .3267
  assert.ok(Math.abs(beam[0].logProb - lp(0.45, 0.9)) < 1e-5);
  assert.ok(beam[0].logProb > greedy[0].logProb);
  const penalised = await decode(bigram(1), { method: 'beam', beams: 2, lengthPenalty: 1, ...o });
  assert.deepEqual(penalised[0].ids, [3, 5], 'per token, A C <eos> (-1.12 / 3) beats B <eos> (-0.90 / 2)');
  const sequence = { maxTokens: 5, stopIds: [2], stopSequences: [[3, 5]] }; // "A C" ends a generation
  for (const method of ['greedy', 'beam'] as const) {
    const [h] = await decode(bigram(1), { method, beams: 2, ...sequence });
    if (method === 'greedy') assert.deepEqual([h.ids, h.stopped, h.stopLength], [[], true, 2], 'greedy: A C is the stop, so nothing is kept');
    else assert.deepEqual(h.ids, [4], 'beam: B <eos> (.405) still beats the stop A C (.33)');
  }
  const [cut] = await decode(bigram(1), { method: 'greedy', maxTokens: 5, stopIds: [2], stopSequences: [[3, 5]] });
  assert.ok(Math.abs(cut.logProb - lp(0.55, 0.6)) < 1e-5, 'the stop\'s tokens count in the log-probability');
  const short = await decode(bigram(1), { method: 'greedy', maxTokens: 1, stopIds: [2] });
  assert.deepEqual(short[0], { ids: [3], logProb: short[0].logProb, stopped: false }, 'cut at maxTokens');
});

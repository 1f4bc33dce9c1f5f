// Measurement (d), QA reading: the sampled questions and their contexts, VQA scoring of each
// context's answers, the readings, and the answers a tiny randomly initialised LM gives, checked
// against the LM run the long way over the whole prompt with the context's tokens in the slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildWordLevelTokenizer } from '../../src/data/tokenizer.ts';
import { QA_CONTEXTS, qaReading, qaReadingDiagnosis, qaReadingItems, scoreQaReading, type QaContext, type QaContextResult } from '../../src/diagnose/qa-reading.ts';
import { type ConfigsOf, resolveAssembly } from '../../src/models/assembly-config.ts';
import { initLm, lmForward, lmLogits } from '../../src/models/lm.ts';
import { weights } from '../../src/models/params.ts';
import type { PrefixDecoder } from '../../src/models/vlm.ts';
import { majority } from '../../src/eval/files/write.ts';
import { TINY } from '../models/fixtures.ts';

await initBackend('cpu');

const PROMPT_WORDS = 'Answer the question given the images. Given . Question : ? Answer:';

test('the sampled items: every question of each scene, ten human answers, the scene\'s description and a caption, the same for the same seed', () => {
  const items = qaReadingItems(6, 3);
  assert.deepEqual(items, qaReadingItems(6, 3));
  assert.notDeepEqual(items, qaReadingItems(6, 4));
  assert.deepEqual([...new Set(items.map((i) => i.scene))], [0, 1, 2, 3, 4, 5]);
  for (const it of items) {
    assert.equal(it.answers.length, 10);
    assert.equal(it.contexts.none, '');
    assert.ok(it.contexts.description.length > it.contexts.caption.length / 2);
    if (it.questionType === 'what color is the') {
      const shape = it.question.replace(/^what color is the (\w+)\?$/, '$1');
      // the description names the asked shape and, before it, its colour (the majority answer)
      assert.match(it.contexts.description, new RegExp(`${majority(it.answers)} (\\w+ )?${shape}`));
    }
  }
  assert.ok(new Set(items.map((i) => i.questionType)).size >= 4);
});

test('each context\'s answers are scored with VQA accuracy: the majority answers score near 100, empty ones 0, a constant yes only on yes/no', () => {
  const items = qaReadingItems(10, 0);
  const right = items.map((i) => majority(i.answers));
  const r = scoreQaReading(items, { description: right, caption: items.map(() => 'yes'), none: items.map(() => '') });
  assert.ok(r.description.accuracy > 90, String(r.description.accuracy));
  assert.equal(r.none.accuracy, 0);
  assert.equal(r.caption.perAnswerType.other, 0);
  assert.ok(r.caption.perAnswerType['yes/no'] > 20 && r.caption.perAnswerType['yes/no'] < 90);
  assert.deepEqual(r.caption.answers, items.map(() => 'yes'));
});

const result = (accuracy: number): QaContextResult => ({ accuracy, perAnswerType: {}, perQuestionType: {}, answers: [] });

test('the readings: no lift from the description, a weak one, a wide one with and without a caption\'s', () => {
  const read = (d: number, c: number, n: number) => qaReading({ description: result(d), caption: result(c), none: result(n) } as Record<QaContext, QaContextResult>);
  assert.match(read(42, 41, 40), /does not answer from its context \(42\.0% with the full description against 40\.0% with none\): no adapter/);
  assert.match(read(50, 41, 40), /answers weakly from its context .* it does not answer \(41\.0%\)/);
  assert.match(read(85, 70, 40), /^the LLM answers from its context .* it answers \(70\.0%\)/);
  assert.match(read(85, 50, 40), /it answers weakly \(50\.0%\)/);
});

test('a tiny LM\'s answers are the greedy continuation of the VQA prompt with the context\'s own token embeddings in the slot', async () => {
  const items = qaReadingItems(2, 1);
  const tokenizer = buildWordLevelTokenizer([PROMPT_WORDS, ...items.flatMap((i) => [i.question, i.contexts.description, i.contexts.caption, ...i.answers])]);
  const config = (resolveAssembly('lm', { lm: { ...TINY.llm, vocab: tokenizer.vocabSize } }) as ConfigsOf<'lm'>).lm;
  const dec: PrefixDecoder = { weights: weights(initLm(config, 5)), config, mask: 'causal' };
  const live = tf.memory().numTensors;
  const d = await qaReadingDiagnosis(dec, tokenizer, { scenes: 2, seed: 1, maxTokens: 1, stopSequences: [] });
  assert.equal(tf.memory().numTensors, live, 'no tensor left behind');
  assert.equal(d.questions, items.length);
  for (const c of QA_CONTEXTS) {
    assert.equal(d.contexts[c].answers.length, items.length);
    for (const [i, it] of items.entries()) {
      const question = it.question.replace(/\s*\?+$/, '');
      const ids = [
        ...tokenizer.encode('Answer the question given the images. Given', { bos: true }),
        ...tokenizer.encode(it.contexts[c]),
        ...tokenizer.encode(`. Question : ${question} ? Answer:`),
      ];
      const next = tf.tidy(() => tf.argMax(tf.squeeze(lmLogits(dec.weights, lmForward(dec.weights, config, { ids: tf.tensor2d([ids], undefined, 'int32') }).hidden), [0]), -1));
      const argmax = ((await next.array()) as number[]).at(-1)!;
      next.dispose();
      const want = argmax === tokenizer.eosId ? '' : tokenizer.decode([argmax]).trim();
      assert.equal(d.contexts[c].answers[i], want, `${c}, item ${i}`);
    }
  }
});

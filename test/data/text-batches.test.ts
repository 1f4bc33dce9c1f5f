import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWordLevelTokenizer } from '../../src/data/tokenizer.ts';
import { encodePrompt, encodeSequences, encodeTargets, padIds, splitPrompt } from '../../src/data/text-batches.ts';

// ids: <pad> 0, <bos> 1, <eos> 2, <unk> 3, then words by frequency: a 4, red 5, circle 6, ...
const tok = buildWordLevelTokenizer(['a red circle', 'a red square', 'a blue', 'describe the following :']);
const id = (w: string) => tok.encode(w)[0];

test('padding puts prompts on the left and targets on the right, with masks', () => {
  const left = padIds([[7], [8, 9]], 0, 'left');
  assert.deepEqual([...left.ids], [0, 7, 8, 9]);
  assert.deepEqual([...left.mask], [0, 1, 1, 1]);
  const right = padIds([[7, 8, 9], [5]], 0, 'right', 2);
  assert.deepEqual([...right.ids], [7, 8, 5, 0], 'too long is cut at the length');
  assert.deepEqual([...right.mask], [1, 1, 1, 0]);
});

test('a prompt template splits at its one visual marker', () => {
  assert.deepEqual(splitPrompt('Describe the following: <visual> :'), { before: 'Describe the following:', after: ':' });
  assert.throws(() => splitPrompt('no marker'), /must contain "<visual>" exactly once/);
  assert.throws(() => splitPrompt('<visual> and <visual>'), /exactly once/);
  const p = encodePrompt(tok, 'describe the following : <visual> :');
  assert.deepEqual(p.before, [tok.bosId, id('describe'), id('the'), id('following'), id(':')]);
  assert.deepEqual(p.after, [id(':')]);
});

test('targets are the caption cut to maxTokens then <eos>, padded', () => {
  const t = encodeTargets(tok, ['a red circle', 'a'], 2);
  assert.equal(t.length, 3);
  assert.deepEqual([...t.ids], [id('a'), id('red'), tok.eosId, id('a'), tok.eosId, tok.padId]);
  assert.deepEqual([...t.mask], [1, 1, 1, 1, 1, 0]);
});

test('LM sequences are <bos> text <eos>, and marked texts are written twice', () => {
  const plain = encodeSequences(tok, ['a red'], 4);
  assert.deepEqual([...plain.ids], [tok.bosId, id('a'), id('red'), tok.eosId, 0, 0]);
  const twice = encodeSequences(tok, ['a red', 'a blue'], 2, [true, false]);
  assert.equal(twice.length, 7); // 2 * maxTokens + 3
  assert.deepEqual([...twice.ids.slice(0, 7)], [tok.bosId, id('a'), id('red'), tok.eosId, id('a'), id('red'), tok.eosId]);
  assert.deepEqual([...twice.ids.slice(7)], [tok.bosId, id('a'), id('blue'), tok.eosId, 0, 0, 0]);
  const longest = encodeSequences(tok, ['a red', 'a'], 4, [], 'longest');
  assert.equal(longest.length, 4); // <bos> a red <eos>, not maxTokens + 2
  assert.deepEqual([...longest.ids], [tok.bosId, id('a'), id('red'), tok.eosId, tok.bosId, id('a'), tok.eosId, 0]);
  assert.deepEqual([...longest.mask], [1, 1, 1, 1, 1, 1, 1, 0]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lcsLength, rougeL } from '../../src/eval/rouge.ts';

test('LCS length of token lists', () => {
  assert.equal(lcsLength(['a', 'b', 'c', 'd', 'e'], ['a', 'c', 'e']), 3);
  assert.equal(lcsLength(['a', 'b'], ['b', 'a']), 1);
  assert.equal(lcsLength([], ['a']), 0);
});

test('ROUGE-L is the beta = 1.2 F-measure of LCS precision and recall', () => {
  // cand "a b c d e" (5), ref "a c e" (3): LCS 3, P = 0.6, R = 1.
  // F = (1 + 1.44) * 0.6 * 1 / (1 + 1.44 * 0.6) = 1.464 / 1.864 = 0.785407725...
  assert.ok(Math.abs(rougeL('a b c d e', ['a c e']) - 1.464 / 1.864) < 1e-15);
  assert.ok(Math.abs(rougeL('a b c d e', ['a c e']) - 0.7854077253) < 1e-9);
});

test('precision and recall are maximised over references separately', () => {
  // ref 1 "a b c d w x y z": LCS 4, P = 1, R = 0.5. ref 2 "a b": LCS 2, P = 0.5, R = 1.
  // No reference matches, yet max P = max R = 1 gives ROUGE-L = 1.
  assert.equal(rougeL('a b c d', ['a b c d w x y z', 'a b']), 1);
});

test('no common token scores 0; an empty candidate is one empty token', () => {
  assert.equal(rougeL('x y', ['a b']), 0);
  assert.equal(rougeL('', ['a b']), 0);
  assert.equal(rougeL('', ['']), 1); // "".split(" ") == [""] on both sides: LCS 1 of 1
});

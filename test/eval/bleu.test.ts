import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bleuStats, corpusBleu } from '../../src/eval/bleu.ts';
import { NgramTable } from '../../src/eval/ngrams.ts';

const TINY = 1e-15;
const SMALL = 1e-9;

/** BLEU-1..4 of pre-tokenized candidates (one per image) against their references. */
function bleu(images: [string, string[]][]): { corpus: number[]; stats: ReturnType<typeof bleuStats> } {
  const table = new NgramTable();
  const refs = images.map(([, rs]) => rs.map((r) => table.add(r)));
  const cands = images.map(([c]) => table.add(c));
  const stats = bleuStats(table, cands, refs, table.denseArrays());
  return { corpus: corpusBleu(stats), stats };
}

function close(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

test('one sentence: clipped n-gram precisions, geometric means, and the tiny/small constants', () => {
  // cand "a b c d" vs ref "a b c e": matches 3/4 unigrams, 2/3 bigrams, 1/2 trigrams, 0/1 4-grams.
  // Equal lengths still get a penalty: ratio = (4 + 1e-15) / (4 + 1e-9) < 1.
  const { corpus, stats } = bleu([['a b c d', ['a b c e']]]);
  assert.deepEqual(stats[0].guess, [4, 3, 2, 1]);
  assert.deepEqual(stats[0].correct, [3, 2, 1, 0]);
  const bp = Math.exp(1 - (4 + SMALL) / (4 + TINY)); // 1 - 2.5e-10
  const p = [(3 + TINY) / (4 + SMALL), (2 + TINY) / (3 + SMALL), (1 + TINY) / (2 + SMALL), (0 + TINY) / (1 + SMALL)];
  close(corpus[0], p[0] * bp); // ~0.75
  close(corpus[1], Math.sqrt(p[0] * p[1]) * bp); // ~sqrt(0.5) = 0.7071
  close(corpus[2], Math.cbrt(p[0] * p[1] * p[2]) * bp); // ~0.25^(1/3) = 0.6300
  close(corpus[3], (p[0] * p[1] * p[2] * p[3]) ** 0.25 * bp); // ~(2.5e-16)^(1/4) = 1.26e-4, not 0
  close(corpus[3], 1.2574334296829e-4, 1e-9);
});

test('candidate counts are clipped by the largest count in any single reference', () => {
  // "the the the" vs refs "the cat" (1 x the) and "the the dog" (2 x the): 2 of 3 unigrams match.
  const { stats } = bleu([['the the the', ['the cat', 'the the dog']]]);
  assert.deepEqual(stats[0].correct, [2, 1, 0, 0]); // bigram "the the" appears once in ref 2
});

test('the effective reference length is the closest one, the shorter on a tie', () => {
  // cand length 4, refs of length 3 and 5: a tie, so 3 is taken and there is no brevity penalty
  // (taking 5 would multiply by exp(1 - 5/4) = 0.78).
  const { corpus, stats } = bleu([['a b c d', ['a b c', 'a b c d e']]]);
  assert.equal(stats[0].refLength, 3);
  close(corpus[0], (4 + TINY) / (4 + SMALL));
  // Closest wins over shorter: lengths 2 and 5 for a 4-word candidate -> 5.
  assert.equal(bleu([['a b c d', ['a b', 'a b c d e']]]).stats[0].refLength, 5);
});

test('the brevity penalty is computed once for the whole corpus, not per sentence', () => {
  // Image 1: "a b" vs "a b c d" (short); image 2: "x y z w" exact. All candidate unigrams match.
  // Corpus lengths 6 vs 8: BP = exp(1 - 8/6) = exp(-1/3) = 0.7165; per-sentence BPs would be
  // exp(-1) and 1, averaging 0.68.
  const { corpus } = bleu([
    ['a b', ['a b c d']],
    ['x y z w', ['x y z w']],
  ]);
  close(corpus[0], ((6 + TINY) / (6 + SMALL)) * Math.exp(1 - (8 + SMALL) / (6 + TINY)));
  close(corpus[0], 0.716531310573789, 1e-9);
});

test('an empty candidate scores (practically) zero', () => {
  const { corpus, stats } = bleu([['', ['a b c']]]);
  assert.deepEqual(stats[0].guess, [0, 0, 0, 0]);
  // ratio = 1e-15 / (3 + 1e-9): BP = exp(1 - 3e15) underflows to 0.
  assert.deepEqual(corpus, [0, 0, 0, 0]);
});

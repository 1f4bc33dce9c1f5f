import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciderD, ciderDRows } from '../../src/eval/cider.ts';
import { NgramTable } from '../../src/eval/ngrams.ts';
import { Rng } from '../../src/util/rng.ts';

function cider(images: [string, string[]][]): { score: number; perImage: number[] } {
  const table = new NgramTable();
  const refs = images.map(([, rs]) => rs.map((r) => table.add(r)));
  const cands = images.map(([c]) => table.add(c));
  return ciderD(table, cands, refs, table.denseArrays());
}

function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
}

test('exact match scores 10 x (mean over orders of the cosine); partial match by shared n-grams', () => {
  // 2 images, every n-gram in one image's refs: df = 1, idf = log 2 - log 1 for all (candidate-only
  // n-grams: df 0 -> log(max(1, 0)) = 0, so also log 2). All weights are equal.
  // Image 1 "a b" vs "a b": unigram cosine 1, bigram 1, no 3/4-grams (0) -> 10 * 2/4 = 5.
  // Image 2 "c x" vs "c d": unigrams share c -> 1 / (sqrt 2 * sqrt 2) = 0.5; bigrams none
  //   -> 10 * 0.5/4 = 1.25. Corpus: (5 + 1.25) / 2 = 3.125.
  const r = cider([
    ['a b', ['a b']],
    ['c x', ['c d']],
  ]);
  close(r.perImage[0], 5);
  close(r.perImage[1], 1.25);
  close(r.score, 3.125);
});

test('Gaussian length penalty on the bigram-count difference, sigma 6', () => {
  // Image 1: cand "a b" vs ref "a b c". Unigrams: dot 2, norms sqrt 2 and sqrt 3 -> 2/sqrt 6;
  // bigrams: "a b" vs {"a b", "b c"} -> 1/sqrt 2. Bigram counts 1 vs 2: delta -1,
  // penalty e^(-1/72) = 0.98621. Score 10 * (0.81650 + 0.70711) * 0.98621 / 4 = 3.75647
  const r = cider([
    ['a b', ['a b c']],
    ['d e', ['d e']],
  ]);
  close(r.perImage[0], (10 * (2 / Math.sqrt(6) + 1 / Math.sqrt(2)) * Math.exp(-1 / 72)) / 4);
  assert.ok(Math.abs(r.perImage[0] - 3.75647) < 1e-5);
  close(r.perImage[1], 5);
});

test('candidate weights are clipped by the reference weights (the "D" in CIDEr-D)', () => {
  // "a a" vs "a b": cand unigram weight 2w, ref w for a and b. Clipped dot min(2w, w) * w = w^2,
  // norms 2w and sqrt 2 w -> 1 / (2 sqrt 2) = 0.3536 (unclipped it would be 1/sqrt 2).
  // Bigrams "a a" vs "a b": 0. Score 10 * 0.35355 / 4 = 0.8839.
  const r = cider([
    ['a a', ['a b']],
    ['x', ['y']],
  ]);
  close(r.perImage[0], (10 * (1 / (2 * Math.sqrt(2)))) / 4);
});

test('scores average over references', () => {
  // Two refs, one identical (per-order sums 1,1,0,0) and one disjoint (0): (10 * 0.5) / 2 = 2.5.
  const r = cider([
    ['a b', ['a b', 'c d']],
    ['e', ['f']],
  ]);
  close(r.perImage[0], 2.5);
});

test('with a single image every idf is log(1) - log(1) = 0, so CIDEr-D is 0 even for a perfect caption', () => {
  assert.deepEqual(cider([['a b c', ['a b c']]]), { score: 0, perImage: [0] });
});

test('an empty candidate scores 0', () => {
  close(cider([['', ['a b']], ['c', ['c']]]).perImage[0], 0);
});

test('ciderDRows: every candidate on every image, bit for bit what ciderD gives it as that image\'s candidate (across candidate blocks)', () => {
  const rng = new Rng(11);
  const words = ['a', 'dog', 'cat', 'on', 'the', 'grass', 'red', 'ball', 'sofa', 'runs', 'sits', 'big'];
  const sentence = () => Array.from({ length: 2 + rng.int(7) }, () => words[rng.int(words.length)]).join(' ');
  const table = new NgramTable();
  const refs = Array.from({ length: 30 }, (_, i) => Array.from({ length: 1 + (i % 10) }, () => table.add(sentence())));
  const cands = [...refs.flat(), table.add(''), table.add('zebra zebra')]; // 167 references + two that none contain
  const extra = Array.from({ length: 120 }, () => table.add(sentence())); // > 256 candidates: two blocks
  const all = [...cands, ...extra];
  const scratch = table.denseArrays();
  const rows: Float64Array[] = [];
  ciderDRows(table, all, refs, scratch, (c, row) => rows.push(Float64Array.from(row)));
  assert.equal(rows.length, all.length);
  all.forEach((cand, c) => assert.deepEqual(rows[c], Float64Array.from(ciderD(table, refs.map(() => cand), refs, scratch).perImage), `candidate ${c}`));
  assert.ok(scratch.every((a) => a.every((x) => x === 0)), 'scratch left zeroed');
});

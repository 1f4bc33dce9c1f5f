import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPTION_METRICS, scoreCaptions } from '../../src/eval/caption-metrics.ts';

const TINY = 1e-15;
const SMALL = 1e-9;

function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);
}

test('captions equal after PTB tokenization score as identical; short perfect captions keep a tiny BLEU-4', () => {
  const refs = new Map([
    [1, ['A Dog runs.']],
    [2, ['Two cats sleep!']],
  ]);
  const cands = new Map([
    [1, 'a dog runs'],
    [2, 'two cats sleep'],
  ]);
  const r = scoreCaptions(refs, cands);
  // 6 words, all 1..3-grams match; no 4-grams at all: p4 = (0 + 1e-15) / (0 + 1e-9) = 1e-6.
  const bp = Math.exp(1 - (6 + SMALL) / (6 + TINY));
  const p = [(6 + TINY) / (6 + SMALL), (4 + TINY) / (4 + SMALL), (2 + TINY) / (2 + SMALL), TINY / SMALL];
  close(r.Bleu_1, p[0] * bp);
  close(r.Bleu_3, Math.cbrt(p[0] * p[1] * p[2]) * bp);
  close(r.Bleu_4, (p[0] * p[1] * p[2] * p[3]) ** 0.25 * bp); // ~0.0316
  assert.equal(r.ROUGE_L, 1);
  // 2 images, idf log 2 everywhere: cosines 1 for n = 1..3, 0 for n = 4 -> 10 * 3/4 = 7.5 each.
  close(r.CIDEr, 7.5);
  assert.deepEqual([...r.perImage.keys()], [1, 2]);
  close(r.perImage.get(2)!.CIDEr, 7.5);
});

test('an empty candidate (or one that is only punctuation) scores 0 for its image', () => {
  const refs = new Map([
    ['x', ['a b c']],
    ['y', ['d e f']],
  ]);
  for (const empty of ['', ' ... ! ']) {
    const r = scoreCaptions(refs, new Map([['x', empty], ['y', 'd e f']]));
    assert.deepEqual(
      CAPTION_METRICS.map((m) => r.perImage.get('x')![m]),
      [0, 0, 0, 0, 0, 0],
    );
    close(r.ROUGE_L, 0.5); // mean of 0 and 1
    close(r.CIDEr, 3.75); // mean of 0 and 7.5
  }
});

test('a single image: BLEU and ROUGE-L near 1, CIDEr-D 0 (every idf is 0)', () => {
  const r = scoreCaptions(new Map([[7, ['a man rides a horse']]]), new Map([[7, 'A man rides a horse.']]));
  assert.ok(r.Bleu_1 > 0.9999999);
  assert.equal(r.ROUGE_L, 1);
  assert.equal(r.CIDEr, 0);
});

test('per-image BLEU is the corpus formula applied to that image alone', () => {
  // Image 1 "a b" vs "a b c d": alone, BP = exp(1 - 4/2) = e^-1 on a perfect unigram precision.
  const r = scoreCaptions(new Map([[1, ['a b c d']], [2, ['x y']]]), new Map([[1, 'a b'], [2, 'x y']]), { tokenize: false });
  close(r.perImage.get(1)!.Bleu_1, ((2 + TINY) / (2 + SMALL)) * Math.exp(1 - (4 + SMALL) / (2 + TINY)));
  // Corpus: 4 words for 6 reference words, BP = exp(1 - 6/4).
  close(r.Bleu_1, ((4 + TINY) / (4 + SMALL)) * Math.exp(1 - (6 + SMALL) / (4 + TINY)));
});

test('tokenize: false takes captions as they are', () => {
  const r = scoreCaptions(new Map([[1, ['A dog.']], [2, ['x']]]), new Map([[1, 'a dog'], [2, 'x']]), { tokenize: false });
  assert.equal(r.perImage.get(1)!.ROUGE_L, 0); // "A", "dog." vs "a", "dog": nothing in common
});

test('candidates and references must cover the same images', () => {
  assert.throws(() => scoreCaptions(new Map([[1, ['a']], [2, ['b']]]), new Map([[1, 'a']])), /1 without a candidate/);
  assert.throws(() => scoreCaptions(new Map(), new Map()), /no images to score/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { blindCaption } from '../../src/eval/blind-caption.ts';
import { scoreCaptions, type ImageId } from '../../src/eval/caption-metrics.ts';
import { Rng } from '../../src/util/rng.ts';

/** Each reference of the set scored the slow way: scoreCaptions with it as every image's caption; per-image CIDEr averaged over the images but its own, and over all. */
function bruteForce(references: Map<ImageId, string[]>, options = {}) {
  const ids = [...references.keys()];
  return ids.flatMap((own) =>
    references.get(own)!.map((caption) => {
      const perImage = scoreCaptions(references, new Map(ids.map((id) => [id, caption])), options).perImage;
      const scores = ids.map((id) => perImage.get(id)!.CIDEr);
      const others = scores.filter((_, i) => ids[i] !== own);
      return { caption, own, looMean: others.reduce((s, x) => s + x, 0) / others.length, allMean: scores.reduce((s, x) => s + x, 0) / scores.length };
    }),
  );
}

test('hand-worked: a caption unique to its image scores 0 leave-one-out; a caption shared by two images wins', () => {
  // Pre-tokenized. 3 images: idf(x) = log 3 - log 2, idf(p q r s n-grams) = log 3; single-n-gram and
  // identical vectors make every cosine 0 or 1, whatever the idf.
  // "p q r s" on its own image: cosine 1 at all four orders, no length penalty -> 10; elsewhere 0.
  //   Over all 3 images (10 + 0 + 0) / 3 = 3.33 would win; over the others (0 + 0) / 2 = 0.
  // "x" (image B's) on image C: unigram cosine 1, no 2..4-grams -> 10 * (1/4) = 2.5; on A 0 -> (2.5 + 0) / 2 = 1.25.
  //   Image C's "x" ties it (2.5 on B, 0 on A): the first in set order (B's) is chosen.
  const refs = new Map<ImageId, string[]>([['A', ['p q r s']], ['B', ['x']], ['C', ['x']]]);
  assert.deepEqual(blindCaption(refs, { tokenize: false }), { caption: 'x', imageId: 'B', CIDEr: 1.25, images: 3, candidates: 2 });
  const brute = bruteForce(refs, { tokenize: false });
  assert.deepEqual(brute.map((b) => [b.caption, b.looMean, b.allMean]), [['p q r s', 0, 10 / 3], ['x', 1.25, 5 / 3], ['x', 1.25, 5 / 3]]);
});

// Four images; image 4's one reference is long and unique: on its own image it scores 10 (a perfect match
// at every order), on the others 0, so that scored on every image it would be the best constant caption.
// Per-image CIDEr-D of the dog captions (rounded): "A dog runs on the grass." 3.75 1.14 0.11 0 (the winner:
// (1.14 + 0.11 + 0) / 3 = 0.415 without image 1), "A dog sits on the grass." 0.97 3.92 0.11 0 (0.357 without image 2).
const SET = new Map<ImageId, string[]>([
  [1, ['A dog runs on the grass.', 'A brown dog on the green grass', 'a dog playing in a field']],
  [2, ['A dog sits on the grass.', 'a small dog lying in the grass', 'The dog is resting on grass.']],
  [3, ['A cat sleeps on a sofa.', 'a cat on the couch', 'A grey cat is lying on the sofa']],
  [4, ['An old steam locomotive pulls freight wagons across a stone viaduct']],
]);

test('blind caption: the reference with the best leave-one-out mean CIDEr-D, as scoreCaptions scores it as every image\'s caption', () => {
  const brute = bruteForce(SET);
  const blind = blindCaption(SET);
  const best = brute.reduce((a, b) => (b.looMean > a.looMean ? b : a));
  assert.equal(blind.caption, best.caption);
  assert.equal(blind.imageId, best.own);
  assert.equal(blind.CIDEr, best.looMean, 'the same per-image scores, averaged over the same 3 images');
  assert.ok(brute.every((b) => b === best || b.looMean < best.looMean), 'a unique winner');
  assert.deepEqual(blind, { caption: 'A dog runs on the grass.', imageId: 1, CIDEr: best.looMean, images: 4, candidates: 10 });
  assert.ok(Math.abs(blind.CIDEr - 0.415) < 1e-3, `${blind.CIDEr}`);
});

test('a caption that matches its own image best does not win on that image alone', () => {
  const brute = bruteForce(SET);
  const unique = brute.find((b) => b.caption.startsWith('An old steam'))!;
  assert.ok(brute.every((b) => b === unique || b.allMean < unique.allMean), 'counted on its own image, the unique caption would be the best constant');
  assert.equal(unique.looMean, 0, 'its one word found in other images, "a", is in every image: idf 0');
  assert.notEqual(blindCaption(SET).caption, unique.caption);
});

test('fewer than two images: nothing to score on; an empty reference list is an error', () => {
  assert.deepEqual(blindCaption(new Map([[1, ['a dog']]])), { caption: '', imageId: null, CIDEr: 0, images: 1, candidates: 0 });
  assert.throws(() => blindCaption(new Map([[1, ['a dog']], [2, []]])), /1 with an empty reference list/);
});

test('speed: 100 images x 5 references (500 candidates)', (t) => {
  const rng = new Rng(3);
  const pick = (words: string[]) => words[rng.int(words.length)];
  const [subjects, verbs, places] = [['dog', 'cat', 'man', 'woman', 'child', 'bird', 'horse', 'train', 'bus', 'boy'], ['sits', 'runs', 'stands', 'walks', 'plays', 'sleeps', 'eats'], ['grass', 'street', 'beach', 'table', 'sofa', 'field', 'snow', 'road']];
  const caption = () => `A ${pick(['small', 'big', 'brown', 'white', 'young', 'old'])} ${pick(subjects)} ${pick(verbs)} on the ${pick(places)}${rng.int(2) ? ` near a ${pick(subjects)}` : ''}.`;
  const refs = new Map<ImageId, string[]>(Array.from({ length: 100 }, (_, i) => [i, Array.from({ length: 5 }, caption)]));
  const start = performance.now();
  const blind = blindCaption(refs);
  const ms = performance.now() - start;
  t.diagnostic(`blindCaption, 100 images x 5 references (${blind.candidates} distinct candidates), PTB tokenization included: ${ms.toFixed(0)} ms`);
  assert.equal(blind.images, 100);
  assert.ok([...refs.values()].some((rs) => rs.includes(blind.caption)) && blind.CIDEr > 0);
});

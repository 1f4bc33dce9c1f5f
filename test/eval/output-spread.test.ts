import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerSpread, captionKey, captionSpread } from '../../src/eval/output-spread.ts';

test('distinct captions: case and whitespace do not count, punctuation and words do', () => {
  const captions = ['A dog runs.', ' a  dog runs. ', 'a dog\truns.', 'A cat sleeps', 'a dog runs'];
  // keys: "a dog runs." x 3, "a cat sleeps", "a dog runs" (no period) -> 3 distinct of 5 = 0.6
  assert.equal(captionKey(captions[1]), 'a dog runs.');
  assert.deepEqual(captionSpread(captions), { distinct: 3, distinct_share: 0.6 });
  assert.deepEqual(captionSpread(['a red circle', 'A red circle', 'a red  circle ']), { distinct: 1, distinct_share: 1 / 3 }, 'one caption for every image');
});

test('answer distribution: answers counted in the VQA script\'s normal form, most frequent first, ties in code-unit order', () => {
  // canonical: yes, yes, yes, 2, 2, 2, no, cat ("a cat" loses its article) -> "2" and "yes" tie at 3 of 8
  const spread = answerSpread(['yes', 'Yes', ' yes ', 'two', '2', 'Two.', 'no', 'a cat']);
  assert.deepEqual(spread.histogram, [{ answer: '2', count: 3 }, { answer: 'yes', count: 3 }, { answer: 'cat', count: 1 }, { answer: 'no', count: 1 }]);
  assert.equal(spread.distinct_answers, 4);
  assert.equal(spread.top_answer_share, 3 / 8);
  assert.deepEqual(answerSpread(['yes', 'yes', 'yes']), { histogram: [{ answer: 'yes', count: 3 }], distinct_answers: 1, top_answer_share: 1 });
});

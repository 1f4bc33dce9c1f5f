import { test } from 'node:test';
import assert from 'node:assert/strict';
import { questionAccuracy, vqaAccuracy, type VqaItem } from '../../src/eval/vqa/accuracy.ts';

const answers = (spec: [string, number][]) => spec.flatMap(([a, n]) => new Array<string>(n).fill(a));

test('min(1, matches among the other 9 / 3) averaged over the 10 leave-one-out subsets', () => {
  // 3 x yes: leaving out a "yes" leaves 2 -> 2/3 (3 subsets); leaving out a "no" leaves 3 -> 1 (7).
  // (3 * 2/3 + 7) / 10 = 0.9
  assert.ok(Math.abs(questionAccuracy(answers([['yes', 3], ['no', 7]]), 'yes') - 0.9) < 1e-15);
  // 2 x yes: (2 * 1/3 + 8 * 2/3) / 10 = 0.6
  assert.ok(Math.abs(questionAccuracy(answers([['yes', 2], ['no', 8]]), 'yes') - 0.6) < 1e-15);
  // 1 x yes: (0 + 9 * 1/3) / 10 = 0.3
  assert.ok(Math.abs(questionAccuracy(answers([['yes', 1], ['no', 9]]), 'yes') - 0.3) < 1e-15);
  assert.equal(questionAccuracy(answers([['yes', 4], ['no', 6]]), 'yes'), 1);
  assert.equal(questionAccuracy(answers([['no', 10]]), 'yes'), 0);
});

test('answers are normalised only when the humans disagree', () => {
  // All ten say "2": nothing is normalised, so "two" does not match (the script's quirk)...
  assert.equal(questionAccuracy(answers([['2', 10]]), 'two'), 0);
  assert.equal(questionAccuracy(answers([['yes', 10]]), 'Yes'), 0);
  // ...but surrounding whitespace, tabs and newlines are always cleaned.
  assert.equal(questionAccuracy(answers([['2', 10]]), ' 2\n'), 1);
  // When they disagree, "two"/"2"/"Two." all become "2": 10 matches.
  assert.equal(questionAccuracy(answers([['two', 5], ['2', 4], ['Two.', 1]]), 'the two'), 1);
});

test('punctuation inside numbers and contractions are normalised as the script does', () => {
  assert.equal(questionAccuracy(answers([['1,000', 5], ['1000', 5]]), '1000'), 1);
  assert.equal(questionAccuracy(answers([['3.5', 5], ['3.50', 5]]), '3.5'), 1); // 5 matches, 4 in every subset
  assert.equal(questionAccuracy(answers([["don't", 5], ['no', 5]]), 'dont'), 1);
});

function item(questionId: number, answerType: string, questionType: string, humans: string[], prediction: string): VqaItem {
  return { questionId, answerType, questionType, answers: humans, prediction };
}

test('overall, per answer type and per question type, in percent rounded to 2 decimals', () => {
  const r = vqaAccuracy([
    item(1, 'yes/no', 'is the', answers([['yes', 10]]), 'yes'), // 1
    item(2, 'yes/no', 'is the', answers([['yes', 2], ['no', 8]]), 'yes'), // 0.6
    item(3, 'number', 'how many', answers([['3', 1], ['4', 9]]), '3'), // 0.3
  ]);
  // overall 100 * (1 + 0.6 + 0.3) / 3 = 63.333... -> 63.33
  assert.equal(r.overall, 63.33);
  assert.deepEqual(r.perAnswerType, { 'yes/no': 80, number: 30 });
  assert.deepEqual(r.perQuestionType, { 'is the': 80, 'how many': 30 });
  assert.deepEqual([...r.perQuestion], [[1, 100], [2, 60], [3, 30]]);
});

test('percentages are 100 * sum / count, rounded with Python round()', () => {
  const two = answers([['a', 2], ['b', 8]]); // prediction "a": 0.6
  const r = vqaAccuracy([item(1, 't', 'q', two, 'a'), item(2, 't', 'q', answers([['a', 10]]), 'a'), item(3, 't', 'q', answers([['a', 10]]), 'b')]);
  assert.equal(r.overall, 53.33); // 100 * 1.6 / 3
  assert.throws(() => vqaAccuracy([]), /no questions/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blindAccuracy, blindAnswers, type BlindQuestion } from '../../src/eval/vqa/blind-prior.ts';

const answers = (spec: [string, number][]) => spec.flatMap(([a, n]) => new Array<string>(n).fill(a));
const q = (questionId: number, question: string, spec: [string, number][], answerType: string, questionType?: string): BlindQuestion => ({
  questionId, question, answers: answers(spec), answerType, ...(questionType !== undefined ? { questionType } : {}),
});

// Majority human answers (canonical form) in brackets; the normalised texts are "what color is ball" (1-3),
// "what color is car", "is it round", "is it big", "how many balls are there", "how many cars", "why is it here".
const SET = [
  q(1, 'What color is the ball?', [['red', 6], ['blue', 4]], 'other', 'what color is the'), // [red]
  q(2, 'what color is the ball', [['Red', 7], ['red.', 3]], 'other', 'what color is the'), // [red] ("Red")
  q(3, 'What color is the ball ?', [['blue', 5], ['green', 5]], 'other', 'what color is the'), // [blue] (first of the tie)
  q(4, 'What color is the car?', [['blue', 10]], 'other', 'what color is the'), // [blue]
  q(5, 'Is it round?', [['yes', 9], ['no', 1]], 'yes/no', 'is it'), // [yes]
  q(6, 'Is it big?', [['no', 8], ['yes', 2]], 'yes/no', 'is it'), // [no]
  q(7, 'How many balls are there?', [['two', 4], ['2', 3], ['3', 3]], 'number'), // [2] ("two"); no question type
  q(8, 'How many cars?', [['3', 6], ['2', 4]], 'number'), // [3]; no question type
  q(9, 'Why is it here?', [['fun', 10]], 'other', 'number'), // [fun]; a question type that reads like answer type "number"
];

test('blind answers: leave-one-out majority of the same question text, else of the same type, else of the set', () => {
  assert.deepEqual(blindAnswers(SET), [
    { answer: 'blue', from: 'question' }, // others with its text: q2 red, q3 blue -> a tie, "blue" < "red"
    { answer: 'blue', from: 'question' }, // others: q1 red, q3 blue -> the same tie (q2's "Red" counted as "red")
    { answer: 'red', from: 'question' }, // others: q1 red, q2 red
    { answer: 'red', from: 'type' }, // its text alone; type "what color is the" without it: red (q1, q2), blue (q3)
    { answer: 'no', from: 'type' }, // type "is it" without it: q6 no
    { answer: 'yes', from: 'type' }, // q5 yes
    { answer: '3', from: 'type' }, // no question type: answer type "number" without it: q8 3
    { answer: '2', from: 'type' }, // q7 2
    { answer: 'blue', from: 'set' }, // alone in question type "number": the set without it: blue (q3, q4), red (q1, q2) -> "blue"; the rest once
  ]);
});

test('blind accuracy is the official VQA accuracy of those answers', () => {
  // Per question (min(1, matches among the other 9 / 3), averaged over the 10 leave-one-out subsets):
  // 1: "blue" matches 4 of 10 -> 1;  2: all "red" after normalisation -> 0;  3: 0;  4: 0 (all "blue");
  // 5: "no" matches 1 -> 9 subsets of 1/3, one of 0 -> 0.3;  6: "yes" matches 2 -> (2 * 1/3 + 8 * 2/3) / 10 = 0.6;
  // 7: "3" matches 3 -> (3 * 2/3 + 7 * 1) / 10 = 0.9;  8: "2" matches 4 -> 1;  9: 0.
  // (1 + 0.3 + 0.6 + 0.9 + 1) / 9 = 3.8 / 9 = 42.22 %
  assert.equal(blindAccuracy(SET), 42.22);
});

test('a set of one question has nothing to answer from', () => {
  assert.deepEqual(blindAnswers(SET.slice(0, 1)), [{ answer: '', from: 'none' }]);
  assert.equal(blindAccuracy(SET.slice(0, 1)), 0);
});

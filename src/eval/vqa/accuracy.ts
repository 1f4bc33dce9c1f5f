// VQA accuracy as the official script computes it (GT-Vision-Lab/VQA vqaEval.py, current
// version): answers and prediction lose tabs, newlines and surrounding whitespace; only when the
// human answers are not all identical are they and the prediction normalised (punctuation, then
// digits/articles/contractions). Each of the n leave-one-out subsets scores
// min(1, matches among the other n-1 answers / 3); a question scores their mean. Reported
// accuracies are percentages rounded to 2 decimals with Python's round().

import { pyRound, pySum } from '../pysemantics.ts';
import { cleanAnswer, normalizeAnswer } from './normalize.ts';

export type QuestionId = number | string;

export interface VqaItem {
  questionId: QuestionId;
  answerType: string;
  questionType: string;
  answers: string[]; // the human answers (10 in VQA v2)
  prediction: string;
}

export interface VqaAccuracy {
  overall: number; // percent, 2 decimals
  perAnswerType: Record<string, number>;
  perQuestionType: Record<string, number>;
  perQuestion: Map<QuestionId, number>; // percent, 2 decimals
}

const DECIMALS = 2;

/** Accuracy of one question as a fraction in [0, 1]. */
export function questionAccuracy(answers: readonly string[], prediction: string): number {
  if (answers.length === 0) throw new Error('questionAccuracy: a question needs at least one human answer');
  let gt = answers.map(cleanAnswer);
  let pred = cleanAnswer(prediction);
  if (new Set(gt).size > 1) {
    gt = gt.map(normalizeAnswer);
    pred = normalizeAnswer(pred);
  }
  const matches = gt.filter((a) => a === pred).length;
  const perSubset = gt.map((a) => Math.min(1, (matches - (a === pred ? 1 : 0)) / 3));
  return pySum(perSubset) / perSubset.length;
}

function percent(values: number[]): number {
  return pyRound((100 * pySum(values)) / values.length, DECIMALS);
}

function groupBy(items: readonly VqaItem[], scores: number[], key: (item: VqaItem) => string): Record<string, number> {
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = key(item);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(scores[i]);
  });
  return Object.fromEntries([...groups].map(([k, v]) => [k, percent(v)]));
}

/** Overall, per answer type and per question type accuracy, in the order items come. */
export function vqaAccuracy(items: readonly VqaItem[]): VqaAccuracy {
  if (items.length === 0) throw new Error('vqaAccuracy: no questions to score');
  const scores = items.map((item) => questionAccuracy(item.answers, item.prediction));
  return {
    overall: percent(scores),
    perAnswerType: groupBy(items, scores, (item) => item.answerType),
    perQuestionType: groupBy(items, scores, (item) => item.questionType),
    perQuestion: new Map(items.map((item, i) => [item.questionId, pyRound(100 * scores[i], DECIMALS)])),
  };
}

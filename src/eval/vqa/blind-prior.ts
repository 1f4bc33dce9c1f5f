// The accuracy of answering without looking: what a model's VQA accuracy has to beat before its
// answers show any use of the image.
import { majority } from '../files/write.ts';
import { byCountThenText } from '../output-spread.ts';
import { vqaAccuracy, type QuestionId } from './accuracy.ts';
import { canonicalAnswer } from './normalize.ts';

export interface BlindQuestion {
  questionId: QuestionId;
  question: string;
  answers: string[]; // the human answers
  answerType: string;
  questionType?: string;
}

/** Where a blind answer came from: other questions with the same text, of the same type, any other question, or none (a set of one). */
export type BlindSource = 'question' | 'type' | 'set' | 'none';

export interface BlindAnswer {
  answer: string;
  from: BlindSource;
}

/** Answer counts of a group of questions, asked for the most frequent answer once one question is left out. */
class LeaveOneOut {
  private readonly counts = new Map<string, number>();
  private best?: { text: string; count: number }[]; // the two most frequent, by byCountThenText

  add(answer: string): void {
    this.counts.set(answer, (this.counts.get(answer) ?? 0) + 1);
    this.best = undefined;
  }

  /** The most frequent answer without one occurrence of `answer` (one added before); undefined when no other is left. */
  without(answer: string): string | undefined {
    this.best ??= [...this.counts].map(([text, count]) => ({ text, count })).sort(byCountThenText).slice(0, 2);
    const [first, second] = this.best;
    if (first.text !== answer) return first.text; // fewer of `answer` cannot change the leader
    const rest = { text: answer, count: first.count - 1 };
    if (rest.count === 0) return second?.text;
    return second === undefined || byCountThenText(rest, second) < 0 ? answer : second.text;
  }
}

function groupOf<K>(groups: Map<K, LeaveOneOut>, key: K): LeaveOneOut {
  let group = groups.get(key);
  if (!group) groups.set(key, (group = new LeaveOneOut()));
  return group;
}

const typeKey = (q: BlindQuestion) => (q.questionType !== undefined ? `question_type ${q.questionType}` : `answer_type ${q.answerType}`);

/**
 * The best simple image-blind strategy on a set of questions, question by question. Each question
 * stands for its majority human answer (the most frequent of its human answers, the first on a
 * tie, as VQA's `multiple_choice_answer`), in canonical form (`canonicalAnswer`: the VQA script's
 * normalisation). A question is answered with the most frequent of these among the *other*
 * questions (leave-one-out, so its own answers never decide its prediction) of the narrowest group
 * that has any:
 *   1. the questions with the same text, normalised the same way ("What color is the ball?" =
 *      "what color is ball");
 *   2. the questions of its question_type (of its answer_type when it has no question_type);
 *   3. the whole set.
 * Ties go to the answer first in code-unit order. A set of one question has nothing to go on:
 * the answer is "" (scoring 0).
 */
export function blindAnswers(questions: readonly BlindQuestion[]): BlindAnswer[] {
  const byText = new Map<string, LeaveOneOut>();
  const byType = new Map<string, LeaveOneOut>();
  const all = new LeaveOneOut();
  const keyed = questions.map((q) => ({ text: canonicalAnswer(q.question), type: typeKey(q), answer: canonicalAnswer(majority(q.answers)) }));
  for (const k of keyed) for (const group of [groupOf(byText, k.text), groupOf(byType, k.type), all]) group.add(k.answer);
  return keyed.map((k) => {
    const levels: [BlindSource, LeaveOneOut][] = [['question', byText.get(k.text)!], ['type', byType.get(k.type)!], ['set', all]];
    for (const [from, group] of levels) {
      const answer = group.without(k.answer);
      if (answer !== undefined) return { answer, from };
    }
    return { answer: '', from: 'none' };
  });
}

/** The VQA accuracy (percent, as vqaAccuracy's overall) of blindAnswers on these questions: the number to put beside a model's. */
export function blindAccuracy(questions: readonly BlindQuestion[]): number {
  const answers = blindAnswers(questions);
  return vqaAccuracy(questions.map((q, i) => ({ ...q, questionType: q.questionType ?? 'unknown', prediction: answers[i].answer }))).overall;
}

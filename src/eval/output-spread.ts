// How much a model's outputs vary over a set's examples: the diagnostics that tell generation
// which depends on the image from one text produced for every input. Captions count as the same
// when they differ only in case and whitespace; answers when the VQA script's normalisation makes
// them equal ("Two." and "2").
//
//   captionSpread(['A dog.', 'a  dog.', 'a cat']) -> { distinct: 2, distinct_share: 2/3 }
//   answerSpread(['yes', 'Yes', 'no']) -> { histogram: [{answer: 'yes', count: 2}, {answer: 'no', count: 1}],
//                                          distinct_answers: 2, top_answer_share: 2/3 }
import { pySplit } from './pysemantics.ts';
import { canonicalAnswer } from './vqa/normalize.ts';

export interface TextCount {
  text: string;
  count: number;
}

/** Most frequent first; on a tie, first in code-unit order (so the order depends on the counts alone). */
export function byCountThenText(a: TextCount, b: TextCount): number {
  return b.count - a.count || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

/** How often each distinct text occurs, most frequent first (byCountThenText). */
export function textCounts(texts: readonly string[]): TextCount[] {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([text, count]) => ({ text, count })).sort(byCountThenText);
}

/** A caption as compared for distinctness: lower-cased, surrounding whitespace dropped, inner runs one space. */
export function captionKey(caption: string): string {
  return pySplit(caption.toLowerCase()).join(' ');
}

/** Distinct predicted captions and their share of the predictions (1: every caption different). */
export function captionSpread(captions: readonly string[]): { distinct: number; distinct_share: number } {
  const distinct = new Set(captions.map(captionKey)).size;
  return { distinct, distinct_share: distinct / captions.length };
}

export interface AnswerCount {
  answer: string; // canonical form (canonicalAnswer)
  count: number;
}

export interface AnswerSpread {
  histogram: AnswerCount[]; // most frequent first
  distinct_answers: number;
  top_answer_share: number; // the most frequent answer's share of the predictions (1: one answer for everything)
}

/** The distribution of predicted answers, each in the form the VQA script compares. */
export function answerSpread(answers: readonly string[]): AnswerSpread {
  const histogram = textCounts(answers.map(canonicalAnswer)).map(({ text, count }) => ({ answer: text, count }));
  return { histogram, distinct_answers: histogram.length, top_answer_share: (histogram[0]?.count ?? 0) / answers.length };
}

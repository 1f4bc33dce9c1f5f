// Which way is better for a metric, from its name: loss-like keys are minimised, score-like keys
// (CIDEr, BLEU, ROUGE, accuracy, throughput, the image-dependence gap, distinct outputs) maximised. `--mode` overrides; an unknown name is
// taken as loss-like and the report says it guessed.

export type Mode = 'min' | 'max';

const MIN_LIKE = /loss|perplexity|ppl|error|wer|grad_norm|skipped|top_answer/i;
const MAX_LIKE = /cider|bleu|rouge|meteor|spice|accuracy|acc\b|score|f1|recall|precision|_per_s$|^gap$|distinct/i;

/** The direction of `key` judged by its last part that names one (`eval/vqa/accuracy/number` -> accuracy), and whether one did. */
export function metricMode(key: string): { mode: Mode; known: boolean } {
  for (const part of key.split('/').reverse()) {
    if (MIN_LIKE.test(part)) return { mode: 'min', known: true };
    if (MAX_LIKE.test(part)) return { mode: 'max', known: true };
  }
  return { mode: 'min', known: false };
}

/** Whether `a` is at least as good as `b`. */
export function reaches(a: number, b: number, mode: Mode): boolean {
  return mode === 'min' ? a <= b : a >= b;
}

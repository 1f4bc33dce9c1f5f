// BLEU-1..4 as pycocoevalcap's bleu_scorer computes it with option "closest": clipped n-gram
// matches and guesses summed over the corpus, the effective reference length of each sentence
// being the reference length closest to the candidate's (the shorter one on a tie), and one
// brevity penalty for the corpus. The tiny/small constants keep its exact arithmetic.

import { MAX_NGRAM, type NgramTable } from './ngrams.ts';

const TINY = 1e-15; // added to match counts, "so that if guess is 0 still return 0"
const SMALL = 1e-9; // added to guess counts and the reference length to avoid dividing by 0

/** What BLEU needs to know about one candidate against its references. */
export interface BleuStats {
  testLength: number;
  refLength: number; // the closest reference length
  guess: number[]; // per order: number of candidate n-grams
  correct: number[]; // per order: candidate n-grams matched, clipped by the max count in any reference
}

/**
 * BLEU statistics of every candidate against its references (sentence indices into `table`).
 * `scratch` (table.denseArrays()) holds one image's max reference counts at a time and is left zeroed.
 */
export function bleuStats(table: NgramTable, candidates: number[], references: number[][], scratch: Float64Array[]): BleuStats[] {
  return candidates.map((cand, i) => {
    const refs = references[i];
    const testLength = table.wordCount(cand);
    const guess: number[] = [];
    const correct: number[] = [];
    for (let k = 1; k <= MAX_NGRAM; k++) {
      guess.push(Math.max(0, testLength - k + 1));
      correct.push(clippedMatches(table, cand, refs, k, scratch[k - 1]));
    }
    return { testLength, refLength: closestLength(testLength, refs.map((r) => table.wordCount(r))), guess, correct };
  });
}

function clippedMatches(table: NgramTable, cand: number, refs: number[], k: number, maxRef: Float64Array): number {
  const { ids, counts } = table;
  for (const ref of refs) {
    for (let j = table.start(ref, k); j < table.end(ref, k); j++) maxRef[ids[j]] = Math.max(maxRef[ids[j]], counts[j]);
  }
  let matches = 0;
  for (let j = table.start(cand, k); j < table.end(cand, k); j++) matches += Math.min(maxRef[ids[j]], counts[j]);
  for (const ref of refs) for (let j = table.start(ref, k); j < table.end(ref, k); j++) maxRef[ids[j]] = 0;
  return matches;
}

/** min over references of (|len - testLen|, len): the closest length, the shorter on a tie. */
function closestLength(testLength: number, refLengths: number[]): number {
  let best = refLengths[0];
  for (const len of refLengths) {
    const d = Math.abs(len - testLength);
    const bestD = Math.abs(best - testLength);
    if (d < bestD || (d === bestD && len < best)) best = len;
  }
  return best;
}

/** BLEU-1..BLEU-4 of a set of sentences, combined as one corpus (a single sentence is a corpus of one). */
export function corpusBleu(stats: BleuStats[]): number[] {
  let testLength = 0;
  let refLength = 0;
  const guess = new Array<number>(MAX_NGRAM).fill(0);
  const correct = new Array<number>(MAX_NGRAM).fill(0);
  for (const s of stats) {
    testLength += s.testLength;
    refLength += s.refLength;
    for (let k = 0; k < MAX_NGRAM; k++) {
      guess[k] += s.guess[k];
      correct[k] += s.correct[k];
    }
  }
  const ratio = (testLength + TINY) / (refLength + SMALL);
  const brevity = ratio < 1 ? Math.exp(1 - 1 / ratio) : 1;
  const scores: number[] = [];
  let product = 1;
  for (let n = 1; n <= MAX_NGRAM; n++) {
    product *= (correct[n - 1] + TINY) / (guess[n - 1] + SMALL);
    const bleu = product ** (1 / n);
    scores.push(ratio < 1 ? bleu * brevity : bleu);
  }
  return scores;
}

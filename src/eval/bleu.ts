// BLEU-1..4 as pycocoevalcap's bleu_scorer computes it with option "closest": clipped n-gram
// matches and guesses summed over the corpus, the effective reference length of each sentence
// being the reference length closest to the candidate's (the shorter one on a tie), and one
// brevity penalty for the corpus. The tiny/small constants keep its exact arithmetic.

import { MAX_NGRAM, type NgramCounts, type NgramList } from './ngrams.ts';

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
 * BLEU statistics of every candidate against its references. `scratch` (one zeroed array per
 * order, indexed by n-gram id: NgramVocabulary.denseArrays) holds the max reference counts of
 * one image at a time and is left zeroed.
 */
export function bleuStats(candidates: NgramCounts[], references: NgramCounts[][], scratch: Float64Array[]): BleuStats[] {
  return candidates.map((candidate, i) => {
    const refs = references[i];
    const guess: number[] = [];
    const correct: number[] = [];
    for (let k = 0; k < MAX_NGRAM; k++) {
      guess.push(Math.max(0, candidate.length - k));
      correct.push(clippedMatches(candidate.orders[k], refs.map((r) => r.orders[k]), scratch[k]));
    }
    return { testLength: candidate.length, refLength: closestLength(candidate.length, refs), guess, correct };
  });
}

function clippedMatches(candidate: NgramList, references: NgramList[], maxRef: Float64Array): number {
  for (const ref of references) {
    for (let j = 0; j < ref.ids.length; j++) maxRef[ref.ids[j]] = Math.max(maxRef[ref.ids[j]], ref.counts[j]);
  }
  let matches = 0;
  for (let j = 0; j < candidate.ids.length; j++) matches += Math.min(maxRef[candidate.ids[j]], candidate.counts[j]);
  for (const ref of references) for (const id of ref.ids) maxRef[id] = 0;
  return matches;
}

/** min over references of (|len - testLen|, len): the closest length, the shorter on a tie. */
function closestLength(testLength: number, references: NgramCounts[]): number {
  let best = references[0].length;
  for (const ref of references) {
    const d = Math.abs(ref.length - testLength);
    const bestD = Math.abs(best - testLength);
    if (d < bestD || (d === bestD && ref.length < best)) best = ref.length;
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

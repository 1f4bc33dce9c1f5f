// CIDEr-D as pycocoevalcap's cider_scorer computes it. Each sentence becomes, per n-gram order
// (n = 1..4), a vector of tf * idf weights, idf = log(number of images) - log(max(1, df)), df =
// the number of images whose references contain the n-gram. The candidate is compared with
// each reference by a cosine in which candidate weights are clipped by the reference's
// (sum of min(c, r) * r), damped by a Gaussian penalty on the length difference (sigma 6; the
// "length" being the number of bigrams, as that code counts it), averaged over orders and
// references, and multiplied by 10. Sums run in the order the Python code runs them.

import { numpyMean } from './pysemantics.ts';
import { MAX_NGRAM, type NgramTable } from './ngrams.ts';

export const CIDER_SIGMA = 6;

export interface CiderResult {
  score: number; // np.mean over images
  perImage: number[];
}

/** The tf-idf vectors of every sentence of a table: weights parallel to table.ids, norms per order. */
interface TfIdf {
  weights: Float64Array;
  norms: Float64Array; // sentence * MAX_NGRAM + k - 1
  bigrams: Int32Array; // per sentence: its "length" for the penalty
}

/**
 * CIDEr-D of candidates[i] against references[i] (sentence indices into `table`); document
 * frequencies come from all references given. `scratch` (table.denseArrays()) is left zeroed.
 */
export function ciderD(table: NgramTable, candidates: number[], references: number[][], scratch: Float64Array[], sigma = CIDER_SIGMA): CiderResult {
  const logDf = logDocumentFrequency(table, references, scratch);
  const vectors = tfIdf(table, logDf, Math.log(Math.max(1, references.length)));
  const perImage = candidates.map((cand, i) => imageScore(table, vectors, cand, references[i], scratch, sigma));
  return { score: numpyMean(perImage), perImage };
}

/** Per order and n-gram id: log(max(1, number of images in which some reference contains it)). */
function logDocumentFrequency(table: NgramTable, references: number[][], scratch: Float64Array[]): Float64Array[] {
  const { ids } = table;
  return scratch.map((lastImage, order) => {
    const k = order + 1;
    const df = new Float64Array(lastImage.length);
    references.forEach((refs, image) => {
      for (const ref of refs) {
        for (let j = table.start(ref, k); j < table.end(ref, k); j++) {
          if (lastImage[ids[j]] === image + 1) continue;
          lastImage[ids[j]] = image + 1;
          df[ids[j]] += 1;
        }
      }
    });
    lastImage.fill(0);
    return df.map((d) => Math.log(Math.max(1, d)));
  });
}

function tfIdf(table: NgramTable, logDf: Float64Array[], logImages: number): TfIdf {
  const { ids, counts } = table;
  const weights = new Float64Array(ids.length);
  const norms = new Float64Array(table.sentences * MAX_NGRAM);
  const bigrams = new Int32Array(table.sentences);
  for (let s = 0; s < table.sentences; s++) {
    for (let k = 1; k <= MAX_NGRAM; k++) {
      let squares = 0;
      for (let j = table.start(s, k); j < table.end(s, k); j++) {
        weights[j] = counts[j] * (logImages - logDf[k - 1][ids[j]]);
        squares += weights[j] * weights[j];
        if (k === 2) bigrams[s] += counts[j];
      }
      norms[s * MAX_NGRAM + k - 1] = Math.sqrt(squares);
    }
  }
  return { weights, norms, bigrams };
}

/** Clipped cosine of candidate and reference n-grams of order k (before the length penalty). */
function clippedCosine(table: NgramTable, v: TfIdf, cand: number, ref: number, k: number, refWeight: Float64Array): number {
  const { ids } = table;
  for (let j = table.start(ref, k); j < table.end(ref, k); j++) refWeight[ids[j]] = v.weights[j];
  let dot = 0;
  for (let j = table.start(cand, k); j < table.end(cand, k); j++) {
    const r = refWeight[ids[j]]; // 0 when absent: adds nothing, as min(c, 0) * 0 adds nothing
    dot += Math.min(v.weights[j], r) * r;
  }
  for (let j = table.start(ref, k); j < table.end(ref, k); j++) refWeight[ids[j]] = 0;
  const [candNorm, refNorm] = [v.norms[cand * MAX_NGRAM + k - 1], v.norms[ref * MAX_NGRAM + k - 1]];
  return candNorm !== 0 && refNorm !== 0 ? dot / (candNorm * refNorm) : dot;
}

function imageScore(table: NgramTable, v: TfIdf, cand: number, refs: number[], scratch: Float64Array[], sigma: number): number {
  const sums = [0, 0, 0, 0];
  for (const ref of refs) {
    const delta = v.bigrams[cand] - v.bigrams[ref];
    const penalty = Math.pow(Math.E, -(delta * delta) / (2 * (sigma * sigma)));
    for (let k = 1; k <= MAX_NGRAM; k++) sums[k - 1] += clippedCosine(table, v, cand, ref, k, scratch[k - 1]) * penalty;
  }
  return (numpyMean(sums) / refs.length) * 10;
}

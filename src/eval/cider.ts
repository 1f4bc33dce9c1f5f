// CIDEr-D as pycocoevalcap's cider_scorer computes it. Each sentence becomes, per n-gram order
// (n = 1..4), a vector of tf * idf weights, idf = log(number of images) - log(max(1, df)), df =
// the number of images whose references contain the n-gram. The candidate is compared with
// each reference by a cosine in which candidate weights are clipped by the reference's
// (sum of min(c, r) * r), damped by a Gaussian penalty on the length difference (sigma 6; the
// "length" being the number of bigrams, as that code counts it), averaged over orders and
// references, and multiplied by 10. Sums run in the order the Python code runs them.
// ciderDRows scores many candidates on every image at once (for blind-caption.ts's constant captions).

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

/** How many candidates ciderDRows scores together (a block's scores: block x images doubles). */
const ROW_BLOCK = 256;
const ORDERS: number = MAX_NGRAM;

/**
 * CIDEr-D of every candidate on every image, as ciderD would score candidate c on image i were it
 * image i's candidate: the same vectors (document frequencies from all references given), the same
 * arithmetic in the same order, so equal to the last bit. `visit(c, row)` receives, in candidate
 * order, row[i] = that score on image i (a view that is reused: copy what you keep). Candidates
 * are scored in blocks, each reference's weights scattered once per block rather than once per
 * candidate; memory stays ROW_BLOCK x images. `scratch` (table.denseArrays()) is left zeroed.
 */
export function ciderDRows(
  table: NgramTable,
  candidates: readonly number[],
  references: number[][],
  scratch: Float64Array[],
  visit: (candidate: number, row: Float64Array) => void,
  sigma = CIDER_SIGMA,
): void {
  const v = flatVectors(table, tfIdf(table, logDocumentFrequency(table, references, scratch), Math.log(Math.max(1, references.length))), sigma);
  const images = references.length;
  const scores = new Float64Array(Math.min(ROW_BLOCK, candidates.length) * images);
  const sums = new Float64Array(Math.min(ROW_BLOCK, candidates.length) * ORDERS);
  for (let first = 0; first < candidates.length; first += ROW_BLOCK) {
    const block = Int32Array.from(candidates.slice(first, first + ROW_BLOCK));
    references.forEach((refs, image) => {
      sums.fill(0);
      for (const ref of refs) addReference(v, scratch, block, ref, sums);
      for (let c = 0; c < block.length; c++) {
        let sum = 0; // numpyMean of the 4 order sums: below 8 values, a plain loop
        for (let k = 0; k < ORDERS; k++) sum += sums[c * ORDERS + k];
        scores[c * images + image] = (sum / ORDERS / refs.length) * 10;
      }
    });
    for (let c = 0; c < block.length; c++) visit(first + c, scores.subarray(c * images, (c + 1) * images));
  }
}

/** TfIdf plus the table's n-gram ranges and the length penalty by bigram-count difference, as plain typed arrays. */
interface FlatVectors extends TfIdf {
  ids: Int32Array;
  bounds: Int32Array; // sentence s, order k (0-based): entries bounds[s*5 + k] <= j < bounds[s*5 + k + 1]
  penalties: Float64Array; // by delta + maxBigrams
  maxBigrams: number;
}

function flatVectors(table: NgramTable, v: TfIdf, sigma: number): FlatVectors {
  const bounds = new Int32Array(table.sentences * (ORDERS + 1));
  for (let s = 0; s < table.sentences; s++) for (let k = 0; k <= ORDERS; k++) bounds[s * (ORDERS + 1) + k] = k === 0 ? table.start(s, 1) : table.end(s, k);
  const maxBigrams = v.bigrams.reduce((m, b) => Math.max(m, b), 0);
  const penalties = Float64Array.from({ length: 2 * maxBigrams + 1 }, (_, i) => {
    const delta = i - maxBigrams;
    return Math.pow(Math.E, -(delta * delta) / (2 * (sigma * sigma))); // as imageScore computes it
  });
  return { ...v, ids: table.ids, bounds, penalties, maxBigrams };
}

/**
 * imageScore's inner step for a block of candidates and one reference: sums[c*4 + k] += the
 * clipped cosine at order k+1 times the length penalty. The reference's weights are scattered into
 * `scratch` once for the whole block (and cleared after). Reads locals only in its loops: under
 * tsx an imported binding (MAX_NGRAM) is a getter call per access.
 */
function addReference(v: FlatVectors, scratch: Float64Array[], block: Int32Array, ref: number, sums: Float64Array): void {
  const { ids, weights, norms, bigrams, bounds, penalties, maxBigrams } = v;
  const orders = ORDERS;
  const stride = orders + 1;
  for (let k = 0; k < orders; k++) {
    const w = scratch[k];
    for (let j = bounds[ref * stride + k]; j < bounds[ref * stride + k + 1]; j++) w[ids[j]] = weights[j];
  }
  for (let c = 0; c < block.length; c++) {
    const cand = block[c];
    const penalty = penalties[bigrams[cand] - bigrams[ref] + maxBigrams];
    for (let k = 0; k < orders; k++) {
      const w = scratch[k];
      let dot = 0; // as clippedCosine
      for (let j = bounds[cand * stride + k]; j < bounds[cand * stride + k + 1]; j++) {
        const r = w[ids[j]];
        dot += Math.min(weights[j], r) * r;
      }
      const candNorm = norms[cand * orders + k];
      const refNorm = norms[ref * orders + k];
      sums[c * orders + k] += (candNorm !== 0 && refNorm !== 0 ? dot / (candNorm * refNorm) : dot) * penalty;
    }
  }
  for (let k = 0; k < orders; k++) {
    const w = scratch[k];
    for (let j = bounds[ref * stride + k]; j < bounds[ref * stride + k + 1]; j++) w[ids[j]] = 0;
  }
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

// CIDEr-D as pycocoevalcap's cider_scorer computes it. Each sentence becomes, per n-gram order
// (n = 1..4), a vector of tf * idf weights, idf = log(number of images) - log(max(1, df)), df =
// the number of images whose references contain the n-gram. The candidate is compared with
// each reference by a cosine in which candidate weights are clipped by the reference's
// (sum of min(c, r) * r), damped by a Gaussian penalty on the length difference (sigma 6; the
// "length" being the number of bigrams, as that code counts it), averaged over orders and
// references, and multiplied by 10. Sums run in the order the Python code runs them.

import { numpyMean } from './pysemantics.ts';
import { MAX_NGRAM, type NgramCounts } from './ngrams.ts';

export const CIDER_SIGMA = 6;

interface TfIdfVector {
  ids: number[][]; // per order, first-occurrence order
  weights: number[][]; // per order: tf * idf, aligned with ids
  norms: number[];
  length: number; // bigram count
}

export interface CiderResult {
  score: number; // np.mean over images
  perImage: number[];
}

/**
 * CIDEr-D of candidates[i] against references[i]; document frequencies come from all references
 * given. `scratch`: one zeroed array per order indexed by n-gram id (NgramVocabulary.denseArrays),
 * left zeroed.
 */
export function ciderD(candidates: NgramCounts[], references: NgramCounts[][], scratch: Float64Array[], sigma = CIDER_SIGMA): CiderResult {
  const logDf = logDocumentFrequency(references, scratch);
  const logImages = Math.log(Math.max(1, references.length));
  const toVector = (counts: NgramCounts) => tfIdf(counts, logDf, logImages);
  const perImage = candidates.map((candidate, i) => imageScore(toVector(candidate), references[i].map(toVector), scratch, sigma));
  return { score: numpyMean(perImage), perImage };
}

/** Per order and n-gram id: log(max(1, number of images in which some reference contains it)). */
function logDocumentFrequency(references: NgramCounts[][], scratch: Float64Array[]): Float64Array[] {
  return scratch.map((lastImage, k) => {
    const df = new Float64Array(lastImage.length);
    references.forEach((refs, image) => {
      for (const ref of refs) {
        for (const id of ref.orders[k].ids) {
          if (lastImage[id] === image + 1) continue;
          lastImage[id] = image + 1;
          df[id] += 1;
        }
      }
    });
    lastImage.fill(0);
    return df.map((d) => Math.log(Math.max(1, d)));
  });
}

function tfIdf(counts: NgramCounts, logDf: Float64Array[], logImages: number): TfIdfVector {
  const weights: number[][] = [];
  const norms: number[] = [];
  for (let k = 0; k < MAX_NGRAM; k++) {
    const { ids, counts: tf } = counts.orders[k];
    const w: number[] = [];
    let squares = 0;
    for (let j = 0; j < ids.length; j++) {
      w.push(tf[j] * (logImages - logDf[k][ids[j]]));
      squares += w[j] * w[j];
    }
    weights.push(w);
    norms.push(Math.sqrt(squares));
  }
  let bigrams = 0;
  for (const tf of counts.orders[1].counts) bigrams += tf;
  return { ids: counts.orders.map((o) => o.ids), weights, norms, length: bigrams };
}

/** Per-order clipped cosine similarities, each damped by the Gaussian length penalty. */
function similarity(cand: TfIdfVector, ref: TfIdfVector, scratch: Float64Array[], sigma: number): number[] {
  const delta = cand.length - ref.length;
  const penalty = Math.pow(Math.E, -(delta * delta) / (2 * (sigma * sigma)));
  const values: number[] = [];
  for (let k = 0; k < MAX_NGRAM; k++) {
    const refWeight = scratch[k];
    const [refIds, refWeights, candIds, candWeights] = [ref.ids[k], ref.weights[k], cand.ids[k], cand.weights[k]];
    for (let j = 0; j < refIds.length; j++) refWeight[refIds[j]] = refWeights[j];
    let dot = 0;
    for (let j = 0; j < candIds.length; j++) {
      const r = refWeight[candIds[j]]; // 0 when absent: adds nothing, as min(c, 0) * 0 adds nothing
      dot += Math.min(candWeights[j], r) * r;
    }
    for (const id of refIds) refWeight[id] = 0;
    if (cand.norms[k] !== 0 && ref.norms[k] !== 0) dot /= cand.norms[k] * ref.norms[k];
    values.push(dot * penalty);
  }
  return values;
}

function imageScore(cand: TfIdfVector, refs: TfIdfVector[], scratch: Float64Array[], sigma: number): number {
  const sums = new Array<number>(MAX_NGRAM).fill(0);
  for (const ref of refs) {
    const sim = similarity(cand, ref, scratch, sigma);
    for (let k = 0; k < MAX_NGRAM; k++) sums[k] += sim[k];
  }
  return (numpyMean(sums) / refs.length) * 10;
}

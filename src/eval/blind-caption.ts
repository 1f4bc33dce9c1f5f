// The CIDEr of captioning without looking: what a model's CIDEr has to beat before its captions
// show any use of the image. The caption counterpart of vqa/blind-prior.ts.
import type { ImageId, ScoreOptions } from './caption-metrics.ts';
import { ciderDRows } from './cider.ts';
import { NgramTable } from './ngrams.ts';
import { numpyMean } from './pysemantics.ts';
import { ptbTokenize } from './ptb/tokenize.ts';

export interface BlindCaption {
  caption: string; // the chosen constant caption, as the reference reads ("" when there is nothing to choose from)
  imageId: ImageId | null; // the image whose reference it is (null with fewer than two images)
  CIDEr: number; // its mean CIDEr-D over the other images: blind_CIDEr
  images: number; // images of the set
  candidates: number; // distinct tokenized references scored
}

/**
 * The best one-caption-for-every-image strategy on a set of captioned images. The candidates are
 * the set's reference captions; each is scored as a constant prediction with the CIDEr-D that
 * scoreCaptions computes (PTB tokenization, document frequencies and log(#images) from all the
 * set's references), and a candidate taken from image j's references is scored by its mean over
 * the images *other* than j (leave-one-out: np.mean of those images' per-image CIDEr-D), so that it
 * gets no credit for matching its own image. The winner has the highest such mean; on a tie, the
 * reference first in set order (images in the map's order, then each image's references).
 *
 * References with the same tokenized text share one row of per-image scores (ciderDRows: n-gram
 * vectors built once, each reference's weights scattered once per block of candidates), so the
 * cost is (distinct references) x (references) sparse dot products, plus one O(images) mean per
 * reference. A set of fewer than two images has no other image to score on: caption "", 0.
 */
export function blindCaption(references: ReadonlyMap<ImageId, readonly string[]>, options: ScoreOptions = {}): BlindCaption {
  const ids = [...references.keys()];
  const raw = ids.map((id) => references.get(id)!);
  const empty = raw.filter((rs) => rs.length === 0).length;
  if (empty > 0) throw new Error(`blindCaption: every image needs >= 1 reference (${empty} with an empty reference list)`);
  const none: BlindCaption = { caption: '', imageId: null, CIDEr: 0, images: ids.length, candidates: 0 };
  if (ids.length < 2) return none;
  const tokens = tokenized(raw, options.tokenize ?? true);

  const table = new NgramTable();
  const rows = tokens.map((rs) => rs.map((r) => table.add(r)));
  const byText = new Map<string, number>(); // tokenized text -> candidate index
  const sentences: number[] = []; // per candidate: a sentence of the table with its text
  const occurrences: { image: number; ref: number; order: number }[][] = []; // per candidate, in set order
  let order = 0;
  tokens.forEach((rs, image) =>
    rs.forEach((text, ref) => {
      let c = byText.get(text);
      if (c === undefined) {
        byText.set(text, (c = sentences.length));
        sentences.push(rows[image][ref]);
        occurrences.push([]);
      }
      occurrences[c].push({ image, ref, order: order++ });
    }),
  );

  let best: { candidate: number; image: number; ref: number; order: number; score: number } | undefined;
  const others = new Float64Array(ids.length - 1);
  ciderDRows(table, sentences, rows, table.denseArrays(), (candidate, row) => {
    for (const o of occurrences[candidate]) {
      others.set(row.subarray(0, o.image));
      others.set(row.subarray(o.image + 1), o.image);
      const score = numpyMean(others);
      if (best === undefined || score > best.score || (score === best.score && o.order < best.order)) best = { candidate, ...o, score };
    }
  });
  const b = best!;
  return { caption: raw[b.image][b.ref], imageId: ids[b.image], CIDEr: b.score, images: ids.length, candidates: sentences.length };
}

/** The references as CIDEr-D reads them: PTB-tokenized in one batch, as scoreCaptions does. */
function tokenized(raw: (readonly string[])[], tokenize: boolean): string[][] {
  if (!tokenize) return raw.map((rs) => [...rs]);
  const flat = ptbTokenize(raw.flat());
  let next = 0;
  return raw.map((rs) => rs.map(() => flat[next++]));
}

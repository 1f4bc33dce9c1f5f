// Caption scores as pycocoevalcap's COCOEvalCap reports them (Bleu_1..Bleu_4, ROUGE_L, CIDEr,
// as fractions), computed in-process: PTB tokenization of references and candidates, then
// each scorer over the images in the order the references are given.

import { bleuStats, corpusBleu } from './bleu.ts';
import { ciderD } from './cider.ts';
import { NgramTable } from './ngrams.ts';
import { numpyMean } from './pysemantics.ts';
import { ptbTokenize } from './ptb/tokenize.ts';
import { rougeL } from './rouge.ts';

export type ImageId = number | string;

export const CAPTION_METRICS = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr'] as const;
export type CaptionMetric = (typeof CAPTION_METRICS)[number];
export type CaptionScores = Record<CaptionMetric, number>;

export interface CaptionEvaluation extends CaptionScores {
  /**
   * Per image: ROUGE_L and CIDEr as pycocoevalcap's imgToEval holds them; Bleu_n is the corpus
   * formula applied to that image alone (pycocoevalcap's per-image BLEU lists are misaligned).
   */
  perImage: Map<ImageId, CaptionScores>;
}

export interface ScoreOptions {
  /** Run the PTB tokenization step (default). Off: captions are taken as already tokenized. */
  tokenize?: boolean;
}

/** Score one candidate caption per image against that image's reference captions. */
export function scoreCaptions(
  references: ReadonlyMap<ImageId, readonly string[]>,
  candidates: ReadonlyMap<ImageId, string>,
  options: ScoreOptions = {},
): CaptionEvaluation {
  const ids = [...references.keys()];
  checkPairing(ids, references, candidates);
  const { refs, cands } = prepare(ids, references, candidates, options.tokenize ?? true);
  const table = new NgramTable();
  const refRows = refs.map((rs) => rs.map((r) => table.add(r)));
  const candRows = cands.map((c) => table.add(c));
  const scratch = table.denseArrays();
  const bleu = bleuStats(table, candRows, refRows, scratch);
  const rouge = cands.map((c, i) => rougeL(c, refs[i]));
  const cider = ciderD(table, candRows, refRows, scratch);
  const perImage = new Map<ImageId, CaptionScores>(
    ids.map((id, i) => [id, { ...bleuRecord(corpusBleu([bleu[i]])), ROUGE_L: rouge[i], CIDEr: cider.perImage[i] }]),
  );
  return { ...bleuRecord(corpusBleu(bleu)), ROUGE_L: numpyMean(rouge), CIDEr: cider.score, perImage };
}

function bleuRecord(scores: number[]): Pick<CaptionScores, 'Bleu_1' | 'Bleu_2' | 'Bleu_3' | 'Bleu_4'> {
  return { Bleu_1: scores[0], Bleu_2: scores[1], Bleu_3: scores[2], Bleu_4: scores[3] };
}

function checkPairing(ids: ImageId[], references: ReadonlyMap<ImageId, readonly string[]>, candidates: ReadonlyMap<ImageId, string>): void {
  if (ids.length === 0) throw new Error('scoreCaptions: no images to score');
  const missing = ids.filter((id) => !candidates.has(id));
  const extra = [...candidates.keys()].filter((id) => !references.has(id));
  const empty = ids.filter((id) => references.get(id)!.length === 0);
  if (missing.length + extra.length + empty.length > 0) {
    throw new Error(
      `scoreCaptions: candidates and references must cover the same images, each with >= 1 reference ` +
        `(${missing.length} without a candidate, ${extra.length} without references, ${empty.length} with an empty reference list)`,
    );
  }
}

function prepare(
  ids: ImageId[],
  references: ReadonlyMap<ImageId, readonly string[]>,
  candidates: ReadonlyMap<ImageId, string>,
  tokenize: boolean,
): { refs: string[][]; cands: string[] } {
  const rawRefs = ids.map((id) => references.get(id)!);
  const rawCands = ids.map((id) => candidates.get(id)!);
  if (!tokenize) return { refs: rawRefs.map((rs) => [...rs]), cands: rawCands };
  const flat = ptbTokenize(rawRefs.flat());
  let next = 0;
  const refs = rawRefs.map((rs) => rs.map(() => flat[next++]));
  return { refs, cands: ptbTokenize(rawCands) };
}

// Measurement (a), the oracle prefix: can the frozen LLM use a prefix at all? In place of the
// visual tokens it is given its own token embeddings of reference caption 2 of the example (the
// best prefix an adapter could hope to produce: the answer, in the LLM's own input space), then
// scored on reference 1 with the alignment stages' caption loss, and asked to caption greedily
// (CIDEr against references 1, 3, 4, 5). Beside it: an empty prefix (no visual tokens, the LLM's
// image-blind prior) and a mismatched oracle (reference 2 of the next example, rolled by one).
import { scoreCaptions } from '../eval/caption-metrics.ts';
import type { PrefixDecoder } from '../models/vlm.ts';
import type { CaptionRow } from './examples.ts';
import { disposeBatch, emptyPrefix, generateAfter, prefixIds, prefixLoss, tokenPrefix } from './prefix-model.ts';
import { captionText, promptText, type PromptEncoding } from '../stages/training/model-batches.ts';

/** Reference 1 is scored, reference 2 is the oracle prefix (indices into an example's captions). */
export const TARGET_REFERENCE = 0;
export const PREFIX_REFERENCE = 1;

/** Margins the readings call wide and narrow: how far below the baseline loss, as a fraction of it. */
export const WIDE_MARGIN = 0.2;
export const NARROW_MARGIN = 0.05;

/** How far `loss` is below `baseline`, as a fraction of the baseline. */
export function relativeMargin(loss: number, baseline: number): number {
  return (baseline - loss) / baseline;
}

export const PREFIX_CONDITIONS = ['oracle', 'empty', 'mismatched'] as const;
export type PrefixCondition = (typeof PREFIX_CONDITIONS)[number];

export interface ConditionResult {
  prefixTokens: number; // mean prefix length
  loss: number; // mean over examples of the caption loss on reference 1
  losses: number[]; // per example
  cider?: number; // CIDEr-D of the greedy captions against the references but the prefix's (absent without generation)
  captions?: string[]; // the greedy captions, per example
}

export interface OracleResult {
  examples: number;
  conditions: Record<PrefixCondition, ConditionResult>;
  reading: string;
}

export interface OracleOptions {
  generate?: { maxTokens: number } | false; // greedy generation and CIDEr (default 24 tokens); false: losses only
  onExample?(done: number, total: number): void;
}

/** The prefix ids of each condition for example i of `rows`. */
export function conditionPrefixIds(enc: PromptEncoding, rows: CaptionRow[], i: number): Record<PrefixCondition, number[]> {
  return {
    oracle: prefixIds(enc, rows[i].captions[PREFIX_REFERENCE]),
    empty: [],
    mismatched: prefixIds(enc, rows[(i + 1) % rows.length].captions[PREFIX_REFERENCE]),
  };
}

export async function oracleDiagnosis(dec: PrefixDecoder, enc: PromptEncoding, rows: CaptionRow[], o: OracleOptions = {}): Promise<OracleResult> {
  const generate = o.generate === false ? null : (o.generate ?? { maxTokens: 24 });
  const losses: Record<PrefixCondition, number[]> = { oracle: [], empty: [], mismatched: [] };
  const lengths: Record<PrefixCondition, number[]> = { oracle: [], empty: [], mismatched: [] };
  const captions: Record<PrefixCondition, string[]> = { oracle: [], empty: [], mismatched: [] };
  const prompt = promptText(enc);
  for (const [i, row] of rows.entries()) {
    const target = captionText(enc, [row.captions[TARGET_REFERENCE]]);
    for (const [condition, ids] of Object.entries(conditionPrefixIds(enc, rows, i)) as [PrefixCondition, number[]][]) {
      const prefix = ids.length > 0 ? tokenPrefix(dec, ids) : emptyPrefix(dec);
      losses[condition].push(await prefixLoss(dec, prefix, target));
      lengths[condition].push(ids.length);
      if (generate) {
        const [generated] = await generateAfter(dec, prefix, prompt, { maxTokens: generate.maxTokens, stopIds: [enc.tokenizer.eosId] });
        captions[condition].push(enc.tokenizer.decode(generated).trim());
      }
      prefix.dispose();
    }
    disposeBatch(target);
    o.onExample?.(i + 1, rows.length);
  }
  disposeBatch(prompt);
  const references = new Map(rows.map((r, i) => [i, r.captions.filter((_, j) => j !== PREFIX_REFERENCE)]));
  const conditions = Object.fromEntries(PREFIX_CONDITIONS.map((c) => {
    const result: ConditionResult = { prefixTokens: mean(lengths[c]), loss: mean(losses[c]), losses: losses[c] };
    if (generate) {
      result.cider = scoreCaptions(references, new Map(captions[c].map((text, i) => [i, text]))).CIDEr;
      result.captions = captions[c];
    }
    return [c, result];
  })) as Record<PrefixCondition, ConditionResult>;
  return { examples: rows.length, conditions, reading: readOracle(conditions) };
}

export function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

const f = (x: number) => x.toFixed(3);
/** A relative margin in words: "28% below", "8% above". */
export const belowOrAbove = (margin: number) => `${Math.abs(100 * margin).toFixed(0)}% ${margin >= 0 ? 'below' : 'above'}`;

/** One line: does the oracle beat the empty and mismatched prefixes by a wide margin? */
export function readOracle(c: Record<PrefixCondition, ConditionResult>): string {
  const baseline = Math.min(c.empty.loss, c.mismatched.loss);
  const margin = relativeMargin(c.oracle.loss, baseline);
  const cider = c.oracle.cider === undefined ? '' : `; CIDEr ${f(c.oracle.cider)} vs ${f(c.empty.cider!)} empty, ${f(c.mismatched.cider!)} mismatched`;
  const losses = `oracle loss ${f(c.oracle.loss)} vs ${f(c.empty.loss)} empty, ${f(c.mismatched.loss)} mismatched (${belowOrAbove(margin)} the better of them${cider})`;
  const wrong = relativeMargin(c.empty.loss, c.mismatched.loss) > NARROW_MARGIN ? '; a wrong caption as prefix is worse than none, so it copies what it reads' : '';
  if (margin >= WIDE_MARGIN) return `the frozen LLM can use a prefix: ${losses}${wrong}`;
  if (margin >= NARROW_MARGIN) return `the frozen LLM uses a prefix only weakly: ${losses}${wrong}`;
  return `the frozen LLM ignores its prefix: even the answer as prefix does not help (${losses}); no adapter can steer it, retrain the LLM to read its context`;
}

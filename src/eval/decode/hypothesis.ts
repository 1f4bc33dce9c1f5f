// A generated sequence and the options both decoders share. A generation ends at a stop: one token
// (`stopIds`, e.g. <eos>) or a sequence of tokens (`stopSequences`, e.g. an answer stop word that the
// tokenizer splits in two); the stop is left out of the hypothesis's ids.

export interface Hypothesis {
  ids: number[]; // generated tokens, the stop left out
  logProb: number; // sum of the log-probabilities of every generated token, the stop's included
  stopped: boolean; // ended with a stop (false: cut at maxTokens)
  stopLength?: number; // tokens the stop took, when more than one
}

export interface StopOptions {
  maxTokens: number; // tokens generated at most, a stop's included
  stopIds: number[]; // e.g. [<eos>]
  stopSequences?: number[][]; // each ends a generation when the last tokens generated are it
}

/** Tokens a hypothesis generated, its stop included. */
export function generatedLength(h: Hypothesis): number {
  return h.ids.length + (h.stopped ? (h.stopLength ?? 1) : 0);
}

export function checkStopOptions(o: StopOptions): void {
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) throw new RangeError(`maxTokens must be a positive integer, got ${o.maxTokens}`);
  if (o.stopSequences?.some((s) => s.length === 0)) throw new RangeError('a stop sequence needs at least one token');
}

/** Every stop as a token sequence, and how many distinct tokens can end one (for candidate counts). */
export function stopsOf(o: StopOptions): { sequences: number[][]; lastTokens: number } {
  const sequences = [...o.stopIds.map((id) => [id]), ...(o.stopSequences ?? [])];
  return { sequences, lastTokens: new Set(sequences.map((s) => s.at(-1))).size };
}

/** The length of the stop that `token` completes after `ids` (0: none). */
export function completedStop(ids: readonly number[], token: number, sequences: number[][]): number {
  for (const s of sequences) {
    if (s.at(-1) !== token || s.length - 1 > ids.length) continue;
    if (s.slice(0, -1).every((t, i) => ids[ids.length - (s.length - 1) + i] === t)) return s.length;
  }
  return 0;
}

/** The hypothesis that `token` ends with a stop of `length` tokens after `ids`. */
export function stoppedAt(ids: readonly number[], length: number, logProb: number): Hypothesis {
  return { ids: ids.slice(0, ids.length - (length - 1)), logProb, stopped: true, ...(length > 1 ? { stopLength: length } : {}) };
}

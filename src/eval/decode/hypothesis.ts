// A generated sequence and the options both decoders share.

export interface Hypothesis {
  ids: number[]; // generated tokens, the stop token left out
  logProb: number; // sum of the log-probabilities of every generated token, the stop token included
  stopped: boolean; // ended with a stop token (false: cut at maxTokens)
}

export interface StopOptions {
  maxTokens: number; // tokens generated at most, a stop token included
  stopIds: number[]; // e.g. [<eos>]
}

/** Tokens a hypothesis generated, its stop token included. */
export function generatedLength(h: Hypothesis): number {
  return h.ids.length + (h.stopped ? 1 : 0);
}

export function checkStopOptions(o: StopOptions): void {
  if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) throw new RangeError(`maxTokens must be a positive integer, got ${o.maxTokens}`);
}

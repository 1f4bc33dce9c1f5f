// Beam search: k hypotheses an example, extended each step by the k best of their one-token
// continuations (scored by summed log-probability). A continuation ending in a stop token among
// the k best of the step is a finished hypothesis; finished ones are ranked by
// logProb / length^lengthPenalty (length counts the stop token; penalty 0 = raw log-probability).
// An example is done when k hypotheses have finished and no live beam can beat the k-th of them
// even at maxTokens, or when maxTokens is reached (live beams then finish as they are). Beams are
// reordered, and done examples dropped, by gathering rows of the KV cache.
import * as tf from '@tensorflow/tfjs-core';
import { checkStopOptions, completedStop, generatedLength, stoppedAt, stopsOf, type Hypothesis, type StopOptions } from './hypothesis.ts';
import { advance, release, selectRows, type StepModel } from './step-model.ts';

export interface BeamOptions extends StopOptions {
  beams: number; // k
  lengthPenalty: number; // alpha >= 0
}

interface Beam {
  ids: number[];
  logProb: number; // -Infinity: an empty slot
  source: number; // the state row it continues
}

interface Search {
  alive: Beam[]; // k beams, best first
  finished: Hypothesis[];
  done: boolean;
}

interface Candidates {
  values: Float32Array; // [examples, m]: summed log-probabilities, best first
  indices: Int32Array; // [examples, m]: beam * vocab + token
  m: number;
  vocab: number;
}

/** The m best continuations of each example's k beams; `logits` [examples * k, vocab] is disposed. */
async function topCandidates(logits: tf.Tensor, beamScores: number[], k: number, m: number): Promise<Candidates> {
  const vocab = logits.shape[1]!;
  const top = tf.tidy(() => {
    const total = tf.add(tf.logSoftmax(logits), tf.tensor2d(beamScores, [beamScores.length, 1])); // [E*k, vocab]
    return tf.topk(tf.reshape(total, [-1, k * vocab]), Math.min(m, k * vocab)); // [E, m]
  });
  logits.dispose();
  const out = { values: (await top.values.data()) as Float32Array, indices: (await top.indices.data()) as Int32Array, m: top.values.shape[1]!, vocab };
  tf.dispose([top.values, top.indices]);
  return out;
}

function normalized(h: Hypothesis, alpha: number): number {
  return alpha === 0 ? h.logProb : h.logProb / generatedLength(h) ** alpha;
}

/** Example `e` (the e-th active one, whose beams are state rows e*k..e*k+k-1): its next beams. */
function extend(s: Search, e: number, c: Candidates, k: number, stops: number[][]): void {
  const next: Beam[] = [];
  for (let rank = 0; rank < c.m && next.length < k; rank++) {
    const logProb = c.values[e * c.m + rank];
    if (logProb === -Infinity) break;
    const index = c.indices[e * c.m + rank];
    const beam = s.alive[Math.floor(index / c.vocab)];
    const token = index % c.vocab;
    const stop = completedStop(beam.ids, token, stops);
    if (stop === 0) next.push({ ids: [...beam.ids, token], logProb, source: e * k + Math.floor(index / c.vocab) });
    else if (rank < k) s.finished.push(stoppedAt(beam.ids, stop, logProb));
  }
  while (next.length < k) next.push({ ids: [], logProb: -Infinity, source: e * k });
  s.alive = next;
}

function isDone(s: Search, k: number, o: BeamOptions): boolean {
  if (s.alive[0].logProb === -Infinity) return true;
  if (s.finished.length < k) return false;
  const kth = s.finished.map((h) => normalized(h, o.lengthPenalty)).sort((a, b) => b - a)[k - 1];
  const bound = s.alive[0].logProb / (o.lengthPenalty === 0 ? 1 : o.maxTokens ** o.lengthPenalty); // the best any live beam can still reach
  return bound <= kth;
}

function finishAtLimit(s: Search): void {
  for (const b of s.alive) if (b.logProb > -Infinity) s.finished.push({ ids: b.ids, logProb: b.logProb, stopped: false });
}

function best(s: Search, alpha: number): Hypothesis {
  return s.finished.reduce((a, b) => (normalized(b, alpha) > normalized(a, alpha) ? b : a));
}

export async function beamSearch<S>(model: StepModel<S>, o: BeamOptions): Promise<Hypothesis[]> {
  checkStopOptions(o);
  if (!Number.isInteger(o.beams) || o.beams < 1) throw new RangeError(`beams must be a positive integer, got ${o.beams}`);
  if (!(o.lengthPenalty >= 0)) throw new RangeError(`lengthPenalty must be >= 0, got ${o.lengthPenalty}`);
  const k = o.beams;
  const stops = stopsOf(o);
  const first = model.start();
  const examples = first.logits.shape[0];
  const copies = Array.from({ length: examples * k }, (_, r) => Math.floor(r / k)); // each example's row, k times
  const searches: Search[] = Array.from({ length: examples }, (_, e) => ({
    alive: Array.from({ length: k }, (_, j) => ({ ids: [], logProb: j === 0 ? 0 : -Infinity, source: e * k + j })), // one live beam at first
    finished: [],
    done: false,
  }));
  let logits = selectRows(first.logits, copies); // [examples * k, vocab]
  let state = selectRows(first.state, copies);
  for (let t = 1; ; t++) {
    const active = searches.filter((s) => !s.done);
    const c = await topCandidates(logits, active.flatMap((s) => s.alive.map((b) => b.logProb)), k, k * (stops.lastTokens + 1));
    active.forEach((s, e) => {
      extend(s, e, c, k, stops.sequences);
      if (t === o.maxTokens) finishAtLimit(s);
      s.done = t === o.maxTokens || isDone(s, k, o);
    });
    const going = active.filter((s) => !s.done).flatMap((s) => s.alive);
    if (going.length === 0) break;
    state = selectRows(state, going.map((b) => b.source));
    ({ logits, state } = advance(model, going.map((b) => b.ids.at(-1) ?? 0), state));
  }
  release(state);
  return searches.map((s) => best(s, o.lengthPenalty));
}

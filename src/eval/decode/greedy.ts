// Greedy decoding (the paper's): the most likely next token for every example, until a stop (a
// token or a sequence of them) or maxTokens. Examples that stop leave the batch (their rows are dropped from the KV cache), so
// the last steps only run the examples still generating.
import * as tf from '@tensorflow/tfjs-core';
import { checkStopOptions, completedStop, stoppedAt, stopsOf, type Hypothesis, type StopOptions } from './hypothesis.ts';
import { advance, release, selectRows, type Step, type StepModel } from './step-model.ts';

/** The arg-max token of each row and its log-probability; `logits` [rows, vocab] is disposed. */
async function pick(logits: tf.Tensor): Promise<{ tokens: Int32Array; logProbs: Float32Array }> {
  const [best, value] = tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits); // [rows, vocab]
    return [tf.argMax(logProbs, 1), tf.max(logProbs, 1)]; // [rows], [rows]
  });
  logits.dispose();
  const out = { tokens: (await best.data()) as Int32Array, logProbs: (await value.data()) as Float32Array }; // async: GPU backends have no sync readback in Node
  tf.dispose([best, value]);
  return out;
}

export async function greedyDecode<S>(model: StepModel<S>, o: StopOptions): Promise<Hypothesis[]> {
  checkStopOptions(o);
  const { sequences } = stopsOf(o);
  let step: Step<S> = model.start();
  const hyps: Hypothesis[] = Array.from({ length: step.logits.shape[0] }, () => ({ ids: [], logProb: 0, stopped: false }));
  let rows = hyps.map((_, i) => i); // state row -> example
  for (let t = 1; ; t++) {
    const { tokens, logProbs } = await pick(step.logits);
    rows.forEach((example, r) => {
      const h = hyps[example];
      const stop = completedStop(h.ids, tokens[r], sequences);
      if (stop > 0) hyps[example] = stoppedAt(h.ids, stop, h.logProb + logProbs[r]);
      else {
        h.logProb += logProbs[r];
        h.ids.push(tokens[r]);
      }
    });
    const going = rows.map((_, r) => r).filter((r) => !hyps[rows[r]].stopped);
    if (going.length === 0 || t === o.maxTokens) {
      release(step.state);
      return hyps;
    }
    const state = going.length < rows.length ? selectRows(step.state, going) : step.state;
    rows = going.map((r) => rows[r]);
    step = advance(model, going.map((r) => tokens[r]), state);
  }
}

// What the decoders (greedy, beam) need of a model: the logits of the first token after the
// prompt, then the logits after feeding chosen tokens, with a state (a KV cache) carried between
// steps. Every tensor of a state has its batch rows on axis 0, so the decoders can drop finished
// rows and reorder beams by gathering rows. The decoders own the states they are handed: each is
// disposed once the step that consumed it has returned.
import * as tf from '@tensorflow/tfjs-core';
import type { AssemblyConfigs } from '../../models/assembly-config.ts';
import type { KvCache } from '../../models/lm.ts';
import type { Params } from '../../models/params.ts';
import { continueDecoding, startDecoding, type PromptBatch, type VlmConfigs } from '../../models/vlm.ts';

export interface Step<S> {
  logits: tf.Tensor; // [rows, vocab] for the next token
  state: S;
}

/** S: nested objects and arrays of tensors, each [rows, ...] (a KvCache). */
export interface StepModel<S> {
  /** Run the prompt: logits of the first token of each of the B examples. */
  start(): Step<S>;
  /** Feed ids [rows] int32 (one token a row of `state`; disposed after the call: clone it to keep it); the state is not disposed here. */
  next(ids: tf.Tensor, state: S): Step<S>;
}

function tensorsOf(s: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (s instanceof tf.Tensor) out.push(s);
  else if (typeof s === 'object' && s !== null) for (const v of Object.values(s)) tensorsOf(v, out);
  return out;
}

function mapTensors<S>(s: S, f: (t: tf.Tensor) => tf.Tensor): S {
  if (s instanceof tf.Tensor) return f(s) as S;
  if (Array.isArray(s)) return s.map((v: unknown) => mapTensors(v, f)) as S;
  if (typeof s !== 'object' || s === null) return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, mapTensors(v, f)])) as S;
}

/** Dispose the tensors of `old` that `kept` does not hold. */
export function release(old: unknown, kept: unknown = null): void {
  const keep = new Set(tensorsOf(kept));
  for (const t of tensorsOf(old)) if (!keep.has(t)) t.dispose();
}

/** The state of rows `rows` (in that order; a row may repeat); `state` is disposed. */
export function selectRows<S>(state: S, rows: number[]): S {
  const index = tf.tensor1d(rows, 'int32');
  const selected = mapTensors(state, (t) => tf.gather(t, index)); // each [rows.length, ...]
  index.dispose();
  release(state, selected);
  return selected;
}

/** Feed `ids` (one per row of `state`) and return the next step; `state` is disposed. */
export function advance<S>(model: StepModel<S>, ids: number[], state: S): Step<S> {
  const input = tf.tensor1d(ids, 'int32');
  const step = model.next(input, state);
  input.dispose();
  release(state, step.state);
  return step;
}

/** Run `f` and keep only the step it returns. */
function tidyStep<S>(f: () => Step<S>): Step<S> {
  return tf.tidy(() => f() as unknown as tf.TensorContainer) as unknown as Step<S>;
}

/** A VLM assembly's decoder as a step model: frames and prompt are encoded once, then the KV cache grows. */
export function vlmStepModel(params: Params, configs: VlmConfigs, batch: PromptBatch): StepModel<KvCache> {
  const wrap = (d: { logits: tf.Tensor; cache: KvCache }) => ({ logits: d.logits, state: d.cache });
  return {
    start: () => tidyStep(() => wrap(startDecoding(params, configs, batch))),
    next: (ids, cache) => tidyStep(() => wrap(continueDecoding(params, configs, ids, cache))),
  };
}

/** Whether an assembly generates text from frames (captioner, vadapter, perceiver). */
export function isVlmConfigs(configs: AssemblyConfigs): configs is VlmConfigs {
  return configs.kind === 'captioner' || configs.kind === 'vadapter' || configs.kind === 'perceiver';
}

// Measurement (c), the trained adapters: does the frozen LLM look at their visual tokens, and do
// the tokens look like something it reads? For each adapter, over the examples' frames: the
// attention mass the caption positions put on the visual tokens and on the prompt text (with the
// caption loss on reference 1 from the same pass), beside the same for the oracle prefix of (a);
// and the RMS norm of the visual tokens against that of the LLM's token embeddings (the oracle
// prefix's), plus how much the tokens vary from image to image (an adapter whose tokens are the
// same for every image can only yield one caption).
import * as tf from '@tensorflow/tfjs-core';
import type { FrameBatchShape } from '../data/batch.ts';
import type { Params } from '../models/params.ts';
import { prefixDecoderOf, visualTokens, type PrefixDecoder, type VlmConfigs } from '../models/vlm.ts';
import { attentionMass, meanMass, type AttentionMass } from './attention-mass.ts';
import type { CaptionRow } from './examples.ts';
import { mean, PREFIX_REFERENCE, TARGET_REFERENCE } from './oracle.ts';
import { disposeBatch, prefixIds, rmsNorm, tokenPrefix } from './prefix-model.ts';
import { captionText, type PromptEncoding } from '../stages/training/model-batches.ts';

/** A trained adapter stage, restored. */
export interface TrainedAdapter {
  stage: string;
  kind: string;
  step: number;
  params: Params;
  configs: VlmConfigs;
  encoding: PromptEncoding; // its own prompt and caption length
}

export interface FramesHost {
  frames: Float32Array; // [N, T, H, W, 3]
  shape: FrameBatchShape;
}

export interface AdapterResult {
  stage: string;
  kind: string;
  step: number;
  tokens: number; // V visual tokens per example
  mass: AttentionMass; // mean over examples
  loss: number; // caption loss on reference 1, mean over examples
  visualRms: number; // RMS norm of its visual tokens
  spread: number; // RMS norm of the tokens' deviation from their mean over images, relative to visualRms
  scale: number; // visualRms / the LLM's token-embedding RMS norm
  reading: string;
}

export interface OracleReference {
  tokens: number; // mean prefix length
  mass: AttentionMass;
  loss: number;
  embeddingRms: number; // RMS norm of the LLM's token embeddings of the oracle prefixes
}

export interface AdapterDiagnosis {
  oracle: OracleReference;
  adapters: AdapterResult[];
  reading: string;
}

/** Visual tokens of every example, [N, V, llm width], a few examples at a time. */
function allVisualTokens(a: TrainedAdapter, host: FramesHost, chunk = 8): tf.Tensor {
  const [n, ...rest] = host.shape;
  const per = rest.reduce((x, y) => x * y, 1);
  const parts: tf.Tensor[] = [];
  for (let i = 0; i < n; i += chunk) {
    const rows = Math.min(chunk, n - i);
    parts.push(tf.tidy(() => visualTokens(a.params, a.configs, tf.tensor(host.frames.subarray(i * per, (i + rows) * per), [rows, ...rest]))));
  }
  const out = tf.concat(parts, 0);
  tf.dispose(parts);
  return out;
}

async function massesAfter(dec: PrefixDecoder, enc: PromptEncoding, rows: CaptionRow[], prefixOf: (i: number) => tf.Tensor): Promise<{ mass: AttentionMass; loss: number }> {
  const masses: AttentionMass[] = [];
  const losses: number[] = [];
  for (const [i, row] of rows.entries()) {
    const batch = captionText(enc, [row.captions[TARGET_REFERENCE]]);
    const prefix = prefixOf(i);
    const r = await attentionMass(dec, prefix, batch);
    masses.push(r.mass);
    losses.push(r.loss);
    prefix.dispose();
    disposeBatch(batch);
  }
  return { mass: meanMass(masses), loss: mean(losses) };
}

/** The oracle prefix of (a) (reference 2 as the LLM's own embeddings) through the same measurement. */
export async function oracleReference(dec: PrefixDecoder, enc: PromptEncoding, rows: CaptionRow[]): Promise<OracleReference> {
  const ids = rows.map((r) => prefixIds(enc, r.captions[PREFIX_REFERENCE]));
  const { mass, loss } = await massesAfter(dec, enc, rows, (i) => tokenPrefix(dec, ids[i]));
  const all = tokenPrefix(dec, ids.flat());
  const embeddingRms = await rmsNorm(all);
  all.dispose();
  return { tokens: mean(ids.map((x) => x.length)), mass, loss, embeddingRms };
}

export async function adapterResult(a: TrainedAdapter, host: FramesHost, rows: CaptionRow[], oracle: OracleReference): Promise<AdapterResult> {
  const visual = allVisualTokens(a, host); // [N, V, width]
  const dec = prefixDecoderOf(a.params, a.configs);
  const [n, v, width] = visual.shape;
  const { mass, loss } = await massesAfter(dec, a.encoding, rows, (i) => tf.slice(visual, [i, 0, 0], [1, v!, width!]));
  const visualRms = await rmsNorm(visual);
  const deviation = tf.tidy(() => tf.sub(visual, tf.mean(visual, 0, true)));
  const spread = n! > 1 ? (await rmsNorm(deviation)) / visualRms : NaN;
  tf.dispose([visual, deviation]);
  const base = { stage: a.stage, kind: a.kind, step: a.step, tokens: v!, mass, loss, visualRms, spread, scale: visualRms / oracle.embeddingRms };
  return { ...base, reading: readAdapter(base, oracle) };
}

/** (c) for each adapter, given the examples' frames at its ViT's image size. */
export async function adapterDiagnosis(dec: PrefixDecoder, enc: PromptEncoding, rows: CaptionRow[], adapters: { adapter: TrainedAdapter; frames: FramesHost }[]): Promise<AdapterDiagnosis> {
  const oracle = await oracleReference(dec, enc, rows);
  const results: AdapterResult[] = [];
  for (const a of adapters) results.push(await adapterResult(a.adapter, a.frames, rows, oracle));
  return { oracle, adapters: results, reading: results.length === 0 ? 'no trained adapter stage to inspect' : results.map((r) => r.reading).join('; ') };
}

/** Below this share of the oracle's visual mass the LLM is said not to look at the tokens. */
export const LOOKS_AWAY = 0.5;
/** Tokens off the embedding norm by more than this factor (either way) are said to be off scale. */
export const OFF_SCALE = 3;
/** Tokens varying less than this (relative) across images are said to be the same for every image. */
export const CONSTANT = 0.05;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** One clause per adapter: attention, scale and image dependence, with what looks wrong. */
export function readAdapter(r: Omit<AdapterResult, 'reading'>, oracle: OracleReference): string {
  const facts = `${pct(r.mass.visual)} of caption attention on its ${r.tokens} visual tokens (oracle prefix ${pct(oracle.mass.visual)}), norm ${r.scale.toFixed(2)}x the LLM's embeddings, ${pct(r.spread)} variation across images, loss ${r.loss.toFixed(3)} (oracle ${oracle.loss.toFixed(3)})`;
  const problems = [
    r.mass.visual < LOOKS_AWAY * oracle.mass.visual ? 'the LLM hardly looks at them' : '',
    r.scale > OFF_SCALE || r.scale < 1 / OFF_SCALE ? 'off the embedding scale' : '',
    r.spread < CONSTANT ? 'nearly the same tokens for every image' : '',
  ].filter((p) => p !== '');
  return `${r.stage}: ${facts}${problems.length > 0 ? ` -> ${problems.join(', ')}` : ' -> attended and scaled like a caption'}`;
}

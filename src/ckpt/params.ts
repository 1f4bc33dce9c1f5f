// Model parameters in and out of safetensors checkpoints. A checkpoint holds flat dotted names
// (`vit.blocks.0.attn.q.weight`) and, in its metadata, the resolved config of each component it
// holds (`vadapter.config`, ckpt/layout.ts), so that loading into a model of another shape fails
// naming both the tensor shapes and the config fields that differ.
import type * as tf from '@tensorflow/tfjs-core';
import { type Issue, UserError } from '../util/errors.ts';
import { canonicalJson } from '../util/hash.ts';
import { checkpointConfigs, configMetadata } from './layout.ts';
import { recordsFromTensors, tensorFromRecord } from './records.ts';
import { type SafetensorsContents, type TensorRecord, readSafetensors, writeSafetensors } from './safetensors.ts';

/** Save named tensors with their components' configs (and any other metadata), atomically. */
export async function saveParams(path: string, params: Map<string, tf.Tensor>, configs: Record<string, unknown>, metadata: Record<string, string> = {}): Promise<void> {
  writeSafetensors(path, await recordsFromTensors(params), { ...metadata, ...configMetadata(configs) });
}

/** Issues for names missing from `found`, names not expected, and shapes that differ (both named). */
export function tensorSetIssues(expected: Map<string, readonly number[]>, found: Record<string, { shape: number[] }>, source: string): Issue[] {
  const issues: Issue[] = [];
  const at = (name: string, code: string, message: string) => issues.push({ code, message, file: source, path: [name] });
  for (const [name, shape] of expected) {
    const t = found[name];
    if (t === undefined) at(name, 'checkpoint_missing_tensor', `missing from the checkpoint (the model expects shape [${shape.join(', ')}])`);
    else if (!sameShape(t.shape, shape)) at(name, 'checkpoint_shape_mismatch', `checkpoint has shape [${t.shape.join(', ')}], the model expects [${shape.join(', ')}]`);
  }
  for (const name of Object.keys(found)) {
    if (!expected.has(name)) at(name, 'checkpoint_unexpected_tensor', `unexpected tensor: the model has no parameter of this name`);
  }
  return issues;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Config fields whose values differ, as `field: checkpoint X, model Y`. */
export function configDiff(found: unknown, expected: unknown): string[] {
  if (found === null || typeof found !== 'object' || expected === null || typeof expected !== 'object') return [];
  const a = found as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
    .map((k) => `${k}: checkpoint ${canonicalJson(a[k]) ?? 'absent'}, model ${canonicalJson(b[k]) ?? 'absent'}`);
}

export interface LoadComponentOptions {
  /** The component's name in the model: its parameters are those named `<component>.*`. */
  component: string;
  /** The component's name in the checkpoint, if it differs (e.g. load `lm.*` into `tlm.*`). */
  from?: string;
  /** The model's config for the component, to name the differing fields when shapes disagree. */
  config?: unknown;
}

/**
 * Assign the checkpoint's `<from>.*` tensors to the model's `<component>.*` variables. The two sets
 * must match exactly (names and shapes); otherwise nothing is assigned and one error lists every issue.
 */
export function loadComponent(params: Map<string, tf.Variable>, contents: SafetensorsContents, source: string, opts: LoadComponentOptions): void {
  const from = opts.from ?? opts.component;
  const found = renamePrefix(contents.tensors, `${from}.`, `${opts.component}.`);
  const expected = new Map([...params].filter(([n]) => n.startsWith(`${opts.component}.`)).map(([n, v]) => [n, v.shape] as const));
  const issues = tensorSetIssues(expected, found, source);
  if (issues.length > 0) throw new UserError([...issues, ...configIssue(contents.metadata, from, opts.config, source)]);
  if (expected.size === 0) throw new UserError({ code: 'checkpoint_missing_component', message: `holds no "${from}.*" tensors`, file: source });
  assignAll(params, found, source);
}

/** Load every tensor of a checkpoint file into the model's variables of the same names; the sets must match exactly. */
export function loadAllParams(params: Map<string, tf.Variable>, path: string, configs?: Record<string, unknown>): SafetensorsContents {
  const contents = readSafetensors(path);
  const expected = new Map([...params].map(([n, v]) => [n, v.shape] as const));
  const issues = tensorSetIssues(expected, contents.tensors, path);
  if (issues.length > 0) {
    const extra = Object.entries(configs ?? {}).flatMap(([c, cfg]) => configIssue(contents.metadata, c, cfg, path));
    throw new UserError([...issues, ...extra]);
  }
  assignAll(params, contents.tensors, path);
  return contents;
}

function configIssue(metadata: Record<string, string>, component: string, config: unknown, source: string): Issue[] {
  if (config === undefined) return [];
  const diff = configDiff(checkpointConfigs(metadata)[component], config);
  if (diff.length === 0) return [];
  return [{ code: 'checkpoint_config_mismatch', file: source, path: [component], message: `config differs from the model's: ${diff.join('; ')}` }];
}

function renamePrefix(tensors: Record<string, TensorRecord>, from: string, to: string): Record<string, TensorRecord> {
  const out: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(tensors)) if (name.startsWith(from)) out[to + name.slice(from.length)] = t;
  return out;
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

function assignAll(params: Map<string, tf.Variable>, records: Record<string, TensorRecord>, source: string): void {
  const issues = Object.entries(records)
    .filter(([name, r]) => FLOAT_DTYPES.has(r.dtype) !== (params.get(name)!.dtype === 'float32'))
    .map(([name, r]): Issue => ({ code: 'checkpoint_dtype_mismatch', file: source, path: [name], message: `checkpoint has dtype ${r.dtype}, the model expects ${params.get(name)!.dtype}` }));
  if (issues.length > 0) throw new UserError(issues);
  for (const [name, r] of Object.entries(records)) {
    const value = tensorFromRecord(r, { file: source, name });
    params.get(name)!.assign(value);
    value.dispose();
  }
}

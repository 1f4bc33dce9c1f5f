// The checkpoint format, end to end: a training stage's checkpoint is one directory per step,
//   model.safetensors      every parameter of the components the stage owns (all but the frozen
//                          ones); metadata: the assembly kind (`vadapter.assembly`), every
//                          component's config (`vadapter.config` = {"vit": {...}, "tlm": {...}}) and
//                          where the frozen or initialised components came from (`vadapter.sources`)
//   optimizer.safetensors  AdamW moments `m.<name>`, `v.<name>`
//   state.json             loop position, optimizer step, data-stream position
// Downstream stages, `evaluate`, `diagnose` and reports read model.safetensors; resume reads all three.
import type { AssemblyConfigs } from '../models/assembly-config.ts';
import type { LoopPosition } from '../train/loop.ts';
import { userError } from '../util/errors.ts';
import { canonicalJson } from '../util/hash.ts';
import { readJsonFile } from '../util/json-file.ts';

export const MODEL_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'state.json';

export const CONFIG_KEY = 'vadapter.config';
export const ASSEMBLY_KEY = 'vadapter.assembly';
export const SOURCES_KEY = 'vadapter.sources';

/** Where a component's weights came from: a checkpoint file of an upstream stage. */
export interface ComponentSource {
  stage: string;
  fingerprint: string;
  file: string; // the upstream model.safetensors, relative to the store root (runs/store/): relocatable, and the same bytes whatever the root
  sha256: string; // of the upstream checkpoint (its recorded digest)
  from: string; // the component's name in that file (`lm` for a language-only TLM)
}

/** What a model file's metadata records. */
export interface ModelMeta {
  configs: AssemblyConfigs;
  sources: Record<string, ComponentSource>; // by component name in this assembly
}

/** The contents of state.json. */
export interface TrainState {
  position: LoopPosition;
  optimizerStep: number;
  data: unknown;
  kernels?: string; // what computed the run (`kernelSet()`: "wasm+native", "wasm", ...); older checkpoints lack it
}

/** Metadata entries carrying component configs: `{ "vadapter.config": canonical JSON }`. */
export function configMetadata(configs: Record<string, unknown>): Record<string, string> {
  return { [CONFIG_KEY]: canonicalJson(configs) };
}

/** The component configs a checkpoint carries (empty if it carries none or they do not parse). */
export function checkpointConfigs(metadata: Record<string, string>): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(metadata[CONFIG_KEY] ?? '{}');
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The metadata of a model file recording `meta`. */
export function modelMetadata(meta: ModelMeta): Record<string, string> {
  const { kind, ...components } = meta.configs;
  return { ...configMetadata(components), [ASSEMBLY_KEY]: kind, [SOURCES_KEY]: JSON.stringify(meta.sources) };
}

/** The assembly kind, component configs and sources a model file records. */
export function readModelMeta(metadata: Record<string, string>, file: string): ModelMeta {
  const kind = metadata[ASSEMBLY_KEY];
  if (!kind) throw userError('bad_checkpoint', `not a vadapter training checkpoint: no "${ASSEMBLY_KEY}" in its metadata`, { file });
  let sources: Record<string, ComponentSource>;
  try {
    sources = JSON.parse(metadata[SOURCES_KEY] ?? '{}') as Record<string, ComponentSource>;
  } catch {
    throw userError('bad_checkpoint', `"${SOURCES_KEY}" in its metadata is not JSON`, { file });
  }
  return { configs: { kind, ...checkpointConfigs(metadata) } as AssemblyConfigs, sources };
}

export function stateFileText(state: TrainState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

export function readStateFile(path: string): TrainState {
  return readJsonFile(path) as TrainState;
}

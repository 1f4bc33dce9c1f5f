// A training stage's checkpoint, one directory per step:
//   model.safetensors      every parameter of the components the stage owns (all but the frozen
//                          ones); metadata: the assembly kind, every component's config, and where
//                          the frozen or initialised components came from
//   optimizer.safetensors  AdamW moments `m.<name>`, `v.<name>`
//   state.json             loop position, optimizer step, data-stream position
// Downstream stages and `evaluate` read model.safetensors; resume reads all three.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { encodeSafetensors, readSafetensors, type TensorRecord } from '../../ckpt/safetensors.ts';
import { arrayFromRecord, recordFromArray } from '../../ckpt/records.ts';
import { configMetadata, checkpointConfigs } from '../../ckpt/params.ts';
import type { AssemblyConfigs } from '../../models/assembly_config.ts';
import type { HostTensor, LoopSnapshot } from '../../train/snapshot.ts';
import type { LoopPosition } from '../../train/loop.ts';
import { userError } from '../../util/errors.ts';

export const MODEL_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'state.json';

const ASSEMBLY_KEY = 'vadapter.assembly';
const SOURCES_KEY = 'vadapter.sources';

/** Where a component's weights came from: a checkpoint file of an upstream stage. */
export interface ComponentSource {
  stage: string;
  fingerprint: string;
  file: string; // the upstream model.safetensors, relative to the store root (runs/store/): relocatable, and the same bytes whatever the root
  sha256: string; // of the upstream checkpoint (its recorded digest)
  from: string; // the component's name in that file (`lm` for a language-only TLM)
}

export interface ModelMeta {
  configs: AssemblyConfigs;
  sources: Record<string, ComponentSource>; // by component name in this assembly
}

interface StateFile {
  position: LoopPosition;
  optimizerStep: number;
  data: unknown;
}

function records(tensors: Map<string, HostTensor>): Record<string, TensorRecord> {
  return Object.fromEntries([...tensors].map(([name, t]) => [name, recordFromArray(t.shape, t.data)]));
}

/** The files of a checkpoint: `owned` parameters, the loop's moments and position, the data stream's position. */
export function checkpointFiles(owned: Map<string, HostTensor>, snapshot: LoopSnapshot, meta: ModelMeta, data: unknown): Record<string, Uint8Array | string> {
  const { kind, ...components } = meta.configs;
  const metadata = { ...configMetadata(components), [ASSEMBLY_KEY]: kind, [SOURCES_KEY]: JSON.stringify(meta.sources) };
  const state: StateFile = { position: snapshot.position, optimizerStep: snapshot.optimizerStep, data };
  return {
    [MODEL_FILE]: encodeSafetensors(records(owned), metadata),
    [OPTIMIZER_FILE]: encodeSafetensors(records(snapshot.moments)),
    [STATE_FILE]: `${JSON.stringify(state, null, 2)}\n`,
  };
}

function hostTensors(tensors: Record<string, TensorRecord>, file: string): Map<string, HostTensor> {
  return new Map(
    Object.entries(tensors).map(([name, r]) => {
      const data = arrayFromRecord(r);
      if (!(data instanceof Float32Array)) throw userError('checkpoint_dtype_mismatch', `expected F32, found ${r.dtype}`, { file, path: [name] });
      return [name, { shape: r.shape, data }];
    }),
  );
}

/** Read a checkpoint directory back for resuming (the snapshot's params are every owned parameter). */
export function readTrainCheckpoint(dir: string): { snapshot: LoopSnapshot; data: unknown } {
  const modelPath = join(dir, MODEL_FILE);
  const optimizerPath = join(dir, OPTIMIZER_FILE);
  const statePath = join(dir, STATE_FILE);
  let state: StateFile;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as StateFile;
  } catch (err) {
    throw userError('bad_checkpoint', `cannot read the training state: ${err instanceof Error ? err.message : String(err)}`, { file: statePath });
  }
  const snapshot: LoopSnapshot = {
    params: hostTensors(readSafetensors(modelPath).tensors, modelPath),
    moments: hostTensors(readSafetensors(optimizerPath).tensors, optimizerPath),
    optimizerStep: state.optimizerStep,
    position: state.position,
  };
  return { snapshot, data: state.data };
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

// A training stage's checkpoint as the loop sees it: the owned parameters, the optimizer's moments
// and the loop's and data stream's positions, in and out of the files of ckpt/layout.ts.
import { join } from 'node:path';
import { MODEL_FILE, OPTIMIZER_FILE, STATE_FILE, modelMetadata, readStateFile, stateFileText, type ModelMeta } from '../../ckpt/layout.ts';
import { encodeSafetensors, readSafetensors, type TensorRecord } from '../../ckpt/safetensors.ts';
import { arrayFromRecord, recordFromArray } from '../../ckpt/records.ts';
import type { HostTensor, LoopSnapshot } from '../../train/snapshot.ts';
import { userError } from '../../util/errors.ts';

function records(tensors: Map<string, HostTensor>): Record<string, TensorRecord> {
  return Object.fromEntries([...tensors].map(([name, t]) => [name, recordFromArray(t.shape, t.data)]));
}

/** The files of a checkpoint: `owned` parameters, the loop's moments and position, the data stream's position, the kernels that computed them. */
export function checkpointFiles(owned: Map<string, HostTensor>, snapshot: LoopSnapshot, meta: ModelMeta, data: unknown, kernels: string): Record<string, Uint8Array | string> {
  return {
    [MODEL_FILE]: encodeSafetensors(records(owned), modelMetadata(meta)),
    [OPTIMIZER_FILE]: encodeSafetensors(records(snapshot.moments)),
    [STATE_FILE]: stateFileText({ position: snapshot.position, optimizerStep: snapshot.optimizerStep, data, kernels }),
  };
}

/** The warning for resuming on other kernels than the checkpoint's (their float rounding differs), if they differ. */
export function kernelsWarning(recorded: string | undefined, current: string): string | undefined {
  if (recorded === undefined || recorded === current) return undefined;
  return `warning: the checkpoint was computed with the ${recorded} kernels and this process runs ${current}: training continues, but does not end bit-identical to an uninterrupted run (docs/backends.md, "Native kernels")`;
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
export function readTrainCheckpoint(dir: string): { snapshot: LoopSnapshot; data: unknown; kernels?: string } {
  const modelPath = join(dir, MODEL_FILE);
  const optimizerPath = join(dir, OPTIMIZER_FILE);
  const state = readStateFile(join(dir, STATE_FILE));
  const snapshot: LoopSnapshot = {
    params: hostTensors(readSafetensors(modelPath).tensors, modelPath),
    moments: hostTensors(readSafetensors(optimizerPath).tensors, optimizerPath),
    optimizerStep: state.optimizerStep,
    position: state.position,
  };
  return { snapshot, data: state.data, kernels: state.kernels };
}

// Everything the loop needs to continue exactly where it stopped: trainable parameters, AdamW
// moments and step, and the loop position. Kept as plain typed arrays so that a stage can write it
// to a safetensors checkpoint beside its own state (data position, RNG).
import * as tf from '@tensorflow/tfjs-core';
import { noUnlogged, type LoopPosition, type TrainLoop } from './loop.ts';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export interface LoopSnapshot {
  params: Map<string, HostTensor>; // trainable parameters, by name
  moments: Map<string, HostTensor>; // `m.<name>` and `v.<name>`
  optimizerStep: number;
  position: LoopPosition;
}

export async function toHost(t: tf.Tensor): Promise<HostTensor> {
  return { shape: t.shape.slice(), data: (await t.data()) as Float32Array };
}

export async function snapshotLoop<B>(loop: TrainLoop<B>): Promise<LoopSnapshot> {
  const params = new Map<string, HostTensor>();
  for (const name of loop.task.trainable) params.set(name, await toHost(mustGet(loop.task.params, name)));
  const moments = new Map<string, HostTensor>();
  for (const [name, m] of loop.optimizer.state.m) moments.set(`m.${name}`, await toHost(m));
  for (const [name, v] of loop.optimizer.state.v) moments.set(`v.${name}`, await toHost(v));
  return { params, moments, optimizerStep: loop.optimizer.state.step, position: { ...loop.position, unlogged: { ...loop.position.unlogged } } };
}

/** Put a snapshot back into a loop built over the same task shape; every tensor must be present with its shape. */
export function restoreLoop<B>(loop: TrainLoop<B>, snap: LoopSnapshot): void {
  for (const name of loop.task.trainable) assignHost(mustGet(loop.task.params, name), mustGet(snap.params, name), name);
  for (const [name, m] of loop.optimizer.state.m) assignHost(m, mustGet(snap.moments, `m.${name}`), `m.${name}`);
  for (const [name, v] of loop.optimizer.state.v) assignHost(v, mustGet(snap.moments, `v.${name}`), `v.${name}`);
  loop.optimizer.state.step = snap.optimizerStep;
  Object.assign(loop.position, snap.position, { unlogged: { ...(snap.position.unlogged ?? noUnlogged()) } }); // checkpoints of older code have no sums
}

function assignHost(target: tf.Variable, source: HostTensor, name: string): void {
  if (source.shape.join(',') !== target.shape.join(',')) {
    throw new Error(`snapshot tensor ${name} has shape [${source.shape}], the model expects [${target.shape}]`);
  }
  tf.tidy(() => target.assign(tf.tensor(source.data, source.shape, 'float32')));
}

function mustGet<V>(map: Map<string, V>, key: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`snapshot has no tensor named ${key}`);
  return value;
}

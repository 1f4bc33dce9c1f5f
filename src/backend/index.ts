// Choose and initialise the tfjs backend. `auto` takes the first available of tensorflow
// (tfjs-node-gpu with a GPU, then tfjs-node), webgpu, wasm, cpu.
import * as tf from '@tensorflow/tfjs-core';
import { userError } from '../util/errors.ts';
import { BACKEND_NAMES, type BackendName, type BackendRequest } from './names.ts';
import { probeBackend, type BackendProbe } from './probe.ts';
import { initNative, nativeInUse } from './wasm/native.ts';
import { registerWasmKernels } from './wasm/register.ts';
import { registerThreadedWasm, requestedThreads } from './wasm/threads.ts';
import { registerGradients } from './gradients.ts';

export { BACKEND_NAMES, resolveBackendRequest, parseBackendRequest, type BackendName, type BackendRequest } from './names.ts';
export type { BackendProbe } from './probe.ts';

/** What computes tensors in this process: the active backend, and `+native` for wasm on the native kernels (their rounding differs). */
export function kernelSet(): string {
  return nativeInUse() ? 'wasm+native' : tf.getBackend();
}

/** Probe every backend; the result lists them in `auto` order. */
export async function probeAllBackends(): Promise<BackendProbe[]> {
  const out: BackendProbe[] = [];
  for (const name of BACKEND_NAMES) out.push(await probeBackend(name));
  return out;
}

/** The backend `auto` would pick. */
export async function autoBackend(): Promise<BackendName> {
  for (const name of BACKEND_NAMES) if ((await probeBackend(name)).available) return name;
  return 'cpu';
}

/**
 * Make `request` the active tfjs backend and return its name; an unavailable explicit request is an
 * error. wasm runs on `threads` threads (default: $VADAPTER_THREADS, a Slurm job's CPUs, else 1),
 * on the native kernels where $VADAPTER_NATIVE allows and they load (wasm/native.ts).
 */
export async function initBackend(request: BackendRequest = 'auto', threads = requestedThreads()): Promise<BackendName> {
  tf.env().set('PROD', true); // no debug checks, no "install tfjs-node" banner
  registerGradients();
  const name = request === 'auto' ? await autoBackend() : request;
  const probe = await probeBackend(name);
  if (!probe.available) {
    throw userError('backend_unavailable', `backend "${name}" is not available here: ${probe.reason ?? 'unknown reason'}`);
  }
  if (name === 'wasm') {
    if (threads > 1) await registerThreadedWasm(threads);
    registerWasmKernels();
    initNative();
  }
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw userError('backend_unavailable', `backend "${name}" failed to initialise`);
  }
  await tf.ready();
  return name;
}

// The optional native kernels for the wasm backend: native/kernels.c, built into
// build/native/kernels.node by scripts/build-native.mjs (on `npm ci` when a C compiler and OpenBLAS
// are there). They run on the tensors' memory on the WebAssembly heap: the matrix products on
// OpenBLAS's sgemm (batch-mat-mul.ts), each parameter's AdamW update (adamw.ts), GELU (gelu.ts) and
// layer norm (layer-norm.ts).
// $VADAPTER_NATIVE: `auto` (default) uses them when they load, `off` never, `on` requires them.
// docs/backends.md has the measurements.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { userError } from '../../util/errors.ts';

export const NATIVE_ENV_VAR = 'VADAPTER_NATIVE';
const REQUESTS = ['auto', 'on', 'off'] as const;
export type NativeRequest = (typeof REQUESTS)[number];

/** The addon's functions (native/kernels.c documents them); offsets and sizes count floats. */
export interface NativeKernels {
  gemm(heap: Float32Array, batch: number, aOffset: number, aStride: number, bOffset: number, bStride: number, cOffset: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void;
  adamw(heap: Float32Array, size: number, p: number, m: number, v: number, g: number, pOut: number, mOut: number, vOut: number, lr: number, beta1: number, beta2: number, epsilon: number, weightDecay: number, correction1: number, correction2: number): void;
  gelu(heap: Float32Array, size: number, x: number, y: number): void;
  geluGrad(heap: Float32Array, size: number, x: number, dy: number, dx: number): void;
  layerNorm(heap: Float32Array, rows: number, width: number, x: number, gain: number, bias: number, y: number, mean: number, rstd: number, eps: number): void;
  layerNormGrad(heap: Float32Array, rows: number, width: number, x: number, gain: number, mean: number, rstd: number, dy: number, dx: number, dgain: number, dbias: number): void;
  setThreads(threads: number): void;
  config(): string;
}

export interface NativeStatus {
  active: boolean;
  detail: string; // the OpenBLAS build in use, or why the wasm backend runs on its own kernels
}

export const NATIVE_ADDON = fileURLToPath(new URL('../../../build/native/kernels.node', import.meta.url));

let loaded: NativeKernels | undefined;
let active: NativeKernels | undefined;
let status: NativeStatus = { active: false, detail: 'not loaded (the wasm backend was not initialised)' };

export function nativeRequest(env: NodeJS.ProcessEnv = process.env): NativeRequest {
  const value = env[NATIVE_ENV_VAR] || 'auto';
  if (!(REQUESTS as readonly string[]).includes(value)) {
    throw userError('bad_native', `$${NATIVE_ENV_VAR}: expected one of ${REQUESTS.join(', ')}, got "${value}"`);
  }
  return value as NativeRequest;
}

function load(): NativeKernels | string {
  if (!existsSync(NATIVE_ADDON)) return `${NATIVE_ADDON} not built (npm run build:native)`;
  process.env.OPENBLAS_NUM_THREADS = '1'; // before loading: OpenBLAS sizes its pool once
  try {
    loaded ??= createRequire(import.meta.url)(NATIVE_ADDON) as NativeKernels;
  } catch (e) {
    return `${NATIVE_ADDON} does not load: ${(e as Error).message.split('\n')[0]}`;
  }
  loaded.setThreads(1);
  return loaded;
}

/**
 * Decide, once per process, whether the wasm backend uses the native kernels. OpenBLAS runs on one
 * thread: on two, its sgemm splits a product differently and the results change in the last bits,
 * where a run must end bit-identical whatever its thread count.
 */
export function initNative(request: NativeRequest = nativeRequest()): NativeStatus {
  if (request === 'off') {
    active = undefined;
    status = { active: false, detail: `off ($${NATIVE_ENV_VAR}=off)` };
    return status;
  }
  const got = load();
  if (typeof got === 'string') {
    if (request === 'on') throw userError('native_unavailable', `$${NATIVE_ENV_VAR}=on but the native kernels are unavailable: ${got}`);
    active = undefined;
    status = { active: false, detail: got };
    return status;
  }
  active = got;
  status = { active: true, detail: `${got.config()}, 1 thread` };
  return status;
}

/** The native kernels the wasm backend uses now, if any. */
export function activeNative(): NativeKernels | undefined {
  return active;
}

/** Whether tensors run on the native kernels now: the active backend is wasm and they are loaded. */
export function nativeInUse(): boolean {
  return tf.getBackend() === 'wasm' && active !== undefined;
}

/** The native kernels for `kernelName`, which has no other implementation (an error naming it while they are off). */
export function requireNative(kernelName: string): NativeKernels {
  if (!active) throw new Error(`${kernelName} needs the native kernels ($${NATIVE_ENV_VAR})`);
  return active;
}

export function nativeStatus(): NativeStatus {
  return status;
}

/** Run `fn` on the wasm backend's own kernels (benchmarks and tests compare the two). */
export async function withoutNative<T>(fn: () => T | Promise<T>): Promise<T> {
  const was = active;
  active = undefined;
  try {
    return await fn();
  } finally {
    active = was;
  }
}

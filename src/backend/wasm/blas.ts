// The optional native matrix product for the wasm backend: native/blas.c, built into
// build/native/blas.node by scripts/build-native.mjs (on `npm ci` when a C compiler and OpenBLAS are
// there), runs OpenBLAS's sgemm directly on the operands' memory on the WebAssembly heap.
// $VADAPTER_BLAS: `auto` (default) uses it when it loads, `off` never, `on` requires it.
// docs/backends.md has the measurements.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { userError } from '../../util/errors.ts';

export const BLAS_ENV_VAR = 'VADAPTER_BLAS';
const REQUESTS = ['auto', 'on', 'off'] as const;
export type BlasRequest = (typeof REQUESTS)[number];

/** The addon's functions (native/blas.c documents them). */
export interface NativeBlas {
  gemm(heap: Float32Array, batch: number, aOffset: number, aStride: number, bOffset: number, bStride: number, cOffset: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void;
  setThreads(threads: number): void;
  config(): string;
}

export interface BlasStatus {
  active: boolean;
  detail: string; // the OpenBLAS build in use, or why products run on XNNPACK
}

export const BLAS_ADDON = fileURLToPath(new URL('../../../build/native/blas.node', import.meta.url));

let loaded: NativeBlas | undefined;
let active: NativeBlas | undefined;
let status: BlasStatus = { active: false, detail: 'not loaded (the wasm backend was not initialised)' };

export function blasRequest(env: NodeJS.ProcessEnv = process.env): BlasRequest {
  const value = env[BLAS_ENV_VAR] || 'auto';
  if (!(REQUESTS as readonly string[]).includes(value)) {
    throw userError('bad_blas', `$${BLAS_ENV_VAR}: expected one of ${REQUESTS.join(', ')}, got "${value}"`);
  }
  return value as BlasRequest;
}

function load(): NativeBlas | string {
  if (!existsSync(BLAS_ADDON)) return `${BLAS_ADDON} not built (npm run build:native)`;
  process.env.OPENBLAS_NUM_THREADS = '1'; // before loading: OpenBLAS sizes its pool once
  try {
    loaded ??= createRequire(import.meta.url)(BLAS_ADDON) as NativeBlas;
  } catch (e) {
    return `${BLAS_ADDON} does not load: ${(e as Error).message.split('\n')[0]}`;
  }
  loaded.setThreads(1);
  return loaded;
}

/**
 * Decide, once per process, whether the wasm backend's products go to OpenBLAS. It runs on one
 * thread: on two, its sgemm splits a product differently and the results change in the last bits,
 * where a run must end bit-identical whatever its thread count.
 */
export function initBlas(request: BlasRequest = blasRequest()): BlasStatus {
  if (request === 'off') {
    active = undefined;
    status = { active: false, detail: `off ($${BLAS_ENV_VAR}=off)` };
    return status;
  }
  const got = load();
  if (typeof got === 'string') {
    if (request === 'on') throw userError('blas_unavailable', `$${BLAS_ENV_VAR}=on but the native BLAS is unavailable: ${got}`);
    active = undefined;
    status = { active: false, detail: got };
    return status;
  }
  active = got;
  status = { active: true, detail: `${got.config()}, 1 thread` };
  return status;
}

/** The native BLAS the products use now, if any. */
export function activeBlas(): NativeBlas | undefined {
  return active;
}

export function blasStatus(): BlasStatus {
  return status;
}

/** Run `fn` with the products on XNNPACK (benchmarks and tests compare the two). */
export async function withoutBlas<T>(fn: () => T | Promise<T>): Promise<T> {
  const was = active;
  active = undefined;
  try {
    return await fn();
  } finally {
    active = was;
  }
}

// The wasm backend on several threads. @tensorflow/tfjs-backend-wasm ships a threaded SIMD build
// (Emscripten pthreads over worker threads, XNNPACK's products on a thread pool) but in Node its
// feature check always answers "no threads", its loader hands the pthread workers a Blob URL that
// Node's workers cannot open, and its C++ side caps the pool at half of the logical cores (1 on a
// 2-core machine). Here the threaded build is instantiated directly: its worker script is written
// to a file the workers can load, the core count it reads is the requested one, and the 'wasm'
// backend is registered anew on that module. Only XNNPACK's operators (the products) use the pool;
// each splits its output between threads, so results are bit-identical to one thread's
// (test/backend/threads.test.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { userError } from '../../util/errors.ts';

export const THREADS_ENV_VAR = 'VADAPTER_THREADS';
/** The threaded build's own thread pool limit (it pre-creates this many workers). */
export const MAX_THREADS = 8;

/** Threads for the wasm backend: $VADAPTER_THREADS, else a Slurm job's CPUs per task, else 1. */
export function requestedThreads(env: NodeJS.ProcessEnv = process.env): number {
  const own = env[THREADS_ENV_VAR];
  if (own !== undefined && own !== '') {
    const n = Number(own);
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
      throw userError('bad_threads', `$${THREADS_ENV_VAR}: expected an integer from 1 to ${MAX_THREADS}, got "${own}"`);
    }
    return n;
  }
  const slurm = Number(env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(slurm) && slurm > 1 ? Math.min(slurm, MAX_THREADS) : 1;
}

/** Threads for each of `jobs` stages run at once on this machine: the cores shared out, at least 1. */
export function threadsPerJob(jobs: number, cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(cores / jobs)));
}

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: unknown[]) => unknown;
  tfjs?: Record<string, unknown>;
  PThread: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
}

type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

const require = createRequire(import.meta.url);
const BUILD = 'tfjs-backend-wasm-threaded-simd';

/** The pthread worker script, written once per content under the OS temp directory. */
function workerScript(): string {
  const { wasmWorkerContents } = require(`@tensorflow/tfjs-backend-wasm/wasm-out/${BUILD}.worker.js`) as { wasmWorkerContents: string };
  // The script is exported as a template literal whose escaped newlines became real ones.
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const path = join(os.tmpdir(), `vadapter-${BUILD}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.worker.cjs`);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return path;
}

async function instantiate(threads: number): Promise<EmscriptenModule> {
  const script = require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${BUILD}.js`);
  const binary = join(dirname(script), `${BUILD}.wasm`);
  const worker = workerScript();
  const factory = require(script) as Factory;
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const ready = factory({
    locateFile: (file: string) => (file.endsWith('.worker.js') ? worker : file.endsWith('.wasm') ? binary : join(dirname(script), file)),
    mainScriptUrlOrBlob: script,
    // The C++ side sizes its pool by min(requested, logical cores / 2): report twice the request.
    instantiateWasm(imports: { env: Record<string, unknown> }, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const env = { ...imports.env, emscripten_num_logical_cores: () => 2 * threads };
      WebAssembly.instantiate(readFileSync(binary), { ...imports, env, wasi_snapshot_preview1: env }).then((r) => receive(r.instance, r.module), fail);
      return {};
    },
  });
  return Promise.race([ready, failed]);
}

let registered = false;

/**
 * Register 'wasm' as the threaded build on `threads` threads. Only the first call of a process that
 * has not used the wasm backend yet does anything: a process keeps the pool it started with.
 */
export async function registerThreadedWasm(threads: number): Promise<void> {
  if (registered || tf.engine().registry.wasm) return;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const module = await instantiate(threads);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasm.setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    () => {
      const backend = new wasm.BackendWasm(module as never); // starts the pool's threads
      // The pool's threads wait for work for as long as the process lives: they must not keep it alive.
      for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
      return backend;
    },
    2,
  );
  registered = true;
}

/** The wasm backend's thread pool size (1 for the single-threaded build). */
export async function wasmThreadsInUse(): Promise<number> {
  return (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
}

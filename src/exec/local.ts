// The local executor: each stage as a `vadapter stage exec` child process, its stdout and stderr
// appended to the stage's log file, its structured events over the IPC channel.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { THREADS_ENV_VAR } from '../backend/wasm/threads.ts';
import type { ChildMessage } from './messages.ts';
import type { StageExecArgs } from './stage-exec.ts';

export const BIN = fileURLToPath(new URL('../../bin/vadapter.js', import.meta.url));

export interface StageProcess {
  pid: number | undefined;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): void;
}

export function stageExecArgv(a: StageExecArgs): string[] {
  const argv = ['stage', 'exec', '--root', a.root, '--run', a.runId, '--trial', String(a.trial), '--stage', a.stage];
  return [...argv, ...(a.backend ? ['--backend', a.backend] : []), ...(a.jobStore ? ['--job-store', a.jobStore] : [])];
}

/** Run a stage in a child process on `threads` threads (an explicit $VADAPTER_THREADS wins). */
export function spawnStage(args: StageExecArgs, logPath: string, onMessage: (m: ChildMessage) => void, threads = 1): StageProcess {
  mkdirSync(dirname(logPath), { recursive: true });
  const log = openSync(logPath, 'a');
  const env = { ...process.env, [THREADS_ENV_VAR]: process.env[THREADS_ENV_VAR] || String(threads) };
  const child = spawn(process.execPath, [BIN, ...stageExecArgv(args)], { stdio: ['ignore', log, log, 'ipc'], env });
  closeSync(log);
  child.on('message', (m) => onMessage(m as ChildMessage));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', () => resolve({ code: null, signal: null }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid,
    done,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

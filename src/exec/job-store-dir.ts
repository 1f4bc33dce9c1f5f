// The directory of a stage that runs as a cluster job: runs/<run>/jobs/t<trial>.<stage>/ with its
// job store (`store.db`, track/job-store.ts), the upstream stores it merges before it starts
// (`upstream.json`: outputs computed by other jobs of the same run), its progress (`progress.json`,
// replaced atomically, which the controller reads while the job runs) and its batch script.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from '../track/root.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { ChildMessage } from './messages.ts';

export interface UpstreamStore {
  fingerprint: string;
  stageId: number; // the stage row that computes it
  store: string; // its job directory, relative to the root
}

/** What a job's progress file holds: the latest of each kind of message, and when it was written. */
export interface JobProgress {
  started?: Extract<ChildMessage, { type: 'started' }> & { at: string; restart: number };
  progress?: Extract<ChildMessage, { type: 'progress' }>;
  waiting?: string;
  updatedAt: string;
}

export const jobDir = (root: string, runId: string, s: { trial: number; stage: string }) => join(runDir(root, runId), 'jobs', `t${s.trial}.${s.stage}`);
export const jobStorePath = (dir: string) => join(dir, 'store.db');
export const jobScriptPath = (dir: string) => join(dir, 'job.sh');
const upstreamPath = (dir: string) => join(dir, 'upstream.json');
const progressPath = (dir: string) => join(dir, 'progress.json');

export function writeUpstreamStores(dir: string, stores: UpstreamStore[]): void {
  writeFileAtomic(upstreamPath(dir), `${JSON.stringify(stores, null, 2)}\n`);
}

export function readUpstreamStores(dir: string): UpstreamStore[] {
  return existsSync(upstreamPath(dir)) ? (JSON.parse(readFileSync(upstreamPath(dir), 'utf8')) as UpstreamStore[]) : [];
}

/** The job's last progress, or null before it wrote any (or while a write is being replaced). */
export function readJobProgress(dir: string): JobProgress | null {
  try {
    return JSON.parse(readFileSync(progressPath(dir), 'utf8')) as JobProgress;
  } catch {
    return null;
  }
}

const CLAIM_FILE = 'job-store.json';

/**
 * Which job store records an output: written into the output's store directory by the job that
 * computes it (under the store lock), so that a job of another run that waited for the lock can
 * merge that store and reuse the output instead of computing it again.
 */
export function claimOutput(outDir: string, claim: UpstreamStore): void {
  writeFileAtomic(join(outDir, CLAIM_FILE), `${JSON.stringify(claim)}\n`);
}

export function outputClaim(outDir: string): UpstreamStore | null {
  try {
    return JSON.parse(readFileSync(join(outDir, CLAIM_FILE), 'utf8')) as UpstreamStore;
  } catch {
    return null;
  }
}

const PROGRESS_FILE_MS = 1000;

/** A `send` for a stage process without a parent: messages into the progress file, progress at most once a second. */
export function progressFileSink(dir: string): { send: (m: ChildMessage) => void; flush: () => void } {
  const state: JobProgress = { updatedAt: '' };
  let last = 0;
  let dirty = false;
  const write = () => {
    state.updatedAt = new Date().toISOString();
    writeFileAtomic(progressPath(dir), `${JSON.stringify(state)}\n`);
    last = Date.now();
    dirty = false;
  };
  return {
    send(m) {
      if (m.type === 'started') state.started = { ...m, at: new Date().toISOString(), restart: Number(process.env.SLURM_RESTART_COUNT ?? 0) };
      else if (m.type === 'waiting') state.waiting = m.owner;
      else state.progress = m;
      dirty = true;
      if (m.type !== 'progress' || Date.now() - last >= PROGRESS_FILE_MS || m.step === m.total) write();
    },
    flush: () => {
      if (dirty) write();
    },
  };
}

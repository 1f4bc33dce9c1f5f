// One process at a time works on a stage output: a lock file in its store directory, created
// exclusively, holding the owner's pid and host. A lock whose process is gone (kill -9) is taken
// over; a live one is waited for, so two runs sharing a fingerprint compute it once.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../track/runs.ts';

const LOCK_FILE = '.lock';
const POLL_MS = 250;
const UNREADABLE_STALE_MS = 10_000; // a lock file nobody finished writing for this long is abandoned

export type Release = () => void;

/** Wait until this process holds the lock of `dir`; `onWait` is told once if it must wait. */
export async function acquireStoreLock(dir: string, signal: AbortSignal, onWait?: (owner: string) => void): Promise<Release> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  let told = false;
  for (;;) {
    if (tryCreate(path)) return () => rmSync(path, { force: true });
    const owner = readOwner(path);
    if (isAbandoned(path, owner)) {
      rmSync(path, { force: true });
      continue;
    }
    if (!told && onWait) onWait(owner ? `pid ${owner.pid} on ${owner.host}` : 'another process');
    told = true;
    await sleep(POLL_MS, undefined, { signal });
  }
}

function isAbandoned(path: string, owner: { pid: number; host: string } | null): boolean {
  if (owner) return owner.host === hostname() && !isProcessAlive(owner.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return false; // already gone: the next attempt creates it
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readOwner(path: string): { pid: number; host: string } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; host: string };
  } catch {
    return null; // vanished or half-written: try again
  }
}

/** Whether a live process holds the lock of `dir` (for gc, which must not touch it). */
export function isLocked(dir: string): boolean {
  const owner = readOwner(join(dir, LOCK_FILE));
  return !!owner && (owner.host !== hostname() || isProcessAlive(owner.pid));
}

// One process at a time works on a stage output: a lock file in its store directory, created
// exclusively, holding the owner's pid and host. A lock whose process is gone (kill -9) is taken
// over; a live one is waited for, so two runs sharing a fingerprint compute it once. Taking over
// is a check-then-replace, so it runs inside `exclusive` (a database write transaction): two
// waiters that both saw the dead owner cannot both replace its lock, nor the first one's new lock.
// gc takes the same lock (without waiting) for each output it prunes, so it never races a stage.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../track/db.ts';
import { isProcessAlive } from '../track/runs.ts';

const LOCK_FILE = '.lock';
const POLL_MS = 250;
const UNREADABLE_STALE_MS = 10_000; // a lock file nobody finished writing for this long is abandoned

export type Release = () => void;

/** Runs `critical` so that no other process runs its own critical section meanwhile. */
export type Exclusive = (critical: () => boolean) => boolean;

/** Critical sections as write transactions of the tracking database every process of a root shares. */
export function exclusiveIn(db: Db): Exclusive {
  return (critical) => db.transaction(critical).immediate();
}

interface Owner {
  pid: number;
  host: string;
}

/** Wait until this process holds the lock of `dir`; `onWait` is told once if it must wait. */
export async function acquireStoreLock(dir: string, signal: AbortSignal, exclusive: Exclusive, onWait?: (owner: string) => void): Promise<Release> {
  mkdirSync(dir, { recursive: true });
  let told = false;
  for (;;) {
    const release = tryStoreLock(dir, exclusive);
    if (release) return release;
    const owner = readOwner(join(dir, LOCK_FILE));
    if (!told && onWait) onWait(owner ? `pid ${owner.pid} on ${owner.host}` : 'another process');
    told = true;
    await sleep(POLL_MS, undefined, { signal });
  }
}

/** The lock of `dir` (which exists) if it is free or abandoned now, else null: a live process holds it. */
export function tryStoreLock(dir: string, exclusive: Exclusive): Release | null {
  const path = join(dir, LOCK_FILE);
  const release = () => {
    if (isOwn(readOwner(path))) rmSync(path, { force: true });
  };
  if (tryCreate(path)) return release;
  const owner = readOwner(path);
  // still the same abandoned lock (no other process replaced it meanwhile)? then replace it
  if (isAbandoned(path, owner) && exclusive(() => sameOwner(readOwner(path), owner) && isAbandoned(path, owner) && replace(path))) return release;
  return null;
}

function isOwn(owner: Owner | null): boolean {
  return owner !== null && owner.pid === process.pid && owner.host === hostname();
}

function sameOwner(a: Owner | null, b: Owner | null): boolean {
  return a === null ? b === null : b !== null && a.pid === b.pid && a.host === b.host;
}

function replace(path: string): boolean {
  rmSync(path, { force: true });
  return tryCreate(path);
}

function isAbandoned(path: string, owner: Owner | null): boolean {
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

function readOwner(path: string): Owner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Owner;
  } catch {
    return null; // vanished or half-written: try again
  }
}

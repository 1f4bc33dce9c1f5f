// Whether a process still exists, and the one rule by which a lock is abandoned. A lock records its
// owner as `{"pid": ..., "host": ...}`; it is abandoned when that owner is a process of this host
// that no longer runs (kill -9, power cut), or when no owner could be read from it for longer than a
// creator takes to write one (its creator died in between). A lock owned on another host is never
// taken over: its process cannot be checked from here.
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockOwner {
  pid: number;
  host: string;
}

const UNREADABLE_STALE_MS = 10_000;

/** Whether a process of this host exists and has not exited (a zombie awaiting its reaper counts as exited). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false; // no /proc (not Linux): trust kill(0)
  }
}

/** This process, as a lock records it. */
export function thisProcess(): LockOwner {
  return { pid: process.pid, host: hostname() };
}

export function sameOwner(a: LockOwner | null, b: LockOwner | null): boolean {
  return a === null ? b === null : b !== null && a.pid === b.pid && a.host === b.host;
}

/** The owner recorded in the file at `path`, or null if it vanished or is not (yet) fully written. */
export function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof owner?.pid === 'number' && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

/** Whether the lock at `path`, whose recorded owner is `owner`, is abandoned (see above). */
export function isAbandoned(path: string, owner: LockOwner | null): boolean {
  if (owner) return owner.host === hostname() && !isProcessAlive(owner.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return false; // already gone: the next attempt creates it
  }
}

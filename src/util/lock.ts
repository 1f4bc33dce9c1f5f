// A lock between processes: a file created exclusively, holding its owner's pid and host. A lock
// abandoned by its owner (the rule is util/liveness.ts's) is taken over. Taking over is a
// check-then-replace, so it runs inside an `Exclusive` critical section: two waiters that both saw
// the dead owner cannot both replace its lock, nor the first one's new lock.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { isAbandoned, readOwner, sameOwner, thisProcess } from './liveness.ts';

export type Release = () => void;

/** Runs `critical` so that no other process runs its own critical section meanwhile. */
export type Exclusive = (critical: () => boolean) => boolean;

/** The lock at `path` if it is free or abandoned now, else null: a live process holds it. */
export function tryLock(path: string, exclusive: Exclusive): Release | null {
  const release = () => {
    if (sameOwner(readOwner(path), thisProcess())) rmSync(path, { force: true });
  };
  if (tryCreate(path)) return release;
  const owner = readOwner(path);
  // still the same abandoned lock (no other process replaced it meanwhile)? then replace it
  if (isAbandoned(path, owner) && exclusive(() => sameOwner(readOwner(path), owner) && isAbandoned(path, owner) && replace(path))) return release;
  return null;
}

/** Who holds the lock at `path`, for a message: `pid 12 on host` or `another process`. */
export function lockHolder(path: string): string {
  const owner = readOwner(path);
  return owner ? `pid ${owner.pid} on ${owner.host}` : 'another process';
}

function replace(path: string): boolean {
  rmSync(path, { recursive: true, force: true }); // recursive: a directory lock left by an earlier version
  return tryCreate(path);
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    try {
      writeSync(fd, JSON.stringify(thisProcess()));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

// One process at a time works on a stage output: a lock file in its store directory (util/lock.ts),
// so that two runs sharing a fingerprint compute it once. A live owner is waited for; an abandoned
// one (util/liveness.ts) is taken over inside a write transaction of the tracking database that
// every process of a root shares, so only one waiter takes it over. gc takes the same lock (without
// waiting) for each output it prunes, so it never races a stage. The data lock (data/lock.ts) is the
// same file lock without the database, which data generation does not have.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../track/db.ts';
import { lockHolder, tryLock, type Exclusive, type Release } from '../util/lock.ts';

const LOCK_FILE = '.lock';
const POLL_MS = 250;

/** Critical sections as write transactions of the tracking database every process of a root shares. */
export function exclusiveIn(db: Db): Exclusive {
  return (critical) => db.transaction(critical).immediate();
}

/** Wait until this process holds the lock of `dir`; `onWait` is told once if it must wait. */
export async function acquireStoreLock(dir: string, signal: AbortSignal, exclusive: Exclusive, onWait?: (owner: string) => void): Promise<Release> {
  mkdirSync(dir, { recursive: true });
  let told = false;
  for (;;) {
    const release = tryStoreLock(dir, exclusive);
    if (release) return release;
    if (!told && onWait) onWait(lockHolder(join(dir, LOCK_FILE)));
    told = true;
    await sleep(POLL_MS, undefined, { signal });
  }
}

/** The lock of `dir` (which exists) if it is free or abandoned now, else null: a live process holds it. */
export function tryStoreLock(dir: string, exclusive: Exclusive): Release | null {
  return tryLock(join(dir, LOCK_FILE), exclusive);
}

// A lock between processes on one machine (parallel stages may all ask for the same datasets):
// a directory created atomically, holding the owner's pid. A lock whose owner has died is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { userError } from '../util/errors.ts';

function ownerAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return true; // being created right now
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(lock: string): boolean {
  try {
    mkdirSync(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (ownerAlive(lock)) return false;
    rmSync(lock, { recursive: true, force: true });
    return tryAcquire(lock);
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

/** Run `fn` holding the lock at `lock` (a path to create), waiting up to `timeoutMs` for another holder. */
export async function withLock<T>(lock: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!tryAcquire(lock)) {
    if (Date.now() > deadline) throw userError('lock_timeout', `still locked by another process after ${timeoutMs / 1000} s (remove it if that process is gone)`, { file: lock });
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// A lock between processes on one machine (parallel runs may all ask for the same datasets): the
// file lock of util/lock.ts, with the stale-owner rule every lock shares (util/liveness.ts). Unlike
// a stage output's lock (exec/store-lock.ts), its takeover of an abandoned lock is not guarded by a
// database transaction: `vadapter data synth` has no tracking database. Two waiters could both take
// over only if both saw the same dead owner at the same moment; each then writes into its own
// staging directory (data/staging.ts), so no dataset is left half-written.
import { setTimeout as sleep } from 'node:timers/promises';
import { userError } from '../util/errors.ts';
import { tryLock, type Exclusive } from '../util/lock.ts';

const POLL_MS = 200;
const UNGUARDED: Exclusive = (critical) => critical();

/** Run `fn` holding the lock at `lock` (a path to create), waiting up to `timeoutMs` for another holder. */
export async function withLock<T>(lock: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let release = tryLock(lock, UNGUARDED);
  while (!release) {
    if (Date.now() > deadline) throw userError('lock_timeout', `still locked by another process after ${timeoutMs / 1000} s (remove it if that process is gone)`, { file: lock });
    await sleep(POLL_MS);
    release = tryLock(lock, UNGUARDED);
  }
  try {
    return await fn();
  } finally {
    release();
  }
}

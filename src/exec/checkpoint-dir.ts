// A checkpoint is a directory written atomically: each file is written atomically into a temporary
// sibling directory, which is then renamed into place. A reader (or a resume after kill -9) sees a
// whole checkpoint or none; a write that fails (disk full) removes the temporary directory and
// leaves every earlier checkpoint as it was. Its sha256 is over the sorted (name, file sha256) list.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncPath, writeFileAtomic } from '../util/atomic.ts';
import { checkpointDigest } from '../ckpt/digest.ts';
import { UserError, userError } from '../util/errors.ts';
import { sha256Hex } from '../util/hash.ts';

export interface WrittenCheckpoint {
  dir: string;
  files: string[];
  sha256: string;
  bytes: number;
}

const DIR_NAME = /^step-(\d{8,})$/;

export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

export function writeCheckpointDir(target: string, files: Record<string, Uint8Array | string>): WrittenCheckpoint {
  const names = Object.keys(files).sort();
  for (const name of names) if (name !== basename(name) || name.startsWith('.')) throw new Error(`checkpoint file name must be a plain name, got "${name}"`);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const hashes: Record<string, string> = {};
  let bytes = 0;
  try {
    mkdirSync(tmp, { recursive: true });
    for (const name of names) {
      const data = typeof files[name] === 'string' ? Buffer.from(files[name]) : files[name];
      writeFileAtomic(join(tmp, name), data);
      hashes[name] = sha256Hex(data);
      bytes += data.byteLength;
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw withPrevious(err, tmp, target);
  }
  if (existsSync(target)) rmSync(target, { recursive: true, force: true }); // an unrecorded leftover of an earlier attempt
  renameSync(tmp, target);
  fsyncPath(dirname(target));
  return { dir: target, files: names, sha256: checkpointDigest(hashes), bytes };
}

/** A failed write, said of the checkpoint's final path, with the earlier checkpoint beside it that it left untouched. */
function withPrevious(err: unknown, tmp: string, target: string): unknown {
  if (!(err instanceof UserError) || err.issues[0].code !== 'write_failed') return err;
  const stepOf = (name: string) => Number(DIR_NAME.exec(name)?.[1]);
  const earlier = readdirSync(dirname(target)).filter((name) => stepOf(name) < stepOf(basename(target)));
  const last = earlier.sort((a, b) => stepOf(a) - stepOf(b)).at(-1);
  const previous = last === undefined ? 'no earlier checkpoint was written' : `the previous checkpoint ${join(dirname(target), last)} is intact`;
  return userError('write_failed', `${err.issues[0].message.replace(tmp, target)}; ${previous}`);
}

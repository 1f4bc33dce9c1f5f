// A checkpoint is a directory written atomically: files go into a temporary sibling directory,
// are fsynced, and the directory is renamed into place. A reader (or a resume after kill -9) sees
// a whole checkpoint or none. Its sha256 is over the sorted (name, file sha256) list.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sha256Hex } from '../util/hash.ts';

export interface WrittenCheckpoint {
  dir: string;
  files: string[];
  sha256: string;
  bytes: number;
}

export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

export function writeCheckpointDir(target: string, files: Record<string, Uint8Array | string>): WrittenCheckpoint {
  const names = Object.keys(files).sort();
  for (const name of names) if (name !== basename(name) || name.startsWith('.')) throw new Error(`checkpoint file name must be a plain name, got "${name}"`);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const hashes: string[] = [];
  let bytes = 0;
  for (const name of names) {
    const data = typeof files[name] === 'string' ? Buffer.from(files[name]) : files[name];
    writeSynced(join(tmp, name), data);
    hashes.push(`${name}\t${sha256Hex(data)}`);
    bytes += data.byteLength;
  }
  fsyncDir(tmp);
  if (existsSync(target)) rmSync(target, { recursive: true, force: true }); // an unrecorded leftover of an earlier attempt
  renameSync(tmp, target);
  fsyncDir(dirname(target));
  return { dir: target, files: names, sha256: sha256Hex(hashes.join('\n')), bytes };
}

function writeSynced(path: string, data: Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

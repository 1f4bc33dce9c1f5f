// A checkpoint directory's digest: sha256 over the sorted `name\tsha256(file)` lines of its files
// (the tracking database records it with the total size). checkpointDamage re-reads a directory
// and says what no longer matches, so that nothing damaged is resumed from or reused.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sha256Hex } from '../util/hash.ts';

const CHUNK_BYTES = 1 << 20;

/** The digest of a directory whose files have these sha256s. */
export function checkpointDigest(fileHashes: Record<string, string>): string {
  return sha256Hex(Object.keys(fileHashes).sort().map((name) => `${name}\t${fileHashes[name]}`).join('\n'));
}

/** sha256 of a file, read a megabyte at a time. */
export function sha256FileSync(path: string): string {
  const hash = createHash('sha256');
  const buf = new Uint8Array(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export interface RecordedDigest {
  files: string[];
  sha256: string;
  bytes: number;
}

/** Why the directory no longer holds what was recorded (missing, resized, changed bytes), or null when it is intact. */
export function checkpointDamage(dir: string, recorded: RecordedDigest): string | null {
  if (!existsSync(dir)) return 'its directory is missing';
  const missing = recorded.files.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) return `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`;
  const bytes = recorded.files.reduce((n, name) => n + statSync(join(dir, name)).size, 0);
  if (bytes !== recorded.bytes) return `size mismatch: recorded ${recorded.bytes} bytes, found ${bytes}`;
  const found = checkpointDigest(Object.fromEntries(recorded.files.map((name) => [name, sha256FileSync(join(dir, name))])));
  return found === recorded.sha256 ? null : `sha256 mismatch: recorded ${recorded.sha256.slice(0, 12)}.., found ${found.slice(0, 12)}..`;
}

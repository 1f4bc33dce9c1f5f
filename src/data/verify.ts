// Content checks of shards against the sha256s of their manifest. `first-use` (the default) hashes a
// shard the first time it is opened and remembers the result in the dataset directory's
// `.verified.json`, keyed by file name, size and modification time, so that later opens (in this or
// any other process) skip the hash until the file changes; `always` hashes on every open (what
// `vadapter data inspect` does; a match is remembered too); `never` trusts the bytes (the structure
// is still checked).
//
// The cache only ever says "this file, at this size and mtime, had this digest"; a missing,
// unreadable or unwritable cache file only means hashing again.
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.ts';
import { userError } from '../util/errors.ts';
import { sha256File } from '../util/hash.ts';
import { readJsonFile } from '../util/json-file.ts';

export const VERIFY_MODES = ['first-use', 'always', 'never'] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];
export const DEFAULT_VERIFY: VerifyMode = 'first-use';

export const VERIFY_CACHE_FILE = '.verified.json';

const cacheSchema = z.record(z.string(), z.object({ bytes: z.number(), mtimeMs: z.number(), sha256: z.string() }));
type Cache = z.output<typeof cacheSchema>;

/** What identifies one version of a shard file. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
}

function readCache(dir: string): Cache {
  try {
    return cacheSchema.parse(readJsonFile(join(dir, VERIFY_CACHE_FILE)));
  } catch {
    return {};
  }
}

/** Shards of one dataset directory whose content was checked, as recorded in its cache file. */
export class ShardVerifier {
  constructor(
    private readonly dir: string,
    readonly mode: VerifyMode,
  ) {}

  private known(name: string, version: FileVersion, sha256: string): boolean {
    const entry = readCache(this.dir)[name];
    return entry !== undefined && entry.bytes === version.size && entry.mtimeMs === version.mtimeMs && entry.sha256 === sha256;
  }

  private remember(name: string, version: FileVersion, sha256: string): void {
    const cache = { ...readCache(this.dir), [name]: { bytes: version.size, mtimeMs: version.mtimeMs, sha256 } };
    try {
      writeFileAtomic(join(this.dir, VERIFY_CACHE_FILE), `${JSON.stringify(cache, null, 1)}\n`);
    } catch {
      // a read-only dataset: the next process hashes again
    }
  }

  /** Check shard `name` (`file`, at `version`) against `sha256` as the mode asks; a mismatch is a UserError naming the file and both digests. */
  async check(file: string, name: string, version: FileVersion, sha256: string): Promise<void> {
    if (this.mode === 'never' || (this.mode === 'first-use' && this.known(name, version, sha256))) return;
    const actual = await sha256File(file);
    if (actual !== sha256) {
      throw userError('checksum_mismatch', `sha256 does not match the manifest's ${sha256}: the file's is ${actual} (its bytes changed after it was written)`, { file });
    }
    this.remember(name, version, sha256);
  }
}

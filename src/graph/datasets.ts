// Dataset identity for cache keys: a dataset directory's manifest fingerprint, so that moving a
// dataset keeps caches and changing one shard invalidates them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userError } from '../util/errors.ts';
import { sha256Hex } from '../util/hash.ts';

export const MANIFEST_FILE = 'dataset.json';

/** The `fingerprint` field of `<dir>/dataset.json`, else the hash of the file; a missing manifest is an error. */
export function datasetFingerprint(dir: string): string {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw userError('dataset_missing', `no ${MANIFEST_FILE} in ${dir}: not a dataset directory (create one with \`vadapter data synth\` or \`vadapter data import\`)`, { file: dir });
  const text = readFileSync(file, 'utf8');
  try {
    const fingerprint = (JSON.parse(text) as { fingerprint?: unknown }).fingerprint;
    if (typeof fingerprint === 'string' && fingerprint.length > 0) return fingerprint;
  } catch {
    // not JSON: the file's hash still identifies it
  }
  return sha256Hex(text);
}

// `dataset.json`, the manifest of a dataset directory: its kind, schema version, shards (file, rows,
// sha256, bytes), total rows, record-batch size and a fingerprint. The fingerprint is a hash over the
// kind, schema version and shard sha256s, so that reading it costs one small file, not a pass over
// the shards; the experiment runner puts it in stage cache keys.
//
//   readManifest(dir)        -> Manifest (checked: schema, totals, fingerprint consistency)
//   datasetFingerprint(dir)  -> string
//   writeManifest(dir, m)    atomic
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../util/atomic.ts';
import { userError } from '../util/errors.ts';
import { canonicalJson, sha256Hex } from '../util/hash.ts';
import { getKind, type DatasetKind } from './kinds.ts';
import { readJsonFile } from '../util/json-file.ts';
import { parseWith } from './json.ts';

export const MANIFEST_FILE = 'dataset.json';
export const SCHEMA_VERSION = 1;

const shardSchema = z.object({
  file: z.string().regex(/^[^/\\]+\.arrow$/, 'expected a file name ending in .arrow, without directories'),
  rows: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits'),
  bytes: z.number().int().positive(),
});

const manifestSchema = z.object({
  kind: z.string(),
  schemaVersion: z.number().int().positive(),
  name: z.string(),
  batchRows: z.number().int().positive(),
  shards: z.array(shardSchema),
  totalRows: z.number().int().nonnegative(),
  fingerprint: z.string(),
  /** Where the data came from (generator and its settings, importer and its inputs); free-form. */
  source: z.record(z.string(), z.unknown()).default({}),
  /**
   * Words that name an attribute of what the data shows, by attribute: word -> the value it names
   * ({"shape": {"circle": "circle", "circles": "circle"}}). Optional; where a caption eval set has
   * it, the evaluate stage scores whether the captions name the attributes right (attr/<attribute>).
   */
  attributes: z.record(z.string(), z.record(z.string(), z.string())).optional(),
});

export type ShardEntry = z.output<typeof shardSchema>;
/** A manifest's `attributes`: attribute -> word -> the value it names. */
export type AttributeWords = Record<string, Record<string, string>>;
export type Manifest = Omit<z.output<typeof manifestSchema>, 'kind'> & { kind: DatasetKind };

/** Hash over what identifies the data: kind, schema version and each shard's sha256, in order. */
export function computeFingerprint(m: Pick<Manifest, 'kind' | 'schemaVersion' | 'shards'>): string {
  return sha256Hex(canonicalJson({ kind: m.kind, schemaVersion: m.schemaVersion, shards: m.shards.map((s) => s.sha256) }));
}

function manifestPath(dir: string): string {
  return join(dir, MANIFEST_FILE);
}

/** The manifest of `dir`, checked; errors name the manifest file and the field. */
export function readManifest(dir: string): Manifest {
  const file = manifestPath(dir);
  if (!existsSync(file)) throw userError('not_a_dataset', `no ${MANIFEST_FILE} here: not a dataset directory (create one with \`vadapter data synth\` or \`vadapter data import\`)`, { file: dir });
  const m = parseWith(manifestSchema, readJsonFile(file), file);
  getKind(m.kind, { file, path: ['kind'] });
  if (m.schemaVersion > SCHEMA_VERSION) {
    throw userError('schema_version', `schema version ${m.schemaVersion} is newer than this vadapter reads (${SCHEMA_VERSION})`, { file, path: ['schemaVersion'] });
  }
  const sum = m.shards.reduce((a, s) => a + s.rows, 0);
  if (sum !== m.totalRows) throw userError('bad_manifest', `totalRows is ${m.totalRows} but the shards hold ${sum} rows`, { file, path: ['totalRows'] });
  if (computeFingerprint(m as Manifest) !== m.fingerprint) {
    throw userError('bad_manifest', 'fingerprint does not match the shard checksums (was the manifest edited by hand?)', { file, path: ['fingerprint'] });
  }
  return m as Manifest;
}

/** The dataset's fingerprint from its manifest alone (no shard is read). */
export function datasetFingerprint(dir: string): string {
  return readManifest(dir).fingerprint;
}

export function writeManifest(dir: string, manifest: Manifest): void {
  writeFileAtomic(manifestPath(dir), `${JSON.stringify(manifest, null, 2)}\n`);
}

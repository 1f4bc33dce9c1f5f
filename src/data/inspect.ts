// What a dataset directory holds (kind, rows, shards, columns, one sample row) and, on request,
// whether its shards are intact: each file's size and sha256 against the manifest, its schema
// against the kind, and every row readable. Images are not decoded by the check.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { UserError, type Issue } from '../util/errors.ts';
import { sha256File } from '../util/hash.ts';
import { Dataset } from './dataset.ts';
import type { Manifest } from './manifest.ts';
import type { Row } from './schema.ts';

export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  bytes: number;
}

export interface InspectReport {
  dir: string;
  name: string;
  kind: string;
  schemaVersion: number;
  rows: number;
  batchRows: number;
  fingerprint: string;
  source: Record<string, unknown>;
  shards: { file: string; rows: number; bytes: number }[];
  fields: { name: string; type: string; nullable: boolean }[];
  sample?: Record<string, unknown>;
  /** Present with `verify`: the problems found (none means intact). */
  verified?: { ok: boolean; issues: Issue[] };
}

async function imageInfo(bytes: Uint8Array): Promise<ImageInfo | { error: string }> {
  try {
    const m = await sharp(bytes).metadata();
    return { format: m.format ?? 'unknown', width: m.width ?? 0, height: m.height ?? 0, bytes: bytes.byteLength };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] };
  }
}

/** The sample row for display: texts as they are, pixels summarised. */
async function describeRow(row: Row): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value instanceof Uint8Array) out[name] = await imageInfo(value);
    else if (Array.isArray(value) && value[0] instanceof Uint8Array) out[name] = { count: value.length, first: await imageInfo(value[0] as Uint8Array) };
    else out[name] = value;
  }
  return out;
}

async function firstRow(ds: Dataset): Promise<Row | undefined> {
  for await (const row of ds.rows()) return row;
  return undefined;
}

/** Issues with one shard: size, checksum, then structure and every row (read, not decoded). */
async function shardIssues(ds: Dataset, index: number): Promise<Issue[]> {
  const entry = ds.manifest.shards[index];
  const file = join(ds.dir, entry.file);
  const size = await stat(file).then((s) => s.size, () => -1);
  if (size < 0) return [{ code: 'missing_shard', file, message: 'shard listed in the manifest is missing' }];
  if (size !== entry.bytes) return [{ code: 'corrupt_shard', file, message: `${size} bytes, the manifest says ${entry.bytes}` }];
  if ((await sha256File(file)) !== entry.sha256) return [{ code: 'checksum_mismatch', file, message: `sha256 does not match the manifest's ${entry.sha256}` }];
  try {
    for (const block of ds.blocks().filter((b) => b.shard === index)) await ds.readBlock(block);
    return [];
  } catch (err) {
    if (err instanceof UserError) return err.issues;
    throw err;
  }
}

export async function verifyDataset(dir: string): Promise<Issue[]> {
  const ds = await Dataset.open(dir);
  try {
    const issues: Issue[] = [];
    for (let i = 0; i < ds.manifest.shards.length; i++) issues.push(...(await shardIssues(ds, i)));
    return issues;
  } finally {
    await ds.close();
  }
}

function summary(dir: string, m: Manifest): Omit<InspectReport, 'fields' | 'sample' | 'verified'> {
  return {
    dir,
    name: m.name,
    kind: m.kind,
    schemaVersion: m.schemaVersion,
    rows: m.totalRows,
    batchRows: m.batchRows,
    fingerprint: m.fingerprint,
    source: m.source,
    shards: m.shards.map((s) => ({ file: s.file, rows: s.rows, bytes: s.bytes })),
  };
}

export async function inspectDataset(dir: string, o: { verify?: boolean } = {}): Promise<InspectReport> {
  const verifyIssues = o.verify ? await verifyDataset(dir) : undefined;
  const ds = await Dataset.open(dir);
  try {
    const report: InspectReport = { ...summary(dir, ds.manifest), fields: [] };
    if (verifyIssues) report.verified = { ok: verifyIssues.length === 0, issues: verifyIssues };
    if (ds.manifest.shards.length === 0 || verifyIssues?.length) return report;
    const schema = (await ds.shard(0)).schema;
    report.fields = schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable }));
    const row = await firstRow(ds);
    if (row) report.sample = await describeRow(row);
    return report;
  } finally {
    await ds.close();
  }
}

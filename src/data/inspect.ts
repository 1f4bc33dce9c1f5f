// What a dataset directory holds (kind, rows, shards, columns, one sample row) and, on request,
// whether its shards are intact: each file's size, structure and sha256 against the manifest, its
// schema against the kind, and every row readable. Images are not decoded by the check. Every shard
// inspect opens is hashed (verify mode 'always'), whatever the verification cache says.
import sharp from 'sharp';
import { UserError, type Issue } from '../util/errors.ts';
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

/** Issues with one shard: what opening it checks (size, structure, checksum, schema), then every row (read, not decoded). */
async function shardIssues(ds: Dataset, index: number): Promise<Issue[]> {
  try {
    await ds.shard(index);
    for (const block of ds.blocks().filter((b) => b.shard === index)) await ds.readBlock(block);
    return [];
  } catch (err) {
    if (err instanceof UserError) return err.issues;
    throw err;
  }
}

async function shardsIssues(ds: Dataset): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (let i = 0; i < ds.manifest.shards.length; i++) issues.push(...(await shardIssues(ds, i)));
  return issues;
}

/** Every problem with the dataset's shards (none means intact). */
export async function verifyDataset(dir: string): Promise<Issue[]> {
  const ds = await Dataset.open(dir, { verify: 'always' });
  try {
    return await shardsIssues(ds);
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
  const ds = await Dataset.open(dir, { verify: 'always' });
  try {
    const verifyIssues = o.verify ? await shardsIssues(ds) : undefined;
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

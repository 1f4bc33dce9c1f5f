// Writing a dataset directory: rows go into Arrow IPC shards of fixed-size record batches
// (`batchRows`, which the shuffled reader relies on), a new shard every `shardRows` rows or
// `shardBytes` bytes, then `dataset.json`. Everything is written in a staging directory that replaces
// the target only when `finish()` succeeds.
//
//   await writeDataset(dir, { kind: 'image-text', name: 'webli' }, rows)   -> Manifest
//   const w = await DatasetWriter.create(dir, options); await w.add(row); ...; await w.finish()
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchFileWriter, type Schema } from 'apache-arrow';
import { sha256File } from '../util/hash.ts';
import { getKind, type DatasetKind, type FieldSpec, type KindSpec } from './kinds.ts';
import { computeFingerprint, SCHEMA_VERSION, writeManifest, type AttributeWords, type Manifest, type ShardEntry } from './manifest.ts';
import { arrowSchemaFor, batchFromRows, columnsFor, type Row } from './schema.ts';
import { commitStagingDir, createStagingDir, discardStagingDir } from './staging.ts';

export interface WriterOptions {
  kind: DatasetKind;
  name: string;
  /** Rows per Arrow record batch (the unit of reading and shuffling). Default 256. */
  batchRows?: number;
  /** Start a new shard after this many rows. Default 8192. */
  shardRows?: number;
  /** ... or after this many bytes of row data. Default 256 MiB. */
  shardBytes?: number;
  /** Provenance recorded in the manifest (`source`). */
  source?: Record<string, unknown>;
  /** Attribute words recorded in the manifest (`attributes`). */
  attributes?: AttributeWords;
}

/**
 * A write that can continue after an interruption (importers/resume.ts): its staging directory is
 * fixed and kept when the write fails; the shards already closed there stay as they are.
 */
export interface ResumePoint {
  staging: string;
  shards: ShardEntry[];
  /** After each shard closes, with every shard closed so far: where a later attempt can start. */
  onShard(shards: ShardEntry[]): void;
}

const DEFAULT_BATCH_ROWS = 256;
const DEFAULT_SHARD_ROWS = 8192;
const DEFAULT_SHARD_BYTES = 256 * 2 ** 20;

/** One shard being written: record batches stream to the file as they fill. */
class ShardFile {
  readonly file: string;
  rows = 0;
  bytes = 0;
  private readonly writer = new RecordBatchFileWriter();
  private readonly out: WriteStream;
  private failure: Error | undefined;

  constructor(dir: string, index: number, schema: Schema) {
    this.file = `shard-${String(index).padStart(5, '0')}.arrow`;
    this.out = createWriteStream(join(dir, this.file));
    this.out.on('error', (err) => (this.failure = err));
    this.writer.toNodeStream().pipe(this.out);
    this.writer.reset(undefined, schema);
  }

  async write(columns: FieldSpec[], schema: Schema, rows: Row[]): Promise<void> {
    this.writer.write(batchFromRows(columns, schema, rows));
    this.rows += rows.length;
    this.bytes += rows.reduce((a, r) => a + rowBytes(r), 0);
    if (this.failure) throw this.failure;
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  async close(dir: string): Promise<ShardEntry> {
    this.writer.finish();
    if (!this.out.writableFinished && !this.failure) await once(this.out, 'finish');
    if (this.failure) throw this.failure;
    const path = join(dir, this.file);
    return { file: this.file, rows: this.rows, sha256: await sha256File(path), bytes: this.out.bytesWritten };
  }

  destroy(): void {
    this.out.destroy();
  }
}

function rowBytes(row: Row): number {
  let n = 0;
  for (const v of Object.values(row)) {
    if (v instanceof Uint8Array) n += v.byteLength;
    else if (Array.isArray(v)) n += v.reduce((a: number, x: unknown) => a + (x instanceof Uint8Array ? x.byteLength : String(x).length), 0);
    else if (typeof v === 'string') n += v.length;
  }
  return n;
}

export class DatasetWriter {
  private readonly kind: KindSpec;
  private columns: FieldSpec[] = [];
  private schema: Schema | undefined;
  private pending: Row[] = [];
  private shard: ShardFile | undefined;
  private readonly shards: ShardEntry[];
  private readonly batchRows: number;
  private readonly shardRows: number;
  private readonly shardBytes: number;

  private constructor(
    readonly dir: string,
    private readonly staging: string,
    private readonly options: WriterOptions,
    private readonly resume?: ResumePoint,
  ) {
    this.kind = getKind(options.kind);
    this.shards = [...(resume?.shards ?? [])];
    this.batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
    this.shardRows = Math.max(this.batchRows, Math.ceil((options.shardRows ?? DEFAULT_SHARD_ROWS) / this.batchRows) * this.batchRows);
    this.shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  }

  static async create(dir: string, options: WriterOptions, resume?: ResumePoint): Promise<DatasetWriter> {
    return new DatasetWriter(dir, resume?.staging ?? createStagingDir(dir), options, resume);
  }

  /** Append a row; the first row fixes which optional columns the dataset has. */
  async add(row: Row): Promise<void> {
    if (!this.schema) this.startSchema(row);
    this.checkRow(row);
    this.pending.push(row);
    if (this.pending.length === this.batchRows) await this.flushBatch();
  }

  private startSchema(first: Row): void {
    const names = this.kind.fields.filter((f) => first[f.name] !== undefined && first[f.name] !== null).map((f) => f.name);
    this.columns = columnsFor(this.kind, names);
    this.schema = arrowSchemaFor(this.columns);
  }

  /** Rows come from our own generators and importers, which check user data first: a bad row here is a bug. */
  private checkRow(row: Row): void {
    for (const spec of this.columns) {
      if (!spec.optional && (row[spec.name] === undefined || row[spec.name] === null)) {
        throw new Error(`${this.options.name}: row "${row.key}" lacks required column ${spec.name}`);
      }
    }
    const extra = Object.keys(row).filter((k) => row[k] !== undefined && !this.columns.some((c) => c.name === k));
    if (extra.length > 0) throw new Error(`${this.options.name}: row "${row.key}" has columns the first row lacked: ${extra.join(', ')}`);
  }

  private async flushBatch(): Promise<void> {
    if (this.pending.length === 0) return;
    this.shard ??= new ShardFile(this.staging, this.shards.length, this.schema!);
    await this.shard.write(this.columns, this.schema!, this.pending);
    this.pending = [];
    if (this.shard.rows >= this.shardRows || this.shard.bytes >= this.shardBytes) await this.closeShard();
  }

  private async closeShard(): Promise<void> {
    if (!this.shard) return;
    this.shards.push(await this.shard.close(this.staging));
    this.shard = undefined;
    this.resume?.onShard([...this.shards]);
  }

  /** Write what is pending and the manifest, then move the dataset into place. */
  async finish(): Promise<Manifest> {
    try {
      await this.flushBatch();
      await this.closeShard();
      const manifest = this.manifest();
      writeManifest(this.staging, manifest);
      commitStagingDir(this.staging, this.dir);
      return manifest;
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Drop everything written so far (a resumable write keeps its closed shards); the target directory is untouched. */
  abort(): void {
    this.shard?.destroy();
    if (!this.resume) discardStagingDir(this.staging);
  }

  private manifest(): Manifest {
    const base = { kind: this.options.kind, schemaVersion: SCHEMA_VERSION, shards: this.shards };
    return {
      ...base,
      name: this.options.name,
      batchRows: this.batchRows,
      totalRows: this.shards.reduce((a, s) => a + s.rows, 0),
      fingerprint: computeFingerprint(base),
      source: this.options.source ?? {},
      ...(this.options.attributes ? { attributes: this.options.attributes } : {}),
    };
  }
}

/** Write all `rows` as a dataset at `dir`; on any error `dir` is untouched and nothing is left behind (but a resumable write's closed shards). */
export async function writeDataset(dir: string, options: WriterOptions, rows: Iterable<Row> | AsyncIterable<Row>, resume?: ResumePoint): Promise<Manifest> {
  const writer = await DatasetWriter.create(dir, options, resume);
  try {
    for await (const row of rows) await writer.add(row);
  } catch (err) {
    writer.abort();
    throw err;
  }
  return writer.finish();
}

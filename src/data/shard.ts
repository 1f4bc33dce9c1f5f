// One Arrow IPC shard opened for random access by record batch. Opening checks, in this order: the
// size against the manifest's, the structure (shard-check.ts: bounded memory, before apache-arrow
// reads anything), the record batches' row counts against the manifest's, the content against the
// manifest's sha256 (as the dataset's verify mode asks: verify.ts), then the schema against the kind.
// Each batch is read when asked for. Any failure is a UserError naming the file (and the place).
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader, type AsyncRecordBatchFileReader, type RecordBatch, type Schema } from 'apache-arrow';
import { userError } from '../util/errors.ts';
import type { FieldSpec, KindSpec } from './kinds.ts';
import type { ShardEntry } from './manifest.ts';
import { checkShardSchema, rowFromBatch, type Row } from './schema.ts';
import { checkShardStructure } from './shard-check.ts';
import type { FileVersion, ShardVerifier } from './verify.ts';

export class ShardReader {
  private constructor(
    readonly file: string,
    readonly columns: FieldSpec[],
    private readonly handle: FileHandle,
    private readonly reader: AsyncRecordBatchFileReader,
    private readonly batchRows: number,
    private readonly rows: number,
  ) {}

  static async open(dir: string, entry: ShardEntry, kind: KindSpec, batchRows: number, verifier: ShardVerifier): Promise<ShardReader> {
    const file = join(dir, entry.file);
    const version = await checkSize(file, entry.bytes);
    const handle = await open(file);
    try {
      const { batchLengths } = await checkShardStructure(handle, version.size, file);
      checkBatchLengths(batchLengths, entry.rows, batchRows, file);
      await verifier.check(file, entry.file, version, entry.sha256);
      const reader = await openArrowFile(handle, file);
      const columns = checkShardSchema(kind, reader.schema, file);
      return new ShardReader(file, columns, handle, reader, batchRows, entry.rows);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  get schema(): Schema {
    return this.reader.schema;
  }

  get numBatches(): number {
    return this.reader.numRecordBatches;
  }

  /** Rows in record batch `index` (all but the last hold `batchRows`). */
  batchLength(index: number): number {
    return Math.min(this.batchRows, this.rows - index * this.batchRows);
  }

  async batch(index: number): Promise<RecordBatch> {
    let batch: RecordBatch | null;
    try {
      batch = await this.reader.readRecordBatch(index);
    } catch (err) {
      throw userError('corrupt_shard', `record batch ${index} cannot be read: ${(err as Error).message}`, { file: this.file });
    }
    if (!batch) throw userError('corrupt_shard', `record batch ${index} cannot be read`, { file: this.file });
    return batch;
  }

  /** Row `index` of record batch `batchIndex`, already read as `batch`. */
  row(batch: RecordBatch, batchIndex: number, index: number): Row {
    return rowFromBatch(this.columns, batch, index, { file: this.file, row: batchIndex * this.batchRows + index });
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

async function checkSize(file: string, bytes: number): Promise<FileVersion> {
  let version: FileVersion;
  try {
    const s = await stat(file);
    version = { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    throw userError('missing_shard', 'shard listed in the manifest is missing', { file });
  }
  if (version.size !== bytes) {
    const what = version.size < bytes ? 'truncated' : 'changed';
    throw userError('corrupt_shard', `${what}: ${version.size} bytes, the manifest says ${bytes}`, { file });
  }
  return version;
}

/** Every record batch but the last holds `batchRows` rows, `rows` in all, as the manifest implies. */
function checkBatchLengths(lengths: number[], rows: number, batchRows: number, file: string): void {
  const expected = Math.ceil(rows / batchRows);
  if (lengths.length !== expected) {
    throw userError('corrupt_shard', `has ${lengths.length} record batches, the manifest implies ${expected} (${rows} rows of ${batchRows})`, { file });
  }
  lengths.forEach((length, i) => {
    const want = Math.min(batchRows, rows - i * batchRows);
    if (length !== want) throw userError('corrupt_shard', `record batch ${i} has ${length} rows, expected ${want}`, { file });
  });
}

async function openArrowFile(handle: FileHandle, file: string): Promise<AsyncRecordBatchFileReader> {
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    if (!reader.isFile()) throw new Error('an Arrow stream, not an Arrow IPC file');
    return reader as AsyncRecordBatchFileReader;
  } catch (err) {
    throw userError('corrupt_shard', `not a readable Arrow IPC file: ${(err as Error).message}`, { file });
  }
}

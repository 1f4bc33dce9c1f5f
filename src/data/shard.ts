// One Arrow IPC shard opened for random access by record batch: only the footer is read on open,
// each batch is read when asked for. A file whose size differs from the manifest's, that is not an
// Arrow file, whose schema does not fit the kind, or whose batches are not the sizes the manifest
// implies is a UserError naming the file (and the batch).
import { open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader, type AsyncRecordBatchFileReader, type RecordBatch, type Schema } from 'apache-arrow';
import { userError } from '../util/errors.ts';
import type { FieldSpec, KindSpec } from './kinds.ts';
import type { ShardEntry } from './manifest.ts';
import { checkShardSchema, rowFromBatch, type Row } from './schema.ts';

export class ShardReader {
  private constructor(
    readonly file: string,
    readonly columns: FieldSpec[],
    private readonly handle: FileHandle,
    private readonly reader: AsyncRecordBatchFileReader,
    private readonly batchRows: number,
    private readonly rows: number,
  ) {}

  static async open(dir: string, entry: ShardEntry, kind: KindSpec, batchRows: number): Promise<ShardReader> {
    const file = join(dir, entry.file);
    await checkSize(file, entry.bytes);
    const handle = await open(file);
    try {
      const reader = await openArrowFile(handle, file);
      const columns = checkShardSchema(kind, reader.schema, file);
      const expected = Math.ceil(entry.rows / batchRows);
      if (reader.numRecordBatches !== expected) {
        throw userError('corrupt_shard', `has ${reader.numRecordBatches} record batches, the manifest implies ${expected} (${entry.rows} rows of ${batchRows})`, { file });
      }
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
    if (!batch || batch.numRows !== this.batchLength(index)) {
      throw userError('corrupt_shard', `record batch ${index} has ${batch?.numRows ?? 0} rows, expected ${this.batchLength(index)}`, { file: this.file });
    }
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

async function checkSize(file: string, bytes: number): Promise<void> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw userError('missing_shard', 'shard listed in the manifest is missing', { file });
  }
  if (size !== bytes) {
    const what = size < bytes ? 'truncated' : 'changed';
    throw userError('corrupt_shard', `${what}: ${size} bytes, the manifest says ${bytes}`, { file });
  }
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

// An opened dataset directory: its manifest, and record batches read on demand from its shards
// (at most `maxOpenShards` shard files open at once). The unit of reading is a record batch
// (`RowBlock`: shard index, batch index); nothing reads the whole dataset into memory.
//
// Shards are checked on open (shard.ts); `verify` says when their sha256 is (verify.ts).
//
//   const ds = await Dataset.open(dir, { verify: 'first-use' })
//   for await (const row of ds.rows()) ...          // every row, in stored order
//   const rows = await ds.readBlock({ shard, batch }) // one record batch's rows
//   await ds.close()
import { UserError } from '../util/errors.ts';
import { getKind, type KindSpec } from './kinds.ts';
import { readManifest, type Manifest } from './manifest.ts';
import type { Row } from './schema.ts';
import { ShardReader } from './shard.ts';
import { DEFAULT_VERIFY, ShardVerifier, type VerifyMode } from './verify.ts';

export interface RowBlock {
  shard: number;
  batch: number;
}

/** What to do with a row that cannot be read or decoded: fail (naming it) or skip it and count it. */
export type BadRowPolicy = 'error' | 'skip';

export interface DatasetOptions {
  maxOpenShards?: number;
  /** When a shard's content is checked against the manifest's sha256; default 'first-use'. */
  verify?: VerifyMode;
}

export class Dataset {
  private readonly open = new Map<number, Promise<ShardReader>>();
  readonly kind: KindSpec;
  private readonly verifier: ShardVerifier;

  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    private readonly maxOpenShards: number,
    verify: VerifyMode,
  ) {
    this.kind = getKind(manifest.kind);
    this.verifier = new ShardVerifier(dir, verify);
  }

  static async open(dir: string, options: DatasetOptions = {}): Promise<Dataset> {
    return new Dataset(dir, readManifest(dir), options.maxOpenShards ?? 8, options.verify ?? DEFAULT_VERIFY);
  }

  get name(): string {
    return this.manifest.name;
  }

  /** Every record batch of every shard, in stored order. */
  blocks(): RowBlock[] {
    const out: RowBlock[] = [];
    this.manifest.shards.forEach((s, shard) => {
      for (let batch = 0; batch * this.manifest.batchRows < s.rows; batch++) out.push({ shard, batch });
    });
    return out;
  }

  blockLength(block: RowBlock): number {
    const rows = this.manifest.shards[block.shard].rows;
    return Math.min(this.manifest.batchRows, rows - block.batch * this.manifest.batchRows);
  }

  /** The rows of one record batch. A row that cannot be read throws, or is left out (as `null`) under 'skip'. */
  async readBlock(block: RowBlock, policy: BadRowPolicy = 'error'): Promise<(Row | null)[]> {
    const reader = await this.shard(block.shard);
    const batch = await reader.batch(block.batch);
    const rows: (Row | null)[] = [];
    for (let i = 0; i < batch.numRows; i++) rows.push(readOrSkip(() => reader.row(batch, block.batch, i), policy));
    return rows;
  }

  /** Every row in stored order; rows that cannot be read follow `policy`. */
  async *rows(policy: BadRowPolicy = 'error'): AsyncGenerator<Row> {
    for (const block of this.blocks()) {
      for (const row of await this.readBlock(block, policy)) if (row) yield row;
    }
  }

  /** The shard's reader, opening it (and closing the least recently used one beyond the limit). */
  async shard(index: number): Promise<ShardReader> {
    let reader = this.open.get(index);
    if (reader) {
      this.open.delete(index);
    } else {
      reader = ShardReader.open(this.dir, this.manifest.shards[index], this.kind, this.manifest.batchRows, this.verifier);
      reader.catch(() => this.open.delete(index));
    }
    this.open.set(index, reader);
    if (this.open.size > this.maxOpenShards) await this.evictOldest();
    return reader;
  }

  private async evictOldest(): Promise<void> {
    const [index, oldest] = this.open.entries().next().value!;
    this.open.delete(index);
    await (await oldest).close();
  }

  async close(): Promise<void> {
    const readers = [...this.open.values()];
    this.open.clear();
    await Promise.all(readers.map(async (r) => (await r.catch(() => undefined))?.close()));
  }
}

function readOrSkip(read: () => Row, policy: BadRowPolicy): Row | null {
  if (policy === 'error') return read();
  try {
    return read();
  } catch (err) {
    if (err instanceof UserError) return null;
    throw err;
  }
}

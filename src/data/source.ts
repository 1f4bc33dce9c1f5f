// One dataset read as an endless shuffled stream: epoch after epoch in the order of order.ts, one
// window of record batches in memory at a time. `position()` after a `next()` is where a reopened
// source continues with exactly the row that would have come next.
import { join } from 'node:path';
import { userError } from '../util/errors.ts';
import type { BadRowPolicy, Dataset, RowBlock } from './dataset.ts';
import { advance, epochWindows, windowRowOrder, type SourcePosition } from './order.ts';
import type { RowPlace, Row } from './schema.ts';

export interface SourceRow {
  row: Row;
  place: RowPlace;
}

interface LoadedWindow {
  epoch: number;
  window: number;
  rows: (Row | null)[];
  places: RowPlace[];
  order: number[];
}

export class ShuffledSource {
  private windows: { epoch: number; list: RowBlock[][] } | undefined;
  private loaded: LoadedWindow | undefined;
  /** Rows left out because they could not be read (policy 'skip'). */
  skipped = 0;

  constructor(
    readonly dataset: Dataset,
    private readonly seed: number,
    private pos: SourcePosition,
    private readonly windowBlocks: number,
    private readonly policy: BadRowPolicy,
  ) {
    if (dataset.manifest.totalRows === 0) throw userError('empty_dataset', 'the dataset has no rows to stream', { file: dataset.dir });
  }

  /** Where reading resumes: after the last row `next()` returned. */
  position(): SourcePosition {
    return { ...this.pos };
  }

  /** The next readable row. */
  async next(): Promise<SourceRow> {
    for (let misses = 0; misses <= this.dataset.manifest.totalRows; misses++) {
      const w = await this.window();
      const index = w.order[this.pos.offset];
      this.pos = advance(this.pos, w.order.length, this.windowList().length);
      const row = w.rows[index];
      if (row) return { row, place: w.places[index] };
      this.skipped++;
    }
    throw userError('no_readable_rows', 'no row of the dataset can be read', { file: this.dataset.dir });
  }

  private windowList(): RowBlock[][] {
    const epoch = this.pos.epoch;
    if (this.windows?.epoch !== epoch) this.windows = { epoch, list: epochWindows(this.dataset.blocks(), this.seed, epoch, this.windowBlocks) };
    return this.windows.list;
  }

  private async window(): Promise<LoadedWindow> {
    const { epoch, window } = this.pos;
    if (this.loaded?.epoch === epoch && this.loaded.window === window) return this.loaded;
    const blocks = this.windowList()[window];
    if (!blocks) throw userError('bad_position', `position names window ${window} but epoch ${epoch} has ${this.windowList().length}`, { file: this.dataset.dir });
    const rows: (Row | null)[] = [];
    const places: RowPlace[] = [];
    for (const block of blocks) {
      const blockRows = await this.dataset.readBlock(block, this.policy);
      const file = join(this.dataset.dir, this.dataset.manifest.shards[block.shard].file);
      blockRows.forEach((r, i) => {
        rows.push(r);
        places.push({ file, row: block.batch * this.dataset.manifest.batchRows + i });
      });
    }
    if (this.pos.offset >= rows.length) throw userError('bad_position', `position offset ${this.pos.offset} is past the window's ${rows.length} rows`, { file: this.dataset.dir });
    this.loaded = { epoch, window, rows, places, order: windowRowOrder(rows.length, this.seed, epoch, window) };
    return this.loaded;
  }
}

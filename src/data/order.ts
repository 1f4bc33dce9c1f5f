// The order in which a dataset's rows are read in one epoch, a pure function of (seed, epoch):
// the record batches of all shards are permuted (which interleaves the shards), grouped into
// windows of `windowBlocks` batches, and the rows of each window are permuted again. This is a
// shuffle with a bounded buffer (one window of rows in memory), and a position in it is three
// numbers, {epoch, window, offset}, from which reading resumes without replaying anything.
import { Rng } from '../util/rng.ts';
import type { RowBlock } from './dataset.ts';

export interface SourcePosition {
  epoch: number;
  /** Index of the window within the epoch. */
  window: number;
  /** Rows of the window already taken. */
  offset: number;
}

export const DEFAULT_WINDOW_BLOCKS = 8;

/** The epoch's record batches, permuted and grouped into windows. */
export function epochWindows(blocks: RowBlock[], seed: number, epoch: number, windowBlocks: number): RowBlock[][] {
  const order = Rng.derive(seed, `blocks:${epoch}`).shuffle([...blocks]);
  const windows: RowBlock[][] = [];
  for (let i = 0; i < order.length; i += windowBlocks) windows.push(order.slice(i, i + windowBlocks));
  return windows;
}

/** The order in which a window's `rows` rows are taken. */
export function windowRowOrder(rows: number, seed: number, epoch: number, window: number): number[] {
  return Rng.derive(seed, `rows:${epoch}:${window}`).shuffle(Array.from({ length: rows }, (_, i) => i));
}

/** The position after taking one more row of a window of `windowRows` rows, out of `windowCount` windows. */
export function advance(p: SourcePosition, windowRows: number, windowCount: number): SourcePosition {
  if (p.offset + 1 < windowRows) return { ...p, offset: p.offset + 1 };
  if (p.window + 1 < windowCount) return { epoch: p.epoch, window: p.window + 1, offset: 0 };
  return { epoch: p.epoch + 1, window: 0, offset: 0 };
}

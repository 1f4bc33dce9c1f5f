// What every importer shares: its common options, its report, and writing its rows as a dataset
// (atomically: a failed import leaves the output directory as it was).
import { userError, type Issue } from '../../util/errors.ts';
import { mapAhead, puller, take } from '../async-iter.ts';
import type { Manifest } from '../manifest.ts';
import type { Row } from '../schema.ts';
import { writeDataset, type WriterOptions } from '../writer.ts';
import { BadRows } from './bad-rows.ts';

export interface ImportCommon {
  /** Output dataset directory. */
  out: string;
  /** Leave out rows that cannot be imported (counted in the report) instead of failing. */
  skipBad?: boolean;
  /** Dataset name in the manifest; default: the output directory's name. */
  name?: string;
  /** Import at most this many rows. */
  limit?: number;
}

export interface ImportReport {
  out: string;
  kind: string;
  rows: number;
  shards: number;
  fingerprint: string;
  /** Rows left out as bad (only with skipBad), and the first few problems. */
  skipped: number;
  problems: Issue[];
  /** Rows left out for a reason that is not an error (e.g. downloads that had failed). */
  notes: Record<string, number>;
}

/** Write `rows` to `o.out`, stopping after `o.limit` rows, and report; no row at all is an error at `input`. */
export async function writeImport(o: ImportCommon, input: string, writer: Omit<WriterOptions, 'name'>, rows: AsyncIterable<Row>, bad: BadRows, notes: Record<string, number> = {}): Promise<ImportReport> {
  const manifest: Manifest = await writeDataset(o.out, { ...writer, name: o.name ?? defaultName(o.out) }, nonEmpty(take(rows, o.limit), input, bad));
  return { out: o.out, kind: manifest.kind, rows: manifest.totalRows, shards: manifest.shards.length, fingerprint: manifest.fingerprint, skipped: bad.count, problems: bad.examples, notes };
}

export function defaultName(out: string): string {
  return out.replace(/[/\\]+$/, '').split(/[/\\]/).pop() || 'dataset';
}

const PARALLEL_ITEMS = 8;

/**
 * The rows `make` builds from each item (reading and checking images, a few items at once), in item
 * order. An item that fails is reported when its turn comes, so that rows past a limit are never judged.
 */
export async function* checkedRows<T>(items: Iterable<T> | AsyncIterable<T>, make: (item: T) => Promise<Row | Row[]>, bad: BadRows): AsyncGenerator<Row> {
  for await (const attempt of mapAhead(puller(items), (item) => bad.attempt(() => make(item)), PARALLEL_ITEMS)) {
    const made = bad.settle(attempt);
    if (made) yield* Array.isArray(made) ? made : [made];
  }
}

/**
 * The rows, failing at the end if there were none (before the dataset is committed); `already`
 * counts rows written by an earlier attempt, `onEnd` runs once every row is out.
 */
export async function* nonEmpty(rows: AsyncIterable<Row>, input: string, bad: BadRows, o: { already?: number; onEnd?: () => void } = {}): AsyncGenerator<Row> {
  let n = o.already ?? 0;
  for await (const row of rows) {
    n++;
    yield row;
  }
  if (n === 0) throw userError('no_rows', `no row could be imported${bad.count > 0 ? ` (${bad.count} bad rows skipped)` : ''}`, { file: input });
  o.onEnd?.();
}

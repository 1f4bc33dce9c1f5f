// The shared half of every video importer: the input as a list of videos, each with the rows it
// becomes once decoded (one per caption or question); a bounded pool of ffmpeg processes decodes
// them in input order; rows go to a resumable write (resume.ts) with a progress line every few
// seconds. A video that cannot be read or decoded is a bad row naming the file and the reason.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { sha256Hex } from '../../util/hash.ts';
import { userError, type SourcePos } from '../../util/errors.ts';
import { mapAhead, puller } from '../async-iter.ts';
import type { DatasetKind } from '../kinds.ts';
import type { Row } from '../schema.ts';
import { decodeClip, VideoError } from '../video/decode.ts';
import { requireFfmpeg } from '../video/ffmpeg.ts';
import { samplingRecord, type FrameSampling } from '../video/sampling.ts';
import { writeDataset } from '../writer.ts';
import { BadRows } from './bad-rows.ts';
import { defaultName, nonEmpty, type ImportCommon, type ImportReport } from './common.ts';
import { dropProgress, openResume, saveProgress } from './resume.ts';

export interface VideoImportOptions extends ImportCommon {
  videos: string; // the folder the annotation's video names are found in
  frames?: number; // frames kept per clip (default 8, as the paper)
  size?: number; // square side of the stored frames (default 224)
  jobs?: number; // ffmpeg processes at once (default: the cores, at most 8)
  timeout?: number; // seconds one video may take to decode (default 120)
  shardRows?: number; // rows per shard, the unit a resumed import keeps (default 1024)
  log?: (line: string) => void; // progress lines; default stderr
}

/** One video of the input and the rows it becomes. */
export interface VideoItem {
  file: string; // the video file
  where: SourcePos & { path?: (string | number)[] }; // the annotation naming it
  rows(frames: Uint8Array[]): Row[];
}

export const VIDEO_DEFAULTS = { frames: 8, size: 224, timeout: 120, shardRows: 1024 };
const PROGRESS_EVERY_MS = 5000;

export function samplingOf(o: VideoImportOptions): FrameSampling {
  return { frames: o.frames ?? VIDEO_DEFAULTS.frames, size: o.size ?? VIDEO_DEFAULTS.size };
}

async function decodeItem(ffmpeg: string, item: VideoItem, sampling: FrameSampling, timeoutMs: number): Promise<Row[]> {
  if (!existsSync(item.file)) throw userError('missing_video', `video file ${item.file} does not exist`, item.where);
  try {
    return item.rows((await decodeClip(ffmpeg, item.file, sampling, timeoutMs)).frames);
  } catch (err) {
    if (err instanceof VideoError) throw userError('bad_video', `video ${item.file} does not decode: ${err.message}`, item.where);
    throw err;
  }
}

function progressLine(done: number, total: number, rows: number, startedMs: number): string {
  const rate = done / Math.max(1e-3, (Date.now() - startedMs) / 1000);
  return `decoded ${done}/${total} videos (${rate.toFixed(1)} videos/s), ${rows} rows`;
}

/** Import `items` as a `kind` dataset at `o.out`, continuing a partial import of the same inputs and options; `bad` may hold the annotation's bad rows. */
export async function importVideos(o: VideoImportOptions, input: string, kind: DatasetKind, source: Record<string, unknown>, items: VideoItem[], notes: Record<string, number> = {}, bad = new BadRows(o.skipBad ?? false)): Promise<ImportReport> {
  const ffmpeg = requireFfmpeg().path;
  const sampling = samplingOf(o);
  const timeoutMs = (o.timeout ?? VIDEO_DEFAULTS.timeout) * 1000;
  const shardRows = o.shardRows ?? VIDEO_DEFAULTS.shardRows;
  const jobs = o.jobs ?? Math.min(8, os.availableParallelism());
  const fullSource = { ...source, sampling: samplingRecord(sampling) };
  const key = sha256Hex(JSON.stringify({ kind, fullSource, items: items.map((i) => i.file), limit: o.limit ?? null, skipBad: !!o.skipBad, shardRows, name: o.name ?? null }));
  const state = openResume(o.out, key);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (state.note) log(state.note);
  const start = state.progress ?? { shards: [], item: 0, rowsOfItem: 0, skipped: 0, problems: [] };
  const written = start.shards.reduce((a, s) => a + s.rows, 0);
  if (state.progress) log(`resuming: ${start.shards.length} shards (${written} rows) kept, continuing at video ${start.item + 1} of ${items.length}`);
  if (state.progress) {
    bad.count = start.skipped; // the earlier attempt's count, the annotation's bad rows included
    bad.examples.splice(0, bad.examples.length, ...start.problems);
  }
  const cursor = { item: start.item, rowsOfItem: start.rowsOfItem };
  const startedMs = Date.now();
  let lastLog = startedMs;
  let rowsOut = written;

  async function* rows(): AsyncGenerator<Row> {
    const todo = items.map((item, index) => ({ item, index })).slice(start.item);
    const decoded = mapAhead(puller(todo), async (t) => ({ index: t.index, attempt: await bad.attempt(() => decodeItem(ffmpeg, t.item, sampling, timeoutMs)) }), jobs);
    for await (const { index, attempt } of decoded) {
      const made = bad.settle(attempt) ?? [];
      const skip = index === start.item ? start.rowsOfItem : 0; // rows of this video already in kept shards
      for (let r = skip; r < made.length; r++) {
        if (o.limit !== undefined && rowsOut >= o.limit) return;
        cursor.item = index;
        cursor.rowsOfItem = r + 1;
        rowsOut++;
        yield made[r];
      }
      if (Date.now() - lastLog >= PROGRESS_EVERY_MS) {
        lastLog = Date.now();
        log(progressLine(index + 1 - start.item, items.length - start.item, rowsOut, startedMs));
      }
    }
  }

  const resume = { staging: state.staging, shards: start.shards, onShard: (shards: typeof start.shards) => saveProgress(state.staging, { key, shards, ...cursor, skipped: bad.count, problems: bad.examples }) };
  const counted = nonEmpty(rows(), input, bad, { already: written, onEnd: () => dropProgress(state.staging) });
  const manifest = await writeDataset(o.out, { kind, name: o.name ?? defaultName(o.out), source: fullSource, batchRows: Math.min(256, shardRows), shardRows }, counted, resume);
  log(progressLine(items.length - start.item, items.length - start.item, manifest.totalRows, startedMs));
  return { out: o.out, kind: manifest.kind, rows: manifest.totalRows, shards: manifest.shards.length, fingerprint: manifest.fingerprint, skipped: bad.count, problems: bad.examples, notes };
}

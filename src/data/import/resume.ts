// Where a resumable import stands: its staging directory `.<out>.partial` beside the output keeps the
// shards closed so far and `import-progress.json`, rewritten after each shard closes: the options'
// key, the shards, the input item and how many of its rows those shards hold, and the bad rows
// skipped until then. A re-run with the same options continues there; with other options (another
// key) it starts over. The dataset is committed, without the progress file, when the import ends.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Issue } from '../../util/errors.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import type { ShardEntry } from '../manifest.ts';
import { discardStagingDir, resumableStagingDir } from '../staging.ts';

export const PROGRESS_FILE = 'import-progress.json';

export interface ImportProgress {
  key: string; // a hash of what decides the output: input files, options, sampling
  shards: ShardEntry[];
  item: number; // the input item (a video) of the last row in those shards
  rowsOfItem: number; // how many of that item's rows they hold
  skipped: number;
  problems: Issue[];
}

const progressSchema = z.object({
  key: z.string(),
  shards: z.array(z.object({ file: z.string(), rows: z.number(), sha256: z.string(), bytes: z.number() })),
  item: z.number().int(),
  rowsOfItem: z.number().int(),
  skipped: z.number().int(),
  problems: z.array(z.looseObject({ code: z.string(), message: z.string() })),
});

export interface ResumeState {
  staging: string;
  progress: ImportProgress | null; // null: starting from the first item
  note?: string; // why an earlier partial import was not continued
}

function readProgress(staging: string): ImportProgress | null {
  const file = join(staging, PROGRESS_FILE);
  if (!existsSync(file)) return null;
  try {
    const r = progressSchema.safeParse(readJsonFile(file));
    return r.success ? (r.data as ImportProgress) : null;
  } catch {
    return null; // cut short while written: start over
  }
}

/** Open the staging directory of an import to `out` with options `key`: continue a matching partial import, else start clean. */
export function openResume(out: string, key: string): ResumeState {
  let staging = resumableStagingDir(out);
  const found = readProgress(staging);
  if (found && found.key === key) {
    const keep = new Set([PROGRESS_FILE, ...found.shards.map((s) => s.file)]);
    for (const f of readdirSync(staging)) if (!keep.has(f)) rmSync(join(staging, f), { recursive: true, force: true }); // a shard cut short
    return { staging, progress: found };
  }
  const stale = readdirSync(staging).length > 0;
  if (stale) {
    discardStagingDir(staging);
    staging = resumableStagingDir(out);
  }
  return { staging, progress: null, ...(stale ? { note: found ? 'an earlier partial import had other inputs or options: starting over' : 'an earlier partial import left no progress: starting over' } : {}) };
}

export function saveProgress(staging: string, p: ImportProgress): void {
  writeFileAtomic(join(staging, PROGRESS_FILE), `${JSON.stringify(p)}\n`);
}

/** Before the staging directory becomes the dataset. */
export function dropProgress(staging: string): void {
  rmSync(join(staging, PROGRESS_FILE), { force: true });
}

// Retention: per stage output keep the last checkpoint, the best k by the kind's selectBy metric
// and every checkpoint a downstream stage started from; free the rest, and checkpoint directories
// the database does not know (an attempt killed between writing and recording). Each output is
// pruned holding its store lock, taken without waiting: one a stage process is working on is left
// alone, and no stage starts on it (or records a checkpoint) while gc reads and frees it.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { liveCheckpoints, markCheckpointDeleted, type CheckpointRecord } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import { referencedCheckpoints } from '../track/lineage.ts';
import { storeDir } from '../track/root.ts';
import { exclusiveIn, tryStoreLock } from './store-lock.ts';

export interface GcOptions {
  root: string;
  keepBest: number;
  dryRun: boolean;
}

export interface GcItem {
  path: string; // relative to the root
  bytes: number;
  why: string;
}

export interface GcReport {
  freed: GcItem[];
  freedBytes: number;
  kept: number;
  dryRun: boolean;
}

export function collectGarbage(db: Db, opts: GcOptions): GcReport {
  const referenced = referencedCheckpoints(db);
  const freed: GcItem[] = [];
  let kept = 0;
  for (const fp of storedOutputs(db, opts.root)) {
    const release = tryStoreLock(storeDir(opts.root, fp), exclusiveIn(db));
    if (!release) {
      kept += liveCheckpoints(db, fp).length; // in use
      continue;
    }
    try {
      const list = liveCheckpoints(db, fp);
      const keep = list.length > 0 ? keptSteps(list, opts.keepBest, referenced) : new Set<number>();
      for (const c of list) {
        if (keep.has(c.step)) kept++;
        else freed.push(freeCheckpoint(db, opts, c));
      }
      freed.push(...unrecordedDirs(opts, fp, new Set(list.map((c) => c.path))));
    } finally {
      release();
    }
  }
  return { freed, freedBytes: freed.reduce((n, f) => n + f.bytes, 0), kept, dryRun: opts.dryRun };
}

/** Outputs with a store directory and live checkpoints or a checkpoint folder (in the database's order, then the rest). */
function storedOutputs(db: Db, root: string): string[] {
  const store = join(root, 'store');
  const onDisk = existsSync(store) ? readdirSync(store).filter((fp) => existsSync(join(store, fp, 'ckpt'))) : [];
  const recorded = [...new Set(liveCheckpoints(db).map((c) => c.fingerprint))].filter((fp) => existsSync(storeDir(root, fp)));
  return [...new Set([...recorded, ...onDisk])];
}

/** Steps to keep: the last, the best k by score, and those referenced downstream. */
export function keptSteps(list: CheckpointRecord[], keepBest: number, referenced: Set<string>): Set<number> {
  const keep = new Set<number>([Math.max(...list.map((c) => c.step))]);
  const scored = list.filter((c) => c.score !== null).sort((a, b) => rank(a) - rank(b) || b.step - a.step);
  for (const c of scored.slice(0, keepBest)) keep.add(c.step);
  for (const c of list) if (referenced.has(`${c.fingerprint}@${c.step}`)) keep.add(c.step);
  return keep;
}

function rank(c: CheckpointRecord): number {
  return c.scoreMode === 'max' ? -c.score! : c.score!;
}

function freeCheckpoint(db: Db, opts: GcOptions, c: CheckpointRecord): GcItem {
  if (!opts.dryRun) {
    markCheckpointDeleted(db, c.id);
    rmSync(join(opts.root, c.path), { recursive: true, force: true });
  }
  return { path: c.path, bytes: c.bytes, why: `step ${c.step}: not last, not best, not referenced` };
}

/** Checkpoint directories of output `fp` that no live checkpoint row points at (`recorded`). */
function unrecordedDirs(opts: GcOptions, fp: string, recorded: Set<string>): GcItem[] {
  const ckpt = join(storeDir(opts.root, fp), 'ckpt');
  if (!existsSync(ckpt)) return [];
  const items: GcItem[] = [];
  for (const name of readdirSync(ckpt)) {
    const path = relative(opts.root, join(ckpt, name));
    if (recorded.has(path)) continue;
    items.push({ path, bytes: dirBytes(join(ckpt, name)), why: name.startsWith('.') ? 'unfinished write' : 'not recorded in the database' });
    if (!opts.dryRun) rmSync(join(ckpt, name), { recursive: true, force: true });
  }
  return items;
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

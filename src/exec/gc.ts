// Retention: per stage output keep the last checkpoint, the best k by the kind's selectBy metric
// and every checkpoint a downstream stage started from; free the rest, and checkpoint directories
// the database does not know (an attempt killed between writing and recording). Outputs being
// worked on (store lock held) are left alone.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { liveCheckpoints, markCheckpointDeleted, type CheckpointRecord } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import { referencedCheckpoints } from '../track/lineage.ts';
import { storeDir } from '../track/root.ts';
import { isLocked } from './store-lock.ts';

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
  const byOutput = new Map<string, CheckpointRecord[]>();
  for (const c of liveCheckpoints(db)) byOutput.set(c.fingerprint, [...(byOutput.get(c.fingerprint) ?? []), c]);
  const freed: GcItem[] = [];
  let kept = 0;
  for (const [fp, list] of byOutput) {
    if (isLocked(storeDir(opts.root, fp))) {
      kept += list.length;
      continue;
    }
    const keep = keptSteps(list, opts.keepBest, referenced);
    for (const c of list) {
      if (keep.has(c.step)) kept++;
      else freed.push(freeCheckpoint(db, opts, c));
    }
  }
  freed.push(...unrecordedDirs(db, opts));
  return { freed, freedBytes: freed.reduce((n, f) => n + f.bytes, 0), kept, dryRun: opts.dryRun };
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

/** Checkpoint directories under the store that no live checkpoint row points at. */
function unrecordedDirs(db: Db, opts: GcOptions): GcItem[] {
  const store = join(opts.root, 'store');
  if (!existsSync(store)) return [];
  const live = new Set(liveCheckpoints(db).map((c) => c.path));
  const items: GcItem[] = [];
  for (const fp of readdirSync(store)) {
    const ckpt = join(store, fp, 'ckpt');
    if (!existsSync(ckpt) || isLocked(join(store, fp))) continue;
    for (const name of readdirSync(ckpt)) {
      const path = relative(opts.root, join(ckpt, name));
      if (live.has(path)) continue;
      items.push({ path, bytes: dirBytes(join(ckpt, name)), why: name.startsWith('.') ? 'unfinished write' : 'not recorded in the database' });
      if (!opts.dryRun) rmSync(join(ckpt, name), { recursive: true, force: true });
    }
  }
  return items;
}

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

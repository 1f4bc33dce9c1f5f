// Checkpoints: one row per (fingerprint, step) pointing at a directory under the store, with its
// content hash, size, the score that ranks it (the kind's selectBy metric) and tags. The runner
// keeps `last` on the highest step and `best` on the best score; gc marks rows deleted. A
// checkpoint is intact when its directory still holds the files, size and sha256 recorded for it.
import { basename, join } from 'node:path';
import { checkpointDamage } from '../ckpt/digest.ts';
import { nowIso, type Db } from './db.ts';

export interface CheckpointRecord {
  id: number;
  fingerprint: string;
  step: number;
  path: string; // relative to the root
  files: string[];
  sha256: string;
  bytes: number;
  score: number | null;
  scoreMode: 'min' | 'max' | null;
  tags: string[];
  createdAt: string;
}

export type NewCheckpoint = Omit<CheckpointRecord, 'id' | 'createdAt'>;

/** Record (or re-record, after a replay) a checkpoint, and move the `last` / `best` tags. */
export function recordCheckpoint(db: Db, c: NewCheckpoint): CheckpointRecord {
  db.transaction(() => {
    db.prepare(`INSERT INTO checkpoints (fingerprint, step, path, files, sha256, bytes, score, score_mode, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (fingerprint, step) DO UPDATE SET path = excluded.path, files = excluded.files, sha256 = excluded.sha256, bytes = excluded.bytes,
      score = excluded.score, score_mode = excluded.score_mode, created_at = excluded.created_at, deleted_at = NULL`)
      .run(c.fingerprint, c.step, c.path, JSON.stringify(c.files), c.sha256, c.bytes, c.score, c.scoreMode, nowIso());
    const id = (db.prepare('SELECT id FROM checkpoints WHERE fingerprint = ? AND step = ?').get(c.fingerprint, c.step) as { id: number }).id;
    db.prepare('DELETE FROM checkpoint_tags WHERE checkpoint_id = ?').run(id);
    const tag = db.prepare('INSERT OR IGNORE INTO checkpoint_tags (checkpoint_id, tag) VALUES (?, ?)');
    for (const t of c.tags) tag.run(id, t);
    retag(db, c.fingerprint);
  })();
  return latestCheckpoint(db, c.fingerprint, c.step)!;
}

/** Put `last` on the highest live step and `best` on the best-scored live checkpoint. */
function retag(db: Db, fingerprint: string): void {
  db.prepare("DELETE FROM checkpoint_tags WHERE tag IN ('last', 'best') AND checkpoint_id IN (SELECT id FROM checkpoints WHERE fingerprint = ?)").run(fingerprint);
  const live = 'FROM checkpoints WHERE fingerprint = ? AND deleted_at IS NULL';
  const last = db.prepare(`SELECT id ${live} ORDER BY step DESC LIMIT 1`).get(fingerprint) as { id: number } | undefined;
  const best = db.prepare(`SELECT id ${live} AND score IS NOT NULL ORDER BY CASE score_mode WHEN 'max' THEN -score ELSE score END, step DESC LIMIT 1`).get(fingerprint) as { id: number } | undefined;
  const tag = db.prepare('INSERT OR IGNORE INTO checkpoint_tags (checkpoint_id, tag) VALUES (?, ?)');
  if (last) tag.run(last.id, 'last');
  if (best) tag.run(best.id, 'best');
}

interface CheckpointRow {
  id: number; fingerprint: string; step: number; path: string; files: string; sha256: string; bytes: number; score: number | null;
  score_mode: 'min' | 'max' | null; created_at: string; tags: string | null;
}

const SELECT = `SELECT c.*, (SELECT group_concat(tag, ',') FROM (SELECT tag FROM checkpoint_tags WHERE checkpoint_id = c.id ORDER BY tag)) AS tags FROM checkpoints c`;

function toRecord(r: CheckpointRow): CheckpointRecord {
  return {
    id: r.id, fingerprint: r.fingerprint, step: r.step, path: r.path, files: JSON.parse(r.files), sha256: r.sha256, bytes: r.bytes, score: r.score,
    scoreMode: r.score_mode, tags: r.tags ? r.tags.split(',') : [], createdAt: r.created_at,
  };
}

/** The live checkpoint with the highest step (at most `maxStep`), if any. */
export function latestCheckpoint(db: Db, fingerprint: string, maxStep = Number.MAX_SAFE_INTEGER): CheckpointRecord | null {
  const row = db.prepare(`${SELECT} WHERE c.fingerprint = ? AND c.deleted_at IS NULL AND c.step <= ? ORDER BY c.step DESC LIMIT 1`).get(fingerprint, maxStep) as CheckpointRow | undefined;
  return row ? toRecord(row) : null;
}

export function liveCheckpoints(db: Db, fingerprint?: string): CheckpointRecord[] {
  const where = fingerprint === undefined ? '' : 'AND c.fingerprint = ?';
  const rows = db.prepare(`${SELECT} WHERE c.deleted_at IS NULL ${where} ORDER BY c.fingerprint, c.step`).all(...(fingerprint === undefined ? [] : [fingerprint])) as CheckpointRow[];
  return rows.map(toRecord);
}

export function markCheckpointDeleted(db: Db, id: number): void {
  db.transaction(() => {
    db.prepare('UPDATE checkpoints SET deleted_at = ? WHERE id = ?').run(nowIso(), id);
    db.prepare('DELETE FROM checkpoint_tags WHERE checkpoint_id = ?').run(id);
  })();
}

export interface DamagedCheckpoint {
  checkpoint: CheckpointRecord;
  reason: string; // `sha256 mismatch: recorded 3f2a9c1b7d4e.., found 9a8b7c6d5e4f..`
}

/**
 * The newest live checkpoint of an output that is intact, and the newer ones that are not (newest
 * first): what a resume may start from, and what it must skip. Reads the files; changes nothing.
 */
export function newestIntactCheckpoint(db: Db, root: string, fingerprint: string): { intact: CheckpointRecord | null; damaged: DamagedCheckpoint[] } {
  const damaged: DamagedCheckpoint[] = [];
  for (const checkpoint of liveCheckpoints(db, fingerprint).reverse()) {
    const reason = checkpointDamage(join(root, checkpoint.path), checkpoint);
    if (reason === null) return { intact: checkpoint, damaged };
    damaged.push({ checkpoint, reason });
  }
  return { intact: null, damaged };
}

/** `skipping checkpoint step-00000400 (sha256 mismatch: ...); resuming from step-00000300` */
export function describeSkipped(found: { intact: CheckpointRecord | null; damaged: DamagedCheckpoint[] }): string {
  const skipped = found.damaged.map((d) => `${basename(d.checkpoint.path)} (${d.reason})`).join(', ');
  const then = found.intact ? `resuming from ${basename(found.intact.path)}` : 'no intact checkpoint is left: starting from step 0';
  return `skipping checkpoint ${skipped}; ${then}`;
}

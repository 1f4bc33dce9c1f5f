// Job stores: a stage that runs as a cluster job never opens the root's tracking database (WAL mode
// needs shared memory on one host, and NFS locking is unreliable). It works on a store of its own,
// one SQLite file with the same schema in rollback-journal mode, which the controller seeds before
// submitting and merges back after the job ends; checkpoints and artifacts go to runs/store/ as
// always. Seeding copies what the stage reads: its run, trial and the trial's stage rows, and the
// outputs, checkpoints and artifacts of the trial's fingerprints. Merging copies what one stage
// produced (its stage row, and its fingerprint's output, metrics, checkpoints with their tags,
// artifacts and edges) and may be repeated: every row is keyed, so a second merge changes nothing,
// an output only moves to a newer state, and a checkpoint gc deleted stays deleted.
import { existsSync } from 'node:fs';
import type { Db } from './db.ts';

const SCHEMA = 'src_store';

/** Copy into the fresh store `store` what trial `trial` of run `runId` reads from the root database `main`. */
export function seedJobStore(store: Db, mainPath: string, runId: string, trial: number): void {
  withAttached(store, mainPath, () => {
    const m = SCHEMA;
    const fps = `SELECT fingerprint FROM ${m}.stages WHERE run_id = :run AND trial = :trial`;
    const p = { run: runId, trial };
    store.prepare(`INSERT OR IGNORE INTO experiments SELECT e.* FROM ${m}.experiments e JOIN ${m}.runs r ON r.experiment_id = e.id WHERE r.id = :run`).run({ run: runId });
    store.prepare(`INSERT OR IGNORE INTO runs SELECT * FROM ${m}.runs WHERE id = :run`).run({ run: runId });
    store.prepare(`INSERT OR IGNORE INTO trials SELECT * FROM ${m}.trials WHERE run_id = :run AND trial = :trial`).run(p);
    store.prepare(`INSERT OR IGNORE INTO stages SELECT * FROM ${m}.stages WHERE run_id = :run AND trial = :trial`).run(p);
    store.prepare(`INSERT OR IGNORE INTO outputs SELECT * FROM ${m}.outputs WHERE fingerprint IN (${fps})`).run(p);
    store.prepare(`INSERT OR IGNORE INTO checkpoints SELECT * FROM ${m}.checkpoints WHERE fingerprint IN (${fps})`).run(p);
    store.prepare(`INSERT OR IGNORE INTO checkpoint_tags SELECT t.* FROM ${m}.checkpoint_tags t JOIN ${m}.checkpoints c ON c.id = t.checkpoint_id
      WHERE c.fingerprint IN (${fps})`).run(p);
    store.prepare(`INSERT OR IGNORE INTO artifacts SELECT * FROM ${m}.artifacts WHERE fingerprint IN (${fps})`).run(p);
  });
}

export interface MergeScope {
  fingerprint: string;
  stageId: number; // the stage row (same id in every copy: seeded from the root)
  lineage: boolean; // also metrics and edges (into the root; a job reading an upstream store needs neither)
}

/** Merge what the stage of `scope` recorded in the store file `storePath` into `into`. A missing store is a no-op (false). */
export function mergeJobStore(into: Db, storePath: string, scope: MergeScope): boolean {
  if (!existsSync(storePath)) return false;
  withAttached(into, storePath, () => {
    const j = SCHEMA;
    const fp = { fp: scope.fingerprint };
    into.prepare(`INSERT OR IGNORE INTO outputs SELECT * FROM ${j}.outputs WHERE fingerprint = :fp`).run(fp);
    into.prepare(`UPDATE outputs SET status = s.status, step = s.step, producer_stage_id = s.producer_stage_id, updated_at = s.updated_at,
      finished_at = s.finished_at FROM ${j}.outputs s WHERE s.fingerprint = :fp AND outputs.fingerprint = :fp AND s.updated_at > outputs.updated_at`).run(fp);
    into.prepare(`UPDATE stages SET status = s.status, step = s.step, progress = s.progress, pid = s.pid, host = s.host, started_at = s.started_at,
      ended_at = s.ended_at, error = s.error FROM ${j}.stages s WHERE s.id = :id AND stages.id = :id`).run({ id: scope.stageId });
    into.prepare(`INSERT INTO checkpoints (fingerprint, step, path, files, sha256, bytes, score, score_mode, created_at, deleted_at)
      SELECT fingerprint, step, path, files, sha256, bytes, score, score_mode, created_at, deleted_at FROM ${j}.checkpoints WHERE fingerprint = :fp
      ON CONFLICT (fingerprint, step) DO UPDATE SET path = excluded.path, files = excluded.files, sha256 = excluded.sha256, bytes = excluded.bytes,
      score = excluded.score, score_mode = excluded.score_mode, created_at = excluded.created_at,
      deleted_at = COALESCE(checkpoints.deleted_at, excluded.deleted_at)`).run(fp);
    into.prepare(`DELETE FROM checkpoint_tags WHERE checkpoint_id IN (SELECT id FROM checkpoints WHERE fingerprint = :fp)`).run(fp);
    into.prepare(`INSERT OR IGNORE INTO checkpoint_tags SELECT c.id, t.tag FROM ${j}.checkpoint_tags t JOIN ${j}.checkpoints sc ON sc.id = t.checkpoint_id
      JOIN checkpoints c ON c.fingerprint = sc.fingerprint AND c.step = sc.step WHERE sc.fingerprint = :fp AND c.deleted_at IS NULL`).run(fp);
    into.prepare(`INSERT INTO artifacts (fingerprint, name, path, sha256, bytes, created_at)
      SELECT fingerprint, name, path, sha256, bytes, created_at FROM ${j}.artifacts WHERE fingerprint = :fp
      ON CONFLICT (fingerprint, name) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at`).run(fp);
    if (!scope.lineage) return;
    into.prepare(`INSERT INTO metrics SELECT * FROM ${j}.metrics WHERE fingerprint = :fp
      ON CONFLICT (fingerprint, key, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time`).run(fp);
    into.prepare(`INSERT INTO edges (fingerprint, stage_id, role, upstream_stage, upstream_fingerprint, step, sha256, path, created_at)
      SELECT fingerprint, stage_id, role, upstream_stage, upstream_fingerprint, step, sha256, path, created_at FROM ${j}.edges WHERE fingerprint = :fp
      ON CONFLICT (fingerprint, role) DO UPDATE SET stage_id = excluded.stage_id, upstream_stage = excluded.upstream_stage,
      upstream_fingerprint = excluded.upstream_fingerprint, step = excluded.step, sha256 = excluded.sha256, path = excluded.path, created_at = excluded.created_at`).run(fp);
  });
  return true;
}

/** Run `body` in one transaction with `path` attached to `db`. */
function withAttached(db: Db, path: string, body: () => void): void {
  db.prepare(`ATTACH DATABASE ? AS ${SCHEMA}`).run(path);
  try {
    db.transaction(body).immediate();
  } finally {
    db.prepare(`DETACH DATABASE ${SCHEMA}`).run();
  }
}

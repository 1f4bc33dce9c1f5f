// Stage rows: one per (run, trial, stage name), what the plan decided for it and what happened.
import { nowIso, type Db } from './db.ts';

export type StageStatus = 'pending' | 'running' | 'done' | 'cached' | 'failed' | 'interrupted' | 'skipped';

export interface NewStage {
  trial: number;
  name: string;
  kind: string;
  fingerprint: string;
  action: 'run' | 'resume' | 'cached';
  reason: string;
  cachedFrom: string | null;
  resumedFromStep: number | null;
  dependsOn: string[];
  upstream: Record<string, string | string[]>; // role -> upstream stage name(s)
  status: StageStatus;
  totalSteps: number;
  logPath: string | null;
}

export interface StageRecord extends NewStage {
  id: number;
  runId: string;
  step: number | null;
  progress: Record<string, number> | null;
  pid: number | null;
  host: string | null;
  startedAt: string | null;
  endedAt: string | null;
  error: string | null;
}

export function insertStages(db: Db, runId: string, stages: NewStage[]): Map<string, number> {
  const insert = db.prepare(`INSERT INTO stages (run_id, trial, name, kind, fingerprint, action, reason, cached_from, resumed_from_step,
    depends_on, upstream, status, total_steps, log_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const ids = new Map<string, number>();
  db.transaction(() => {
    for (const s of stages) {
      const r = insert.run(runId, s.trial, s.name, s.kind, s.fingerprint, s.action, s.reason, s.cachedFrom, s.resumedFromStep,
        JSON.stringify(s.dependsOn), JSON.stringify(s.upstream), s.status, s.totalSteps, s.logPath);
      ids.set(`${s.trial}/${s.name}`, Number(r.lastInsertRowid));
    }
  })();
  return ids;
}

const COLUMNS = {
  status: 'status', step: 'step', progress: 'progress', pid: 'pid', host: 'host', startedAt: 'started_at', endedAt: 'ended_at', error: 'error',
} as const;

export type StageUpdate = Partial<Pick<StageRecord, keyof typeof COLUMNS>>;

export function updateStage(db: Db, id: number, update: StageUpdate): void {
  const keys = Object.keys(update) as (keyof typeof COLUMNS)[];
  if (keys.length === 0) return;
  const values = keys.map((k) => (k === 'progress' ? JSON.stringify(update[k]) : update[k]));
  db.prepare(`UPDATE stages SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`).run(...values, id);
}

/** Mark a stage finished with `status` (and an error text for failures). */
export function endStage(db: Db, id: number, status: StageStatus, error: string | null = null): void {
  updateStage(db, id, { status, endedAt: nowIso(), error });
}

interface StageRow {
  id: number; run_id: string; trial: number; name: string; kind: string; fingerprint: string; action: NewStage['action']; reason: string;
  cached_from: string | null; resumed_from_step: number | null; depends_on: string; upstream: string; status: StageStatus; step: number | null;
  total_steps: number; progress: string | null; pid: number | null; host: string | null; log_path: string | null; started_at: string | null;
  ended_at: string | null; error: string | null;
}

function toRecord(r: StageRow): StageRecord {
  return {
    id: r.id, runId: r.run_id, trial: r.trial, name: r.name, kind: r.kind, fingerprint: r.fingerprint, action: r.action, reason: r.reason,
    cachedFrom: r.cached_from, resumedFromStep: r.resumed_from_step, dependsOn: JSON.parse(r.depends_on), upstream: JSON.parse(r.upstream),
    status: r.status, step: r.step, totalSteps: r.total_steps, progress: r.progress ? JSON.parse(r.progress) : null, pid: r.pid, host: r.host,
    logPath: r.log_path, startedAt: r.started_at, endedAt: r.ended_at, error: r.error,
  };
}

export function getStage(db: Db, runId: string, trial: number, name: string): StageRecord | null {
  const row = db.prepare('SELECT * FROM stages WHERE run_id = ? AND trial = ? AND name = ?').get(runId, trial, name) as StageRow | undefined;
  return row ? toRecord(row) : null;
}

export function stagesOfRun(db: Db, runId: string): StageRecord[] {
  return (db.prepare('SELECT * FROM stages WHERE run_id = ? ORDER BY id').all(runId) as StageRow[]).map(toRecord);
}

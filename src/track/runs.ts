// Experiments, runs and their trials. A run is one `vadapter run` invocation; runs left `running`
// by a process that no longer exists (kill -9, power loss) are found and marked interrupted.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isProcessAlive } from '../util/liveness.ts';
import { nowIso, type Db } from './db.ts';

export type RunStatus = 'running' | 'done' | 'failed' | 'interrupted';

export interface NewRun {
  id: string;
  experiment: string;
  specPath: string;
  overrides: string[];
  plugins: string[];
  codeVersion: string;
  gitCommit: string | null;
  gitDirty: boolean | null;
  versions: Record<string, string>;
  jobs: number;
}

export interface RunRecord extends NewRun {
  host: string;
  pid: number;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
}

export interface TrialRecord {
  trial: number;
  label: string;
  assignments: Record<string, unknown>;
  spec: unknown; // the trial's resolved ExperimentSpec
}

/** `20250131-235959-1a2b`: sortable by start time, unique enough across concurrent starts. */
export function newRunId(date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function createRun(db: Db, run: NewRun, trials: TrialRecord[]): void {
  db.transaction(() => {
    db.prepare('INSERT OR IGNORE INTO experiments (name, created_at) VALUES (?, ?)').run(run.experiment, nowIso());
    const { id: experimentId } = db.prepare('SELECT id FROM experiments WHERE name = ?').get(run.experiment) as { id: number };
    db.prepare(
      `INSERT INTO runs (id, experiment_id, spec_path, overrides, plugins, code_version, git_commit, git_dirty, versions, host, pid, jobs, status, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`,
    ).run(run.id, experimentId, run.specPath, JSON.stringify(run.overrides), JSON.stringify(run.plugins), run.codeVersion, run.gitCommit,
      run.gitDirty === null ? null : Number(run.gitDirty), JSON.stringify(run.versions), hostname(), process.pid, run.jobs, nowIso());
    const insert = db.prepare('INSERT INTO trials (run_id, trial, label, assignments, spec) VALUES (?, ?, ?, ?, ?)');
    for (const t of trials) insert.run(run.id, t.trial, t.label, JSON.stringify(t.assignments), JSON.stringify(t.spec));
  })();
}

export function finishRun(db: Db, id: string, status: RunStatus): void {
  db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(status, nowIso(), id);
}

interface RunRow {
  id: string;
  experiment: string;
  spec_path: string;
  overrides: string;
  plugins: string;
  code_version: string;
  git_commit: string | null;
  git_dirty: number | null;
  versions: string;
  host: string;
  pid: number;
  jobs: number;
  status: RunStatus;
  started_at: string;
  ended_at: string | null;
}

const RUN_SELECT = 'SELECT r.*, e.name AS experiment FROM runs r JOIN experiments e ON e.id = r.experiment_id';

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id, experiment: r.experiment, specPath: r.spec_path, overrides: JSON.parse(r.overrides), plugins: JSON.parse(r.plugins),
    codeVersion: r.code_version, gitCommit: r.git_commit, gitDirty: r.git_dirty === null ? null : r.git_dirty === 1,
    versions: JSON.parse(r.versions), host: r.host, pid: r.pid, jobs: r.jobs, status: r.status, startedAt: r.started_at, endedAt: r.ended_at,
  };
}

export function getRun(db: Db, id: string): RunRecord | null {
  const row = db.prepare(`${RUN_SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined;
  return row ? toRecord(row) : null;
}

/** The most recent runs first. */
export function listRuns(db: Db, limit = 10): RunRecord[] {
  return (db.prepare(`${RUN_SELECT} ORDER BY r.started_at DESC, r.id DESC LIMIT ?`).all(limit) as RunRow[]).map(toRecord);
}

export function getTrial(db: Db, runId: string, trial: number): TrialRecord | null {
  const row = db.prepare('SELECT * FROM trials WHERE run_id = ? AND trial = ?').get(runId, trial) as { trial: number; label: string; assignments: string; spec: string } | undefined;
  return row ? { trial: row.trial, label: row.label, assignments: JSON.parse(row.assignments), spec: JSON.parse(row.spec) } : null;
}

/**
 * Runs of this host still marked running whose process is gone: mark them, their stages and outputs
 * interrupted. A run with cluster jobs is left to them (track/cluster-jobs.ts): its process may have detached.
 */
export function markAbandonedRuns(db: Db): string[] {
  const running = db.prepare(`SELECT id, pid FROM runs WHERE status = 'running' AND host = ?
    AND NOT EXISTS (SELECT 1 FROM cluster_jobs j WHERE j.run_id = runs.id)`).all(hostname()) as { id: string; pid: number }[];
  const gone = running.filter((r) => r.pid !== process.pid && !isProcessAlive(r.pid)).map((r) => r.id);
  db.transaction(() => {
    for (const id of gone) {
      db.prepare("UPDATE runs SET status = 'interrupted', ended_at = ? WHERE id = ?").run(nowIso(), id);
      db.prepare(`UPDATE outputs SET status = 'interrupted', updated_at = ? WHERE status = 'running'
        AND producer_stage_id IN (SELECT id FROM stages WHERE run_id = ? AND status = 'running')`).run(nowIso(), id);
      db.prepare("UPDATE stages SET status = 'interrupted', ended_at = ? WHERE run_id = ? AND status IN ('running', 'pending')").run(nowIso(), id);
    }
  })();
  return gone;
}

// Cluster jobs: one row per stage a cluster executor submitted, with the scheduler's job id, the
// job store it writes (track/job-store.ts), the last state seen and when the job was seen ended
// (its store merged for the last time). A run with open rows is settled by its jobs, not by the
// process that submitted them (which may have detached).
import { nowIso, type Db } from './db.ts';

export interface ClusterJob {
  runId: string;
  trial: number;
  stage: string;
  executor: string;
  jobId: string;
  store: string; // the job store directory, relative to the root
  state: string | null;
  reason: string | null;
  submittedAt: string;
  endedAt: string | null;
}

interface Row {
  run_id: string; trial: number; stage: string; executor: string; job_id: string; store: string; state: string | null; reason: string | null;
  submitted_at: string; ended_at: string | null;
}

const toJob = (r: Row): ClusterJob => ({
  runId: r.run_id, trial: r.trial, stage: r.stage, executor: r.executor, jobId: r.job_id, store: r.store, state: r.state, reason: r.reason,
  submittedAt: r.submitted_at, endedAt: r.ended_at,
});

export function recordClusterJob(db: Db, j: Pick<ClusterJob, 'runId' | 'trial' | 'stage' | 'executor' | 'jobId' | 'store'>): void {
  db.prepare(`INSERT INTO cluster_jobs (run_id, trial, stage, executor, job_id, store, state, submitted_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?)`)
    .run(j.runId, j.trial, j.stage, j.executor, j.jobId, j.store, nowIso());
}

export function updateClusterJob(db: Db, j: ClusterJob, update: { state: string; reason: string | null; ended: boolean }): void {
  db.prepare('UPDATE cluster_jobs SET state = ?, reason = ?, ended_at = ? WHERE run_id = ? AND trial = ? AND stage = ?')
    .run(update.state, update.reason, update.ended ? nowIso() : null, j.runId, j.trial, j.stage);
}

export function clusterJobsOfRun(db: Db, runId: string): ClusterJob[] {
  return (db.prepare('SELECT * FROM cluster_jobs WHERE run_id = ? ORDER BY submitted_at, trial, stage').all(runId) as Row[]).map(toJob);
}

/** Jobs not yet seen ended, of every run. */
export function openClusterJobs(db: Db): ClusterJob[] {
  return (db.prepare('SELECT * FROM cluster_jobs WHERE ended_at IS NULL ORDER BY run_id, submitted_at').all() as Row[]).map(toJob);
}

export function getClusterJob(db: Db, runId: string, trial: number, stage: string): ClusterJob | null {
  const row = db.prepare('SELECT * FROM cluster_jobs WHERE run_id = ? AND trial = ? AND stage = ?').get(runId, trial, stage) as Row | undefined;
  return row ? toJob(row) : null;
}

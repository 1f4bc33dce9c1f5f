// What `vadapter status` reports: recent runs with their stage counts, and one run's stages with
// progress, latest metrics, errors and cluster jobs. A run marked running whose process is gone
// shows as such (unless Slurm jobs carry it).
import { hostname } from 'node:os';
import type { Db } from '../track/db.ts';
import { clusterJobsOfRun } from '../track/cluster-jobs.ts';
import { latestMetrics } from '../track/metrics.ts';
import { getRun, listRuns, type RunRecord } from '../track/runs.ts';
import { isProcessAlive } from '../util/liveness.ts';
import { stagesOfRun, type StageStatus } from '../track/stages.ts';
import { userError, type UserError } from '../util/errors.ts';

export interface RunStatusRow {
  id: string;
  experiment: string;
  status: string; // the recorded status, or "running (process gone)"
  startedAt: string;
  endedAt: string | null;
  stages: Partial<Record<StageStatus, number>>;
}

export interface StageStatusRow {
  trial: number;
  stage: string;
  kind: string;
  fingerprint: string;
  action: string;
  status: StageStatus;
  step: number | null;
  totalSteps: number;
  metrics: Record<string, number | null>;
  cachedFrom: string | null;
  error: string | null;
  logPath: string | null;
  job: { id: string; state: string | null; reason: string | null } | null; // its cluster job, when it ran as one
}

export interface StatusReport {
  runs: RunStatusRow[];
  run: (RunStatusRow & { stageRows: StageStatusRow[] }) | null; // the run asked for, else the latest
}

function displayStatus(db: Db, r: RunRecord): string {
  if (r.status !== 'running') return r.status;
  if (clusterJobsOfRun(db, r.id).length > 0) return 'running (slurm jobs)';
  const gone = r.host === hostname() && r.pid !== process.pid && !isProcessAlive(r.pid);
  return gone ? 'running (process gone)' : r.status;
}

function runRow(db: Db, r: RunRecord): RunStatusRow {
  const stages: Partial<Record<StageStatus, number>> = {};
  for (const s of stagesOfRun(db, r.id)) stages[s.status] = (stages[s.status] ?? 0) + 1;
  return { id: r.id, experiment: r.experiment, status: displayStatus(db, r), startedAt: r.startedAt, endedAt: r.endedAt, stages };
}

/** `--run ID` naming no run of `dbFile`, with the most recent run ids to choose from. */
export function unknownRunError(id: string, dbFile: string, recent: string[]): UserError {
  const runs = recent.length > 0 ? `the latest: ${recent.join(', ')} (\`vadapter status\` lists more)` : 'there are no runs yet';
  return userError('unknown_run', `no run "${id}" in ${dbFile}; ${runs}`);
}

export function collectStatus(db: Db, opts: { run?: string; limit?: number } = {}): StatusReport {
  const runs = listRuns(db, opts.limit ?? 10);
  const chosen = opts.run ? getRun(db, opts.run) : (runs[0] ?? null);
  if (opts.run && !chosen) throw unknownRunError(opts.run, db.name, runs.slice(0, 3).map((r) => r.id));
  const run = chosen ? { ...runRow(db, chosen), stageRows: stageRows(db, chosen.id) } : null;
  return { runs: runs.map((r) => runRow(db, r)), run };
}

function stageRows(db: Db, runId: string): StageStatusRow[] {
  const jobs = new Map(clusterJobsOfRun(db, runId).map((j) => [`${j.trial}/${j.stage}`, { id: j.jobId, state: j.state, reason: j.reason }]));
  return stagesOfRun(db, runId).map((s) => ({
    trial: s.trial, stage: s.name, kind: s.kind, fingerprint: s.fingerprint, action: s.action, status: s.status, step: s.step,
    totalSteps: s.totalSteps, metrics: latestMetrics(db, s.fingerprint), cachedFrom: s.cachedFrom, error: s.error, logPath: s.logPath,
    job: jobs.get(`${s.trial}/${s.name}`) ?? null,
  }));
}

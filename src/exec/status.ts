// What `vadapter status` reports: recent runs with their stage counts, and one run's stages with
// progress, latest metrics and errors. A run marked running whose process is gone shows as such.
import { hostname } from 'node:os';
import type { Db } from '../track/db.ts';
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
}

export interface StatusReport {
  runs: RunStatusRow[];
  run: (RunStatusRow & { stageRows: StageStatusRow[] }) | null; // the run asked for, else the latest
}

function displayStatus(r: RunRecord): string {
  const gone = r.status === 'running' && r.host === hostname() && r.pid !== process.pid && !isProcessAlive(r.pid);
  return gone ? 'running (process gone)' : r.status;
}

function runRow(db: Db, r: RunRecord): RunStatusRow {
  const stages: Partial<Record<StageStatus, number>> = {};
  for (const s of stagesOfRun(db, r.id)) stages[s.status] = (stages[s.status] ?? 0) + 1;
  return { id: r.id, experiment: r.experiment, status: displayStatus(r), startedAt: r.startedAt, endedAt: r.endedAt, stages };
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
  return stagesOfRun(db, runId).map((s) => ({
    trial: s.trial, stage: s.name, kind: s.kind, fingerprint: s.fingerprint, action: s.action, status: s.status, step: s.step,
    totalSteps: s.totalSteps, metrics: latestMetrics(db, s.fingerprint), cachedFrom: s.cachedFrom, error: s.error, logPath: s.logPath,
  }));
}

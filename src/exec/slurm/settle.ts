// Settling cluster jobs in the root database: a job that ended has its store merged
// (track/job-store.ts) and its stage row reconciled with how Slurm says it ended — a job that died
// before recording its end (killed, out of time, node failure) leaves its stage failed or
// interrupted, one Slurm cancelled for a failed upstream leaves it skipped. A run whose jobs have
// all ended and whose controller is gone (detached, or stopped) is finished from its stage rows.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { nowIso, type Db } from '../../track/db.ts';
import { openClusterJobs, updateClusterJob, type ClusterJob } from '../../track/cluster-jobs.ts';
import { mergeJobStore } from '../../track/job-store.ts';
import { getOutput } from '../../track/outputs.ts';
import { finishRun, getRun, type RunStatus } from '../../track/runs.ts';
import { endStage, getStage, stagesOfRun, updateStage, type StageRecord } from '../../track/stages.ts';
import { isProcessAlive } from '../../util/liveness.ts';
import { jobStorePath } from '../job-store-dir.ts';
import { recordOutcome } from '../stage-exec.ts';
import { ENDED_STATES, jobState, queuedStates, slurmAvailable, type JobState } from './commands.ts';

const INTERRUPTING = new Set(['CANCELLED', 'PREEMPTED', 'TIMEOUT']);

/** Merge an ended job's store and reconcile its stage row; returns the row as it now stands. */
export function settleClusterJob(db: Db, root: string, job: ClusterJob, state: JobState | null): StageRecord {
  const stage = getStage(db, job.runId, job.trial, job.stage)!;
  mergeJobStore(db, jobStorePath(join(root, job.store)), { fingerprint: stage.fingerprint, stageId: stage.id, lineage: true });
  const row = getStage(db, job.runId, job.trial, job.stage)!;
  const st = state ?? { state: 'UNKNOWN', reason: null, exitCode: null, restarts: 0 };
  if (row.status === 'pending' || row.status === 'running') {
    if (st.state === 'CANCELLED' && st.reason?.startsWith('Dependency')) {
      endStage(db, row.id, 'skipped', `slurm cancelled job ${job.jobId}: upstream ${unfinishedUpstream(db, row).join(', ') || 'job'} did not finish`);
    } else {
      const exit = st.exitCode && st.exitCode !== '0:0' ? `, exit ${st.exitCode}` : '';
      recordOutcome(db, row, INTERRUPTING.has(st.state) ? 'interrupted' : 'failed', `slurm job ${job.jobId} ended ${st.state}${exit} before the stage recorded its end`);
    }
  }
  updateClusterJob(db, job, { state: st.state, reason: st.reason, ended: true });
  return getStage(db, job.runId, job.trial, job.stage)!;
}

function unfinishedUpstream(db: Db, s: StageRecord): string[] {
  return s.dependsOn.filter((d) => !['done', 'cached'].includes(getStage(db, s.runId, s.trial, d)?.status ?? ''));
}

/**
 * Settle every open job that has ended (for `status`, `cancel` and the next `run`), and finish the
 * runs left with no open job whose controller is gone. Without Slurm's commands, nothing is known: no-op.
 */
export function settleEndedJobs(db: Db, root: string): void {
  const open = openClusterJobs(db);
  if (open.length === 0 || !slurmAvailable()) return;
  const queued = queuedStates(open.map((j) => j.jobId));
  for (const job of open) {
    const q = queued.get(job.jobId) ?? jobState(job.jobId);
    if (q && !ENDED_STATES.has(q.state)) updateClusterJob(db, job, { state: q.state, reason: q.reason, ended: false });
    else settleClusterJob(db, root, job, q);
  }
  const stillOpen = new Set(openClusterJobs(db).map((j) => j.runId));
  for (const runId of new Set(open.map((j) => j.runId))) {
    const run = getRun(db, runId);
    const controllerAlive = run?.host === hostname() && run.pid !== process.pid && isProcessAlive(run.pid);
    if (run?.status === 'running' && !stillOpen.has(runId) && !controllerAlive) finishFromRows(db, runId);
  }
}

/** A run's end from its stage rows: stages that share a computed fingerprint follow it; then failed > interrupted > done. */
export function finishFromRows(db: Db, runId: string): RunStatus {
  for (const s of stagesOfRun(db, runId).filter((r) => r.status === 'pending')) {
    if (getOutput(db, s.fingerprint)?.status === 'done') updateStage(db, s.id, { status: 'cached', endedAt: nowIso() });
    else endStage(db, s.id, 'skipped', 'the stage that computes the same fingerprint did not finish');
  }
  const statuses = new Set(stagesOfRun(db, runId).map((s) => s.status));
  const status: RunStatus = statuses.has('failed') ? 'failed' : statuses.has('interrupted') || statuses.has('skipped') ? 'interrupted' : 'done';
  finishRun(db, runId, status);
  return status;
}

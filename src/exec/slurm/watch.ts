// The waiting controller: polls squeue for the run's jobs and each running job's progress file, and
// turns them into the same observer events as the local executor; a job that leaves the queue is
// settled (settle.ts) and reported finished, with its log's tail when it failed. Ctrl-C either
// cancels the jobs (then waits for them to stop and record it) or leaves them running.
import { setTimeout as sleep } from 'node:timers/promises';
import { getClusterJob, updateClusterJob } from '../../track/cluster-jobs.ts';
import type { Db } from '../../track/db.ts';
import { readJobProgress } from '../job-store-dir.ts';
import { tailLines } from '../log-tail.ts';
import type { RunObserver, StageEnd, StageRef } from '../run.ts';
import type { JobResult } from '../scheduler.ts';
import { ENDED_STATES, jobState, queuedStates, scancel, type JobState } from './commands.ts';
import { settleClusterJob } from './settle.ts';
import type { SubmittedJob } from './submit.ts';

export type InterruptChoice = 'cancel' | 'leave';

export interface WatchOptions {
  root: string;
  runId: string;
  pollSeconds: number;
  signal?: AbortSignal;
  onInterrupt?: () => Promise<InterruptChoice>; // asked once after the signal aborts (default: leave them running)
}

interface Seen {
  state: string | null;
  startedAt: string | null;
  step: number | null;
}

const LOG_TAIL_LINES = 20;

/** Wait until every job has ended (then each fingerprint's result), or until the user leaves them running ('left'). */
export async function watchSlurmJobs(db: Db, jobs: Map<string, SubmittedJob>, observer: RunObserver, opts: WatchOptions): Promise<Map<string, JobResult> | 'left'> {
  const open = new Map(jobs);
  const seen = new Map<string, Seen>([...jobs.keys()].map((fp) => [fp, { state: null, startedAt: null, step: null }]));
  const results = new Map<string, JobResult>();
  let cancelled = false;
  while (open.size > 0) {
    if (opts.signal?.aborted && !cancelled) {
      if ((await opts.onInterrupt?.()) !== 'cancel') return 'left';
      scancel([...open.values()].map((j) => j.jobId));
      cancelled = true;
    }
    const queued = queuedStates([...open.values()].map((j) => j.jobId));
    for (const [fp, job] of open) {
      const ref: StageRef = { trial: job.plan.stage.trial, stage: job.plan.stage.stage, fingerprint: fp };
      const q = queued.get(job.jobId) ?? jobState(job.jobId); // squeue skips some passing states (a requeue): ask scontrol
      if (q && !ENDED_STATES.has(q.state)) {
        follow(db, opts.runId, job, ref, q.state, q.reason, seen.get(fp)!, observer);
        continue;
      }
      results.set(fp, finish(db, opts, job, ref, q, observer));
      open.delete(fp);
    }
    if (open.size > 0) await sleep(opts.pollSeconds * 1000, undefined, { signal: cancelled ? undefined : opts.signal }).catch(() => undefined);
  }
  return results;
}

/** A job still queued or running: its state changes as notes, its progress file as started / progress events. */
function follow(db: Db, runId: string, job: SubmittedJob, ref: StageRef, state: string, reason: string | null, seen: Seen, observer: RunObserver): void {
  if (state !== seen.state) {
    observer.note?.(ref, `slurm job ${job.jobId} ${state.toLowerCase()}${reason ? ` (${reason})` : ''}`);
    const row = getClusterJob(db, runId, ref.trial, ref.stage);
    if (row) updateClusterJob(db, row, { state, reason, ended: false });
    seen.state = state;
  }
  const p = readJobProgress(job.plan.dir);
  if (p?.started && p.started.at !== seen.startedAt) {
    if (seen.startedAt !== null || p.started.restart > 0) observer.note?.(ref, `slurm job ${job.jobId} runs again (restart ${p.started.restart})`);
    seen.startedAt = p.started.at;
    observer.started?.(ref, { resumeFrom: p.started.resumeFrom, total: job.plan.stage.totalSteps, warning: p.started.warning });
  }
  if (p?.progress && seen.startedAt !== null && p.progress.step !== seen.step) {
    seen.step = p.progress.step;
    observer.progress?.(ref, p.progress);
  }
}

function finish(db: Db, opts: WatchOptions, job: SubmittedJob, ref: StageRef, state: JobState | null, observer: RunObserver): JobResult {
  const row = getClusterJob(db, opts.runId, ref.trial, ref.stage)!;
  const stage = settleClusterJob(db, opts.root, row, state);
  const seconds = stage.startedAt && stage.endedAt ? (Date.parse(stage.endedAt) - Date.parse(stage.startedAt)) / 1000 : 0;
  const end: StageEnd = { status: stage.status, seconds, logPath: job.plan.logPath };
  if (stage.status === 'failed') Object.assign(end, { error: stage.error ?? 'failed', logTail: tailLines(job.plan.logPath, LOG_TAIL_LINES) });
  if (stage.status === 'skipped') Object.assign(end, { error: stage.error ?? 'skipped' });
  observer.finished?.(ref, end);
  return stage.status === 'done' || stage.status === 'cached' ? 'done' : stage.status === 'skipped' ? 'skipped' : stage.status === 'failed' ? 'failed' : 'interrupted';
}

// `vadapter run`: prepare and plan the experiment, record the run, then execute every stage that
// is not cached once per fingerprint, in dependency order — locally as child processes, up to
// `jobs` at a time, or as Slurm jobs (slurm/) — and record how each ended. An observer receives
// events for live display.
import { missingDataIssues } from '../graph/missing-data.ts';
import type { Plan, PlannedStage } from '../graph/plan.ts';
import { openDb, type Db } from '../track/db.ts';
import { UserError } from '../util/errors.ts';
import { finishRun, markAbandonedRuns, newRunId, type RunStatus } from '../track/runs.ts';
import { endStage, getStage, stagesOfRun, updateStage, type StageStatus } from '../track/stages.ts';
import { tailLines } from './log-tail.ts';
import { spawnStage } from './local.ts';
import { threadsPerJob } from '../backend/wasm/threads.ts';
import { EXIT, type ChildMessage } from './messages.ts';
import { planPrepared, prepareExperiment, type PrepareOptions, type Prepared } from './prepare.ts';
import type { ExecutorKind } from '../config/executor-kinds.ts';
import { executorBlock, slurmJobPlans } from './slurm/job-plan.ts';
import { settleEndedJobs } from './slurm/settle.ts';
import { submitSlurmJobs } from './slurm/submit.ts';
import { watchSlurmJobs, type InterruptChoice } from './slurm/watch.ts';
import { recordRun, stageKey, type RecordedRun } from './record.ts';
import { runJobs, type JobOutcome, type JobResult } from './scheduler.ts';
import { workOf, type Work } from './work.ts';
import { recordOutcome } from './stage-exec.ts';

export interface RunOptions extends PrepareOptions {
  jobs: number;
  backend?: string;
  signal?: AbortSignal;
  executor?: ExecutorKind; // the --executor flag, which wins over the spec's executor.kind
  detach?: boolean; // slurm: return once the jobs are submitted
  onInterrupt?: () => Promise<InterruptChoice>; // slurm: what to do with the jobs after Ctrl-C (default: leave them running)
}

export interface StageRef {
  trial: number;
  stage: string;
  fingerprint: string;
}

export interface StageEnd {
  status: StageStatus;
  seconds: number;
  error?: string;
  logPath?: string;
  logTail?: string[];
}

export interface RunObserver {
  planned?(runId: string, plan: Plan): void;
  started?(s: StageRef, info: { resumeFrom: number | null; total: number; warning?: string }): void;
  waiting?(s: StageRef, owner: string): void;
  progress?(s: StageRef, p: { step: number; total: number; fields: Record<string, number> }): void;
  finished?(s: StageRef, end: StageEnd): void;
  note?(s: StageRef, text: string): void; // what an executor says about a stage (a cluster job's id and state)
  line?(text: string): void; // what an executor says about the run
}

export interface RunSummary {
  runId: string;
  status: RunStatus;
  seconds: number;
  counts: Partial<Record<StageStatus, number>>;
  stages: { trial: number; stage: string; fingerprint: string; action: string; status: StageStatus; error: string | null; logPath: string | null }[];
}

const LOG_TAIL_LINES = 20;

export async function runExperiment(opts: RunOptions, observer: RunObserver = {}): Promise<RunSummary> {
  const startedAt = Date.now();
  const prepared = await prepareExperiment(opts);
  const executor = opts.executor ?? executorBlock(prepared).kind;
  const db = openDb(opts.root);
  markAbandonedRuns(db);
  if (executor === 'slurm') settleEndedJobs(db, opts.root); // what earlier runs' jobs did counts for this plan
  const plan = planPrepared(prepared, db, opts.root);
  refuseMissingData(plan);
  const recorded = recordRun(db, newRunId(), opts.root, prepared, plan, opts.jobs);
  observer.planned?.(recorded.runId, plan);
  const work = workOf(plan);
  const results = executor === 'slurm' ? await runOnSlurm(db, opts, prepared, recorded, work, observer) : await runLocally(db, opts, recorded, work, observer);
  if (results === 'left') return summarize(db, recorded.runId, 'running', startedAt);
  settleRows(db, recorded, work, results);
  const status = runStatus(results, opts.signal);
  finishRun(db, recorded.runId, status);
  return summarize(db, recorded.runId, status, startedAt);
}

function runLocally(db: Db, opts: RunOptions, recorded: RecordedRun, work: Work, observer: RunObserver): Promise<Map<string, JobResult>> {
  const execute = (fp: string) => executeJob(db, opts, recorded, work.primaries.get(fp)!, observer);
  return runJobs(work.jobs, execute, { concurrency: opts.jobs, signal: opts.signal });
}

/** Every stage to compute as a Slurm job; Slurm orders them. 'left': detached, or left running after Ctrl-C. */
async function runOnSlurm(db: Db, opts: RunOptions, prepared: Prepared, recorded: RecordedRun, work: Work, observer: RunObserver): Promise<Map<string, JobResult> | 'left'> {
  const plans = slurmJobPlans(prepared, work, opts.root, recorded.runId, opts.backend);
  const submitted = submitSlurmJobs(db, opts.root, recorded, plans, (line) => observer.line?.(line));
  if (opts.detach) return 'left';
  const pollSeconds = executorBlock(prepared).poll;
  return watchSlurmJobs(db, submitted, observer, { root: opts.root, runId: recorded.runId, pollSeconds, signal: opts.signal, onInterrupt: opts.onInterrupt });
}

/** A stage to compute whose datasets do not exist stops the run before anything starts (exit 2). */
function refuseMissingData(plan: Plan): void {
  const issues = missingDataIssues(plan.trials.flatMap((t) => t.stages).filter((s) => s.action !== 'cached'));
  if (issues.length > 0) throw new UserError(issues);
}

async function executeJob(db: Db, opts: RunOptions, rec: RecordedRun, s: PlannedStage, observer: RunObserver): Promise<JobOutcome> {
  const ref = { trial: s.trial, stage: s.stage, fingerprint: s.fingerprint };
  const logPath = rec.logPaths.get(stageKey(s))!;
  const t0 = Date.now();
  const onMessage = (m: ChildMessage) => {
    if (m.type === 'started') observer.started?.(ref, { resumeFrom: m.resumeFrom, total: s.totalSteps, warning: m.warning });
    else if (m.type === 'waiting') observer.waiting?.(ref, m.owner);
    else observer.progress?.(ref, m);
  };
  // the cores shared out between the jobs that may run at once, so that they never oversubscribe
  const child = spawnStage({ root: opts.root, runId: rec.runId, trial: s.trial, stage: s.stage, backend: opts.backend }, logPath, onMessage, threadsPerJob(opts.jobs));
  const stop = () => child.stop('SIGTERM');
  opts.signal?.addEventListener('abort', stop, { once: true });
  const exit = await child.done;
  opts.signal?.removeEventListener('abort', stop);
  const outcome: JobOutcome = exit.code === EXIT.done ? 'done' : exit.code === EXIT.interrupted || opts.signal?.aborted ? 'interrupted' : 'failed';
  const row = reconcile(db, rec, s, outcome, exit);
  const end: StageEnd = { status: row.status, seconds: (Date.now() - t0) / 1000, logPath };
  if (outcome === 'failed') Object.assign(end, { error: row.error ?? `exited with code ${exit.code}`, logTail: tailLines(logPath, LOG_TAIL_LINES) });
  observer.finished?.(ref, end);
  return outcome;
}

/** A child killed before it could record its end leaves its row running: record it here. */
function reconcile(db: Db, rec: RecordedRun, s: PlannedStage, outcome: JobOutcome, exit: { code: number | null; signal: NodeJS.Signals | null }) {
  const row = getStage(db, rec.runId, s.trial, s.stage)!;
  if (row.status === 'running' || row.status === 'pending') {
    const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
    recordOutcome(db, row, outcome, outcome === 'failed' ? `stage process ${how} before recording its end` : null);
  }
  return getStage(db, rec.runId, s.trial, s.stage)!;
}

/** Rows no child touched: never-started and skipped stages say why; twins follow their primary. */
function settleRows(db: Db, rec: RecordedRun, work: Work, results: Map<string, JobResult>): void {
  const idOf = (s: PlannedStage) => rec.stageIds.get(stageKey(s))!;
  for (const [fp, result] of results) {
    const primary = work.primaries.get(fp)!;
    const untouched = getStage(db, rec.runId, primary.trial, primary.stage)!.status === 'pending';
    if (untouched && result === 'interrupted') endStage(db, idOf(primary), 'interrupted', 'not started: the run was stopped');
    if (untouched && result === 'skipped') endStage(db, idOf(primary), 'skipped', `upstream ${unfinished(primary, work, results).join(', ')} did not finish`);
    for (const twin of work.twins.get(fp) ?? []) {
      if (result === 'done') updateStage(db, idOf(twin), { status: 'cached', endedAt: new Date().toISOString() });
      else endStage(db, idOf(twin), 'skipped', `trial ${primary.trial} stage ${primary.stage}, which has the same fingerprint, did not finish`);
    }
  }
}

function unfinished(s: PlannedStage, work: Work, results: Map<string, JobResult>): string[] {
  return s.dependsOn.filter((d) => {
    const result = results.get(work.fingerprintOf.get(stageKey({ trial: s.trial, stage: d }))!);
    return result !== undefined && result !== 'done';
  });
}

function runStatus(results: Map<string, JobResult>, signal?: AbortSignal): RunStatus {
  const values = [...results.values()];
  if (values.includes('failed')) return 'failed';
  if (signal?.aborted || values.includes('interrupted')) return 'interrupted';
  return 'done';
}

function summarize(db: Db, runId: string, status: RunStatus, startedAt: number): RunSummary {
  const rows = stagesOfRun(db, runId);
  const counts: Partial<Record<StageStatus, number>> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return {
    runId, status, seconds: (Date.now() - startedAt) / 1000, counts,
    stages: rows.map((r) => ({ trial: r.trial, stage: r.name, fingerprint: r.fingerprint, action: r.action, status: r.status, error: r.error, logPath: r.logPath })),
  };
}

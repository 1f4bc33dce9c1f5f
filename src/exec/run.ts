// `vadapter run`: prepare and plan the experiment, record the run, then execute every stage that
// is not cached as a child process — once per fingerprint, in dependency order, up to `jobs` at
// a time — and record how each ended. An observer receives events for live display.
import { missingDataIssues } from '../graph/missing-data.ts';
import type { Plan, PlannedStage } from '../graph/plan.ts';
import { openDb, type Db } from '../track/db.ts';
import { UserError } from '../util/errors.ts';
import { finishRun, markAbandonedRuns, newRunId, type RunStatus } from '../track/runs.ts';
import { endStage, getStage, stagesOfRun, updateStage, type StageStatus } from '../track/stages.ts';
import { tailLines } from './log-tail.ts';
import { spawnStage } from './local.ts';
import { EXIT, type ChildMessage } from './messages.ts';
import { planPrepared, prepareExperiment, type PrepareOptions } from './prepare.ts';
import { recordRun, stageKey, type RecordedRun } from './record.ts';
import { runJobs, type Job, type JobOutcome, type JobResult } from './scheduler.ts';
import { recordOutcome } from './stage-exec.ts';

export interface RunOptions extends PrepareOptions {
  jobs: number;
  backend?: string;
  signal?: AbortSignal;
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
  const db = openDb(opts.root);
  markAbandonedRuns(db);
  const plan = planPrepared(prepared, db, opts.root);
  refuseMissingData(plan);
  const recorded = recordRun(db, newRunId(), opts.root, prepared, plan, opts.jobs);
  observer.planned?.(recorded.runId, plan);
  const work = jobsOf(plan);
  const execute = (fp: string) => executeJob(db, opts, recorded, work.primaries.get(fp)!, observer);
  const results = await runJobs(work.jobs, execute, { concurrency: opts.jobs, signal: opts.signal });
  settleRows(db, recorded, work, results);
  const status = runStatus(results, opts.signal);
  finishRun(db, recorded.runId, status);
  return summarize(db, recorded.runId, status, startedAt);
}

/** A stage to compute whose datasets do not exist stops the run before anything starts (exit 2). */
function refuseMissingData(plan: Plan): void {
  const issues = missingDataIssues(plan.trials.flatMap((t) => t.stages).filter((s) => s.action !== 'cached'));
  if (issues.length > 0) throw new UserError(issues);
}

interface Work {
  jobs: Job[]; // one per fingerprint to compute
  primaries: Map<string, PlannedStage>; // fingerprint -> the stage whose process computes it
  twins: Map<string, PlannedStage[]>; // fingerprint -> other stages of this run with the same fingerprint
  fingerprintOf: Map<string, string>; // "trial/stage" -> fingerprint
}

function jobsOf(plan: Plan): Work {
  const all = plan.trials.flatMap((t) => t.stages);
  const fingerprintOf = new Map(all.map((s) => [stageKey(s), s.fingerprint]));
  const primaries = new Map(all.filter((s) => s.action !== 'cached').map((s) => [s.fingerprint, s]));
  const twins = new Map<string, PlannedStage[]>();
  for (const s of all) if (s.action === 'cached' && s.cachedFrom?.run === null) twins.set(s.fingerprint, [...(twins.get(s.fingerprint) ?? []), s]);
  const depsOf = (s: PlannedStage) => s.dependsOn.map((d) => fingerprintOf.get(stageKey({ trial: s.trial, stage: d }))!);
  const jobs = [...primaries.values()].map((s) => ({ id: s.fingerprint, deps: depsOf(s) }));
  return { jobs, primaries, twins, fingerprintOf };
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
  const child = spawnStage({ root: opts.root, runId: rec.runId, trial: s.trial, stage: s.stage, backend: opts.backend }, logPath, onMessage);
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

// `vadapter stage exec`: run one stage of a recorded run, in its own process. The local executor
// spawns it; the Slurm executor submits it with `--job-store` (then the database below is the job's
// own store, never the root's). It reads everything it needs from the tracking database (the trial's resolved spec, the stage row, the run's plugins, and the stage
// config as the plan parsed and recorded it with the output: it is not parsed again), holds the
// output's store lock, resumes from the newest intact checkpoint, and records what happens.
import { hostname } from 'node:os';
import { writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FingerprintInputs } from '../graph/fingerprint.ts';
import type { ExperimentSpec } from '../config/schema.ts';
import type { AnyStageKind, StageExperiment } from '../stages/types.ts';
import { openDb, openStoreDb, nowIso, type Db } from '../track/db.ts';
import { mergeJobStore } from '../track/job-store.ts';
import { recordEdges } from '../track/lineage.ts';
import { getOutput, setOutputStatus } from '../track/outputs.ts';
import { storeDir } from '../track/root.ts';
import { getRun, getTrial } from '../track/runs.ts';
import { endStage, getStage, updateStage, type StageRecord } from '../track/stages.ts';
import { UserError, userError } from '../util/errors.ts';
import { canonicalJson } from '../util/hash.ts';
import { claimOutput, jobStorePath, outputClaim, readUpstreamStores } from './job-store-dir.ts';
import { loadKinds } from './kinds.ts';
import type { ChildMessage } from './messages.ts';
import { createStageContext } from './stage-context.ts';
import { acquireStoreLock, exclusiveIn } from './store-lock.ts';
import { resolveUpstream, resumePoint } from './upstream.ts';

export interface StageExecArgs {
  root: string;
  runId: string;
  trial: number;
  stage: string;
  backend?: string; // the --backend flag, which wins over the spec's key
  jobStore?: string; // a cluster job's directory (job-store-dir.ts): record into its store, never into the root's database
}

export type StageOutcome = 'done' | 'cached' | 'failed' | 'interrupted';

interface Loaded {
  db: Db;
  jobStore: string | null; // the cluster job's directory, if it is one
  stage: StageRecord;
  kind: AnyStageKind;
  config: unknown;
  experiment: StageExperiment;
}

export async function executeStage(args: StageExecArgs, signal: AbortSignal, send: (m: ChildMessage) => void, log: (line: string) => void): Promise<StageOutcome> {
  const loaded = await load(args);
  const outDir = storeDir(args.root, loaded.stage.fingerprint);
  const release = await acquireStoreLock(outDir, signal, exclusiveIn(loaded.db), (owner) => send({ type: 'waiting', owner }));
  try {
    return await runLocked(loaded, args.root, outDir, signal, send, log);
  } finally {
    release();
  }
}

async function load(args: StageExecArgs): Promise<Loaded> {
  const db = args.jobStore ? openJobStore(args.root, args.jobStore) : openDb(args.root);
  const stage = getStage(db, args.runId, args.trial, args.stage);
  const run = getRun(db, args.runId);
  const trial = getTrial(db, args.runId, args.trial);
  if (!stage || !run || !trial) throw userError('unknown_stage', `no stage "${args.stage}" in trial ${args.trial} of run ${args.runId} (in ${args.root})`);
  const registry = await loadKinds(run.plugins, [stage.kind]);
  const kind = registry.get(stage.kind);
  const spec = trial.spec as ExperimentSpec;
  const planned = getOutput(db, stage.fingerprint)!.inputs as FingerprintInputs; // recorded with the stage row
  const backend = args.backend ?? (spec.backend !== 'auto' ? spec.backend : (process.env.VADAPTER_BACKEND || 'auto'));
  const experiment: StageExperiment = {
    name: spec.name, seed: spec.seed, backend: backend as StageExperiment['backend'], data: spec.data, models: spec.models, trial: { index: trial.trial, label: trial.label },
  };
  return { db, jobStore: args.jobStore ?? null, stage, kind, config: planned.config, experiment };
}

/** A cluster job's store, with the outputs of the upstream jobs it waited for merged in. */
function openJobStore(root: string, dir: string): Db {
  const db = openStoreDb(jobStorePath(dir));
  for (const up of readUpstreamStores(dir)) mergeJobStore(db, jobStorePath(join(root, up.store)), { fingerprint: up.fingerprint, stageId: up.stageId, lineage: false });
  return db;
}

/** The output as another job recorded it (the one that held the store lock before), merged into this job's store. */
function adoptClaimedOutput(db: Db, root: string, outDir: string, ownDir: string, fingerprint: string): void {
  const claim = outputClaim(outDir);
  if (claim && claim.fingerprint === fingerprint && join(root, claim.store) !== ownDir) {
    mergeJobStore(db, jobStorePath(join(root, claim.store)), { fingerprint, stageId: claim.stageId, lineage: false });
  }
}

async function runLocked(l: Loaded, root: string, outDir: string, signal: AbortSignal, send: (m: ChildMessage) => void, log: (line: string) => void): Promise<StageOutcome> {
  const { db, stage } = l;
  if (l.jobStore) adoptClaimedOutput(db, root, outDir, l.jobStore, stage.fingerprint);
  const { checkpoint: resume, skipped } = resumePoint(db, root, stage.fingerprint);
  if (getOutput(db, stage.fingerprint)?.status === 'done' && skipped === null) {
    updateStage(db, stage.id, { status: 'cached', endedAt: nowIso() });
    return 'cached';
  }
  const upstream = resolveUpstream(db, root, stage);
  recordEdges(db, upstream.edges);
  const warning = skipped === null ? undefined : `stage ${stage.name}: ${skipped}`;
  if (warning) log(warning);
  updateStage(db, stage.id, { status: 'running', pid: process.pid, host: hostname(), startedAt: nowIso(), step: resume?.step ?? 0 });
  setOutputStatus(db, stage.fingerprint, 'running', stage.id);
  if (l.jobStore) claimOutput(outDir, { fingerprint: stage.fingerprint, stageId: stage.id, store: relative(root, l.jobStore) });
  writeInputsOnce(db, outDir, stage.fingerprint);
  send({ type: 'started', resumeFrom: resume?.step ?? null, upstream: upstream.edges.map((e) => `${e.upstreamStage}@${e.step ?? '-'}`), warning });
  const { ctx, close } = createStageContext({ db, root, outDir, stage, kind: l.kind, config: l.config, experiment: l.experiment, upstream: upstream.refs, resume, signal, send, log });
  const { outcome, error } = await runKind(l.kind, ctx, signal);
  close();
  if (error) log(`stage ${stage.name} failed: ${error}`);
  recordOutcome(db, stage, outcome, error);
  return outcome;
}

type AttemptOutcome = Exclude<StageOutcome, 'cached'>;

async function runKind(kind: AnyStageKind, ctx: Parameters<AnyStageKind['run']>[0], signal: AbortSignal): Promise<{ outcome: AttemptOutcome; error: string | null }> {
  try {
    await kind.run(ctx);
    return signal.aborted ? { outcome: 'interrupted', error: null } : { outcome: 'done', error: null };
  } catch (err) {
    if (signal.aborted) return { outcome: 'interrupted', error: null };
    return { outcome: 'failed', error: err instanceof UserError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

/** Mark the stage and its output with how the attempt ended. */
export function recordOutcome(db: Db, stage: StageRecord, outcome: AttemptOutcome, error: string | null = null): void {
  db.transaction(() => {
    endStage(db, stage.id, outcome, error);
    setOutputStatus(db, stage.fingerprint, outcome, stage.id);
  })();
}

/** runs/store/<fingerprint>/inputs.json: what the fingerprint was computed from, for people. */
function writeInputsOnce(db: Db, outDir: string, fingerprint: string): void {
  const file = join(outDir, 'inputs.json');
  if (!existsSync(file)) writeFileSync(file, `${JSON.stringify(JSON.parse(canonicalJson(getOutput(db, fingerprint)?.inputs)), null, 2)}\n`);
}

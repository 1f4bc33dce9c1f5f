// Recording a planned run before anything executes: the run and its trials, an output row per
// fingerprint, a stage row per (trial, stage) with the plan's decision and reason, and the run's
// own directory (resolved trial specs, the plan, stage logs).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan, PlannedStage } from '../graph/plan.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import type { Db } from '../track/db.ts';
import { ensureOutput } from '../track/outputs.ts';
import { runDir } from '../track/root.ts';
import { createRun } from '../track/runs.ts';
import { insertStages, type NewStage } from '../track/stages.ts';
import type { Prepared } from './prepare.ts';

export interface RecordedRun {
  runId: string;
  stageIds: Map<string, number>; // "trial/stage" -> stages.id
  logPaths: Map<string, string>;
}

export function stageKey(s: { trial: number; stage: string }): string {
  return `${s.trial}/${s.stage}`;
}

/** runs/<run>/logs/t<trial>.<stage>.log: the stage process's stdout and stderr. */
export function stageLogPath(root: string, runId: string, s: { trial: number; stage: string }): string {
  return join(runDir(root, runId), 'logs', `t${s.trial}.${s.stage}.log`);
}

export function recordRun(db: Db, runId: string, root: string, prepared: Prepared, plan: Plan, jobs: number): RecordedRun {
  const { spec, code, plugins } = prepared;
  const dir = runDir(root, runId);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const trials = spec.trials.map((t) => ({ trial: t.index, label: t.label, assignments: t.assignments, spec: t.spec }));
  writeFileAtomic(join(dir, 'spec.json'), `${JSON.stringify({ file: spec.file, overrides: spec.overrides, trials }, null, 2)}\n`);
  writeFileAtomic(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  createRun(db, {
    id: runId, experiment: spec.name, specPath: spec.file, overrides: spec.overrides, plugins, codeVersion: code.id, gitCommit: code.gitCommit,
    gitDirty: code.gitDirty, versions: { vadapter: code.packageVersion, node: process.version }, jobs,
  }, trials);
  const planned = plan.trials.flatMap((t) => t.stages);
  db.transaction(() => {
    for (const s of planned) ensureOutput(db, { fingerprint: s.fingerprint, kind: s.kind, inputs: s.inputs, totalSteps: s.totalSteps });
  })();
  const logPaths = new Map(planned.filter((s) => s.action !== 'cached').map((s) => [stageKey(s), stageLogPath(root, runId, s)]));
  const rows = planned.map((s) => stageRow(s, runId, prepared, logPaths.get(stageKey(s)) ?? null));
  return { runId, stageIds: insertStages(db, runId, rows), logPaths };
}

function stageRow(s: PlannedStage, runId: string, prepared: Prepared, logPath: string | null): NewStage {
  const trial = prepared.trials.find((t) => t.graph.trial.index === s.trial)!;
  const fromEarlierRun = s.action === 'cached' && s.cachedFrom?.run;
  return {
    trial: s.trial, name: s.stage, kind: s.kind, fingerprint: s.fingerprint, action: s.action, reason: s.reasons.join('; '),
    cachedFrom: s.action === 'cached' ? (s.cachedFrom?.run ?? runId) : null, resumedFromStep: s.resumeFrom?.step ?? null,
    dependsOn: s.dependsOn, upstream: trial.graph.nodes.get(s.stage)!.references, status: fromEarlierRun ? 'cached' : 'pending',
    totalSteps: s.totalSteps, logPath,
  };
}

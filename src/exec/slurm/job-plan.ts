// One Slurm job per fingerprint to compute: its directory, batch script and the upstream jobs it
// depends on. `plan --executor slurm` prints these; `run --executor slurm` submits them.
import { executorSchema, type ExecutorBlock } from '../../config/executor.ts';
import type { Plan, PlannedStage } from '../../graph/plan.ts';
import { jobDir } from '../job-store-dir.ts';
import { BIN, stageExecArgv } from '../local.ts';
import type { Prepared } from '../prepare.ts';
import { stageLogPath } from '../record.ts';
import { workOf, type Work } from '../work.ts';
import { renderJobScript } from './job-script.ts';

export interface SlurmJobPlan {
  fingerprint: string;
  stage: PlannedStage;
  dir: string; // its job directory (job-store-dir.ts)
  logPath: string;
  script: string;
  dependsOn: string[]; // fingerprints of the jobs of this run it waits for
}

/** The executor block of the run (the first trial's: an executor is the experiment's, not a trial's), with its defaults. */
export function executorBlock(prepared: Prepared): ExecutorBlock {
  return prepared.spec.trials[0]?.spec.executor ?? executorSchema.parse({});
}

export function slurmJobPlans(prepared: Prepared, work: Work, root: string, runId: string, backend?: string): SlurmJobPlan[] {
  const grace = executorBlock(prepared).grace;
  return work.jobs.map((job) => {
    const s = work.primaries.get(job.id)!;
    const node = prepared.trials.find((t) => t.graph.trial.index === s.trial)!.graph.nodes.get(s.stage)!;
    const dir = jobDir(root, runId, s);
    const logPath = stageLogPath(root, runId, s);
    const command = [process.execPath, BIN, ...stageExecArgv({ root, runId, trial: s.trial, stage: s.stage, backend, jobStore: dir })];
    const name = `vadapter.${prepared.spec.name}.t${s.trial}.${s.stage}`;
    const script = renderJobScript({ name, logPath, workDir: process.cwd(), resources: node.slurm, grace, command });
    return { fingerprint: job.id, stage: s, dir, logPath, script, dependsOn: job.deps.filter((d) => work.primaries.has(d)) };
  });
}

/** What `plan --executor slurm` shows: each job's script for a run not yet recorded (its id is `<run>`). */
export function plannedScripts(prepared: Prepared, plan: Plan, root: string): { label: string; dependsOn: string[]; script: string }[] {
  const work = workOf(plan);
  const label = (s: PlannedStage) => `${s.trial}/${s.stage}`;
  return slurmJobPlans(prepared, work, root, '<run>').map((j) => ({ label: label(j.stage), dependsOn: j.dependsOn.map((fp) => label(work.primaries.get(fp)!)), script: j.script }));
}

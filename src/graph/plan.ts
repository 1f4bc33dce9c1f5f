// The plan: for every trial and stage, whether it runs, resumes from a checkpoint, or is cached —
// and why, compared with the closest earlier fingerprint of the same stage in the same experiment.
// History comes through an interface so that the planner needs no database to be tested.
import type { StageGraph } from './build.ts';
import { changeDistance, explainChange } from './diff.ts';
import type { FingerprintInputs, FingerprintedStage } from './fingerprint.ts';
import type { MissingDataset } from './missing-data.ts';
import { displayName } from '../config/include.ts';

export type PlanAction = 'run' | 'resume' | 'cached';

export interface StageOrigin {
  run: string | null; // null: produced earlier in this same run (another trial or stage, same fingerprint)
  trial: number;
  stage: string;
}

export interface PlannedStage {
  trial: number;
  stage: string;
  kind: string;
  fingerprint: string;
  action: PlanAction;
  cachedFrom?: StageOrigin;
  resumeFrom?: { step: number; run: string | null };
  reasons: string[];
  totalSteps: number;
  dependsOn: string[]; // upstream stage names
  needsData: MissingDataset[]; // dataset directories it reads that do not exist: run refuses to start
  inputs: FingerprintInputs;
}

export interface PlannedTrial {
  index: number;
  label: string;
  stages: PlannedStage[]; // dependencies first
}

export interface Plan {
  experiment: string;
  trials: PlannedTrial[];
}

/** What the planner needs to know about earlier runs. */
export interface PlanHistory {
  /** The store entry of a fingerprint, if any; lastStep: its newest intact checkpoint; damaged: which newer ones are not and why (then it is not reused). */
  output(fingerprint: string): { status: string; producer: StageOrigin | null; lastStep: number | null; damaged?: string } | null;
  /** Earlier fingerprints of this stage name in this experiment, most recent first. */
  previous(experiment: string, stage: string): { fingerprint: string; run: string; inputs: FingerprintInputs }[];
}

export interface TrialInput {
  graph: StageGraph;
  stages: Map<string, FingerprintedStage>;
}

export function planRun(experiment: string, trials: TrialInput[], history: PlanHistory): Plan {
  const planned = new Map<string, PlannedStage>(); // fingerprint -> first stage planned for it
  return {
    experiment,
    trials: trials.map(({ graph, stages }) => ({
      index: graph.trial.index,
      label: graph.trial.label,
      stages: graph.order.map((name) => planStage(experiment, graph.trial.index, stages.get(name)!, planned, history)),
    })),
  };
}

function planStage(experiment: string, trial: number, s: FingerprintedStage, planned: Map<string, PlannedStage>, history: PlanHistory): PlannedStage {
  const base = { trial, stage: s.name, kind: s.node.kind.kind, fingerprint: s.fingerprint, totalSteps: s.totalSteps, dependsOn: s.node.edges.map((e) => e.stage), needsData: s.missing, inputs: s.inputs };
  const output = history.output(s.fingerprint);
  const damaged = output?.damaged === undefined ? [] : [output.damaged];
  if (output?.status === 'done' && damaged.length === 0) {
    const from = output.producer;
    return { ...base, action: 'cached', cachedFrom: from ?? undefined, reasons: [from ? `same fingerprint as ${describeOrigin(from)}` : 'output already in the store'] };
  }
  const twin = planned.get(s.fingerprint);
  if (twin) {
    return { ...base, action: 'cached', cachedFrom: { run: null, trial: twin.trial, stage: twin.stage }, reasons: [`same fingerprint as trial ${twin.trial} stage ${twin.stage} of this run`] };
  }
  const busy = output?.status === 'running' ? [`run ${output.producer?.run ?? '?'} may be computing it now: this run will wait for it`] : [];
  const stage: PlannedStage = output && output.lastStep !== null
    ? { ...base, action: 'resume', resumeFrom: { step: output.lastStep, run: output.producer?.run ?? null }, reasons: [...(damaged.length > 0 ? damaged : [`an earlier attempt (${output.status}) checkpointed step ${output.lastStep}`]), ...busy] }
    : { ...base, action: 'run', reasons: [...dataReasons(s.missing), ...(damaged.length > 0 ? damaged : whyRun(experiment, s, history)), ...busy] };
  planned.set(s.fingerprint, stage);
  return stage;
}

function dataReasons(missing: MissingDataset[]): string[] {
  if (missing.length === 0) return [];
  return [`needs data: ${missing.map((m) => displayName(m.dir)).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`];
}

function describeOrigin(o: StageOrigin): string {
  return `run ${o.run ?? '(this run)'} trial ${o.trial} stage ${o.stage}`;
}

function whyRun(experiment: string, s: FingerprintedStage, history: PlanHistory): string[] {
  const earlier = history.previous(experiment, s.name).filter((p) => p.fingerprint !== s.fingerprint);
  if (earlier.length === 0) return [`no earlier run of stage ${s.name} in experiment ${experiment}`];
  let closest = earlier[0];
  for (const p of earlier) if (changeDistance(p.inputs, s.inputs) < changeDistance(closest.inputs, s.inputs)) closest = p;
  const reasons = explainChange(closest.inputs, s.inputs);
  return [`differs from ${closest.fingerprint} (run ${closest.run}): ${reasons.join('; ')}`];
}

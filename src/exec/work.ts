// What a run computes, as executors see it: one job per fingerprint to compute (the first stage
// planned with it is its primary; other stages of the run with that fingerprint are its twins and
// follow it), with dependencies between fingerprints.
import type { Plan, PlannedStage } from '../graph/plan.ts';
import { stageKey } from './record.ts';
import type { Job } from './scheduler.ts';

export interface Work {
  jobs: Job[]; // one per fingerprint to compute, dependencies first
  primaries: Map<string, PlannedStage>; // fingerprint -> the stage whose process computes it
  twins: Map<string, PlannedStage[]>; // fingerprint -> other stages of this run with the same fingerprint
  fingerprintOf: Map<string, string>; // "trial/stage" -> fingerprint
}

export function workOf(plan: Plan): Work {
  const all = plan.trials.flatMap((t) => t.stages);
  const fingerprintOf = new Map(all.map((s) => [stageKey(s), s.fingerprint]));
  const primaries = new Map(all.filter((s) => s.action !== 'cached').map((s) => [s.fingerprint, s]));
  const twins = new Map<string, PlannedStage[]>();
  for (const s of all) if (s.action === 'cached' && s.cachedFrom?.run === null) twins.set(s.fingerprint, [...(twins.get(s.fingerprint) ?? []), s]);
  const depsOf = (s: PlannedStage) => s.dependsOn.map((d) => fingerprintOf.get(stageKey({ trial: s.trial, stage: d }))!);
  const jobs = [...primaries.values()].map((s) => ({ id: s.fingerprint, deps: depsOf(s) }));
  return { jobs, primaries, twins, fingerprintOf };
}

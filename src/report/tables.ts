// The table of one metric: per arm its final and best value (of the curve as drawn: seed mean,
// smoothed), the steps and training FLOPs at which it first reaches the target, and its speedup:
// the baseline arm's steps to the target over its own (the paper's "converges N x faster"). The
// baseline arm of an arm is the baseline stage's arm with the same group values.
import { trainingFlops, type ArmCost } from './flops.ts';
import type { ArmCurve, CurvePoint } from './curves.ts';
import { reaches, type Mode } from './metric-mode.ts';
import type { Arm } from './select.ts';

export interface ArmRow {
  arm: string;
  stage: string;
  kind: string;
  seeds: number;
  lastStep: number | null;
  final: number | null;
  finalBand: [number, number] | null; // the band (min-max over seeds or 95% CI) of the final value; null for one seed
  best: number | null;
  bestStep: number | null;
  stepsToTarget: number | null;
  flopsToTarget: number | null;
  speedup: number | null; // baseline arm's steps to target / this arm's
  trainableParams: number | null;
  forwardFlopsPerExample: number | null;
}

export interface TableInput {
  arm: Arm;
  cost: ArmCost;
  curve: ArmCurve | null;
}

/** The point with the best mean (the earliest of equals). */
export function bestPoint(points: CurvePoint[], mode: Mode): CurvePoint | null {
  return points.reduce<CurvePoint | null>((best, p) => (best === null || (reaches(p.mean, best.mean, mode) && p.mean !== best.mean) ? p : best), null);
}

/** Without a target: the best value that every arm reaches (the weakest arm's best), or null without curves. */
export function defaultTarget(inputs: TableInput[], mode: Mode): number | null {
  const bests = inputs.map((i) => (i.curve ? bestPoint(i.curve.points, mode) : null)).filter((p) => p !== null).map((p) => p.mean);
  if (bests.length === 0) return null;
  return mode === 'min' ? Math.max(...bests) : Math.min(...bests);
}

function stepsTo(curve: ArmCurve | null, target: number | null, mode: Mode): number | null {
  if (!curve || target === null) return null;
  return curve.points.find((p) => reaches(p.mean, target, mode))?.step ?? null;
}

function sameGroup(a: Arm, b: Arm): boolean {
  return JSON.stringify(a.group) === JSON.stringify(b.group);
}

export function metricRows(inputs: TableInput[], mode: Mode, target: number | null, baselineStage: string | null): ArmRow[] {
  const steps = new Map(inputs.map((i) => [i.arm, stepsTo(i.curve, target, mode)]));
  return inputs.map(({ arm, cost, curve }) => {
    const points = curve?.points ?? [];
    const last = points.at(-1) ?? null;
    const best = bestPoint(points, mode);
    const own = steps.get(arm)!;
    const base = inputs.find((i) => i.arm.stage === baselineStage && sameGroup(i.arm, arm));
    const baseSteps = base ? steps.get(base.arm)! : null;
    return {
      arm: arm.name, stage: arm.stage, kind: arm.kind, seeds: curve?.seeds ?? 0,
      lastStep: last?.step ?? null, final: last?.mean ?? null, finalBand: last && (curve?.seeds ?? 0) > 1 ? [last.lo, last.hi] : null,
      best: best?.mean ?? null, bestStep: best?.step ?? null,
      stepsToTarget: own, flopsToTarget: own === null ? null : trainingFlops(cost, own),
      speedup: own !== null && own > 0 && baseSteps !== null ? baseSteps / own : null,
      trainableParams: cost.trainableParams, forwardFlopsPerExample: cost.forwardFlopsPerExample,
    };
  });
}

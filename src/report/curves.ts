// An arm's curve for one metric: each seed's series (the stage's own key, else `<stage>/<key>` as
// another stage of its trial logged it, e.g. the evaluate stage's `vadapter/eval/coco/CIDEr`),
// EMA-smoothed, then averaged over seeds at the steps every seed has logged, with a band.
import type { Db } from '../track/db.ts';
import { metricKeys, metricPoints, stepClock, trialMetricKeys, trialMetricPoints, type MetricPointRow } from '../track/series.ts';
import type { ArmCost } from './flops.ts';
import type { Arm, ArmMember } from './select.ts';
import { ema, summarize, type Band } from './stats.ts';
import { stepToX, type XAxis } from './x-axis.ts';

export interface CurvePoint {
  step: number;
  x: number; // the mean over seeds of the step's x (they differ only for wall time)
  mean: number;
  lo: number;
  hi: number;
}

export interface ArmCurve {
  arm: string;
  seeds: number; // members with data
  points: CurvePoint[];
}

export interface CurveOptions {
  key: string;
  x: XAxis;
  smooth: number; // EMA weight in [0, 1)
  band: Band;
}

/** A member's points for `key`: its own, else those another stage of its trial logged as `<stage>/<key>`. */
export function memberPoints(db: Db, stage: string, m: ArmMember, key: string): MetricPointRow[] {
  const own = metricPoints(db, m.fingerprint, key);
  return own.length > 0 ? own : trialMetricPoints(db, m.runId, m.trial, `${stage}/${key}`);
}

/** Every key `memberPoints` can find for the arm's members, sorted (to list after a typo). */
export function armMetricKeys(db: Db, arm: Arm): string[] {
  const prefix = `${arm.stage}/`;
  const borrowed = arm.members.flatMap((m) => trialMetricKeys(db, m.runId, m.trial)).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  return [...new Set([...metricKeys(db, arm.members.map((m) => m.fingerprint)), ...borrowed])].sort();
}

/** step -> { value (smoothed), x } for one member, leaving out steps whose x is unknown. */
function memberSeries(db: Db, arm: Arm, m: ArmMember, cost: ArmCost, o: CurveOptions): Map<number, { value: number; x: number }> {
  const points = memberPoints(db, arm.stage, m, o.key);
  const toX = stepToX(o.x, cost, o.x === 'time' ? stepClock(db, m.fingerprint) : []);
  const smoothed = ema(points.map((p) => p.value), o.smooth);
  const out = new Map<number, { value: number; x: number }>();
  points.forEach((p, i) => {
    const x = toX(p.step);
    if (x !== null) out.set(p.step, { value: smoothed[i], x });
  });
  return out;
}

/** The arm's curve, or null when no member has a point for the metric on this axis. */
export function armCurve(db: Db, arm: Arm, cost: ArmCost, o: CurveOptions): ArmCurve | null {
  const series = arm.members.map((m) => memberSeries(db, arm, m, cost, o)).filter((s) => s.size > 0);
  if (series.length === 0) return null;
  const steps = [...series[0].keys()].filter((step) => series.every((s) => s.has(step)));
  const points = steps.map((step) => {
    const at = series.map((s) => s.get(step)!);
    const x = at.reduce((a, p) => a + p.x, 0) / at.length;
    return { step, x, ...summarize(at.map((p) => p.value), o.band) };
  });
  return { arm: arm.name, seeds: series.length, points };
}

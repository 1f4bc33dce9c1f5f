// Reference values drawn beside a metric's curves, to read them against: a horizontal dashed line at
// a given value (`--reference eval/coco/CIDEr=0.34:image-blind prior`) or at another metric's final
// value averaged over the charted arms' seeds (`--reference eval/vqav2/accuracy=eval/vqav2/blind_accuracy`);
// and, unless switched off, the references the tracking DB has for the metric: `.../blind_accuracy`
// beside `.../accuracy` and `.../blind_CIDEr` beside `.../CIDEr` as lines ("image-blind prior"),
// `.../loss_shuffled` beside `.../loss` as a dashed curve per arm ("images shuffled").
import type { Db } from '../track/db.ts';
import { unknownNameMessage, userError } from '../util/errors.ts';
import { armCurve, armMetricKeys, memberPoints, type ArmCurve, type CurveOptions } from './curves.ts';
import type { ArmCost } from './flops.ts';
import type { Arm } from './select.ts';
import { formatValue } from './table-text.ts';

/** A reference as the command line asks for it: a value or another metric's key, on one metric's chart. */
export interface ReferenceRequest {
  metric: string;
  value: number | null; // a given value, or
  key: string | null; // the metric whose final value (mean over seeds) is the line
  label: string | null; // null: "reference"
  entry: string; // as typed, for messages
}

/** A horizontal line. */
export interface ReferenceLine {
  kind: 'line';
  label: string;
  value: number;
  source: string | null; // the metric key it was read from; null for a given value
  auto: boolean; // found in the DB without --reference
  seeds: number; // series averaged (0 for a given value)
  arms: number; // arms those seeds belong to
  range: [number, number] | null; // lowest and highest of the seeds' values, when they differ
  text: string; // "image-blind prior 50.9 (eval/vqav2/blind_accuracy, mean over 6 series (the seeds of 2 arms))"
}

/** A dashed curve per arm (a curve itself, e.g. the loss with each example's frames from another example). */
export interface ReferenceCurves {
  kind: 'curves';
  label: string; // each curve is named "<arm> <label>"
  source: string;
  auto: boolean;
  curves: ArmCurve[]; // by arm name, like the metric's own curves
  text: string;
}

export type Reference = ReferenceLine | ReferenceCurves;

export const DEFAULT_LABEL = 'reference';
export const BLIND_LABEL = 'image-blind prior';
export const SHUFFLED_LABEL = 'images shuffled';

/** What the DB may hold beside a metric whose last key part is `last`. */
const AUTO: { last: string; sibling: string; kind: Reference['kind']; label: string }[] = [
  { last: 'accuracy', sibling: 'blind_accuracy', kind: 'line', label: BLIND_LABEL },
  { last: 'CIDEr', sibling: 'blind_CIDEr', kind: 'line', label: BLIND_LABEL },
  { last: 'loss', sibling: 'loss_shuffled', kind: 'curves', label: SHUFFLED_LABEL },
];

/** The keys `key`'s automatic references would be read from (whether or not the DB has them). */
export function autoReferenceKeys(key: string): { source: string; kind: Reference['kind']; label: string }[] {
  const parts = key.split('/');
  const last = parts.at(-1);
  return AUTO.filter((a) => a.last === last).map((a) => ({ source: [...parts.slice(0, -1), a.sibling].join('/'), kind: a.kind, label: a.label }));
}

const FORM = 'expected KEY=VALUE or KEY=OTHER_KEY, each with an optional :label (e.g. eval/coco/CIDEr=0.34:image-blind prior)';

/** `--reference` entries: KEY=VALUE[:label] or KEY=OTHER_KEY[:label]; a bare VALUE[:label] with a single metric. */
export function parseReferences(entries: string[], metrics: string[]): ReferenceRequest[] {
  return entries.map((entry) => {
    const bad = (why: string) => userError('bad_arguments', `--reference ${entry}: ${why}`);
    const at = entry.indexOf('=');
    let metric: string;
    if (at < 0) {
      if (metrics.length > 1) throw bad(`with several metrics, name one (--reference KEY=${entry}); ${FORM}`);
      metric = metrics[0];
    } else {
      metric = entry.slice(0, at).trim();
      if (metric === '') throw bad(`no metric before "="; ${FORM}`);
      if (!metrics.includes(metric)) throw bad(`"${metric}" is not one of the metrics compared (${metrics.join(', ')})`);
    }
    const rest = at < 0 ? entry : entry.slice(at + 1);
    const colon = rest.indexOf(':');
    const what = (colon < 0 ? rest : rest.slice(0, colon)).trim();
    const label = colon < 0 ? null : rest.slice(colon + 1).trim();
    if (label === '') throw bad(`empty label after ":"; ${FORM}`);
    if (what === '') throw bad(`no value; ${FORM}`);
    const value = Number(what);
    if (Number.isFinite(value)) return { metric, value, key: null, label, entry };
    if (at < 0) throw bad(`expected a number, got "${what}"; ${FORM}`);
    if (/^[-+.\d]/.test(what) || /\s/.test(what)) throw bad(`expected a number or a metric key, got "${what}"; ${FORM}`);
    if (what === metric) throw bad('a metric cannot be its own reference');
    return { metric, value: null, key: what, label, entry };
  });
}

export interface ChartedArm {
  arm: Arm;
  cost: ArmCost;
}

function seedsText(seeds: number, arms: number, range: [number, number] | null): string {
  if (seeds === 1) return '1 seed';
  const spread = range ? `, range ${formatValue(range[0])}-${formatValue(range[1])}` : '';
  return `mean over ${arms > 1 ? `${seeds} series (the seeds of ${arms} arms)` : `${seeds} seeds`}${spread}`;
}

/** The line at `source`'s last logged value, averaged over every seed of the charted arms that logged it; null when none did. */
function lineFromKey(db: Db, charted: ChartedArm[], source: string, label: string, auto: boolean): ReferenceLine | null {
  const values: number[] = [];
  let arms = 0;
  for (const { arm } of charted) {
    const own = arm.members.map((m) => memberPoints(db, arm.stage, m, source).at(-1)?.value).filter((v) => v !== undefined);
    if (own.length > 0) arms++;
    values.push(...own);
  }
  if (values.length === 0) return null;
  const value = values.reduce((a, b) => a + b, 0) / values.length;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const range: [number, number] | null = hi > lo ? [lo, hi] : null;
  return {
    kind: 'line', label, value, source, auto, seeds: values.length, arms, range,
    text: `${label} ${formatValue(value)} (${source}, ${seedsText(values.length, arms, range)})`,
  };
}

function curvesFromKey(db: Db, charted: ChartedArm[], source: string, label: string, o: CurveOptions): ReferenceCurves | null {
  const curves = charted.map(({ arm, cost }) => armCurve(db, arm, cost, { ...o, key: source })).filter((c) => c !== null && c.points.length > 0) as ArmCurve[];
  if (curves.length === 0) return null;
  const finals = curves.map((c) => `${c.arm} ${formatValue(c.points.at(-1)!.mean)}`).join(', ');
  return { kind: 'curves', label, source, auto: true, curves, text: `${label} (${source}, a dashed curve per arm; last point): ${finals}` };
}

function unknownSource(db: Db, charted: ChartedArm[], r: ReferenceRequest) {
  const known = [...new Set(charted.flatMap(({ arm }) => armMetricKeys(db, arm)))].sort();
  return userError('unknown_metric', unknownNameMessage(`--reference ${r.entry}: no arm charted for ${r.metric} has metric "${r.key}"`, r.key!, known, { label: 'they log', none: 'nothing yet' }));
}

/**
 * The references of one metric's chart: those asked for, in order, then (with `auto`) those the DB
 * has beside the metric for the charted arms (the arms with a curve), unless one asked for reads the same key.
 */
export function resolveReferences(db: Db, charted: ChartedArm[], metric: string, requests: ReferenceRequest[], auto: boolean, o: CurveOptions): Reference[] {
  const out: Reference[] = [];
  for (const r of requests.filter((q) => q.metric === metric)) {
    const label = r.label ?? DEFAULT_LABEL;
    if (r.value !== null) {
      out.push({ kind: 'line', label, value: r.value, source: null, auto: false, seeds: 0, arms: 0, range: null, text: `${label} ${formatValue(r.value)}` });
      continue;
    }
    const line = lineFromKey(db, charted, r.key!, label, false);
    if (!line) throw unknownSource(db, charted, r);
    out.push(line);
  }
  if (!auto) return out;
  for (const a of autoReferenceKeys(metric)) {
    if (out.some((r) => r.source === a.source)) continue;
    const found = a.kind === 'line' ? lineFromKey(db, charted, a.source, a.label, true) : curvesFromKey(db, charted, a.source, a.label, o);
    if (found) out.push(found);
  }
  return out;
}

/** The name of an arm's reference curve in legends and tables: "vadapter images shuffled". */
export function referenceCurveName(r: ReferenceCurves, arm: string): string {
  return `${arm} ${r.label}`;
}

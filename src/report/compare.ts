// `vadapter compare` as data: select arms, cost them, build each metric's curves and table. Every
// output (terminal, JSON, CSV, Markdown, HTML with charts) is a view of the Comparison returned here.
import type { Db } from '../track/db.ts';
import { unknownNameMessage, userError } from '../util/errors.ts';
import { armCost } from './arm-cost.ts';
import type { ArmCost } from './flops.ts';
import { armCurve, armMetricKeys, type ArmCurve } from './curves.ts';
import { metricMode, type Mode } from './metric-mode.ts';
import { resolveReferences, type Reference, type ReferenceRequest } from './references.ts';
import { selectArms, type Arm, type Selection } from './select.ts';
import type { Band } from './stats.ts';
import { formatValue } from './table-text.ts';
import { defaultTarget, metricRows, type ArmRow, type TableInput } from './tables.ts';
import { X_TITLES, type XAxis } from './x-axis.ts';
import { lowestDrawn, zoomDomain, type YScale } from './y-scale.ts';

export interface CompareOptions extends Selection {
  metrics: string[];
  x: XAxis;
  smooth: number; // EMA weight in [0, 1); 0 = none
  band: Band;
  targets?: Record<string, number>; // by metric; default: the weakest arm's best
  modes?: Record<string, Mode>; // by metric; default: from the metric's name
  baseline?: string; // the stage the speedup is measured against; default: the first align-resampler arm, else the first arm
  yScales?: Record<string, YScale>; // by metric; default linear
  references?: ReferenceRequest[]; // --reference, in order
  autoReferences?: boolean; // the references the DB has beside a metric (blind priors, shuffled-image loss); default true
}

export interface ArmDescription {
  name: string;
  stage: string;
  kind: string;
  group: Record<string, string>;
  members: { runId: string; trial: number; label: string; seed: number; fingerprint: string; status: string }[];
  runOverrides: string[]; // the command-line overrides of the members' runs, each once
  stageSpec: unknown; // the stage's block of the (first member's) resolved spec
  spec: unknown; // the first member's resolved spec
  cost: ArmCost;
}

export interface MetricComparison {
  key: string;
  mode: Mode;
  modeGuessed: boolean; // the name did not say which way is better, nor did --mode
  target: number | null;
  targetGiven: boolean; // false: the default target (the weakest arm's best)
  baseline: string | null; // the stage speedups are relative to
  curves: ArmCurve[]; // arms with data only
  rows: ArmRow[]; // every arm
  references: Reference[]; // lines and curves to read the arms' curves against
  yScale: YScale; // the charts' y axis
  yDomain: [number, number] | null; // the zoomed y axis's range (yScale zoom), else null
}

export interface Comparison {
  experiment: string | null;
  runs: string[];
  groupBy: string[];
  x: XAxis;
  xTitle: string;
  smooth: number;
  band: Band;
  arms: ArmDescription[];
  metrics: MetricComparison[];
  notes: string[]; // what the reader should know: arms without data, guessed directions
}

export function compare(db: Db, root: string, o: CompareOptions): Comparison {
  if (!(o.smooth >= 0 && o.smooth < 1)) throw userError('bad_arguments', `--smooth expects an EMA weight in [0, 1), got ${o.smooth}`);
  if (o.metrics.length === 0) throw userError('bad_arguments', 'name at least one --metric');
  const selection = selectArms(db, o);
  const costs = selection.arms.map((arm) => armCost(db, root, arm));
  const baseline = baselineStage(selection.arms, o.baseline);
  const notes: string[] = [];
  const metrics = o.metrics.map((key) => compareMetric(db, selection.arms, costs, o, key, baseline, notes));
  return {
    experiment: selection.experiment, runs: selection.runs, groupBy: selection.groupBy, x: o.x, xTitle: X_TITLES[o.x], smooth: o.smooth, band: o.band,
    arms: selection.arms.map((arm, i) => describeArm(arm, costs[i])), metrics, notes,
  };
}

function compareMetric(db: Db, arms: Arm[], costs: ArmCost[], o: CompareOptions, key: string, baseline: string, notes: string[]): MetricComparison {
  const inputs: TableInput[] = arms.map((arm, i) => ({ arm, cost: costs[i], curve: armCurve(db, arm, costs[i], { key, x: o.x, smooth: o.smooth, band: o.band }) }));
  if (inputs.every((i) => i.curve === null)) throw unknownMetric(db, arms, key, o.x);
  for (const i of inputs.filter((x) => x.curve === null)) notes.push(`${i.arm.name}: no ${key}${o.x === 'step' ? '' : ` with a known ${o.x}`}`);
  const named = metricMode(key);
  const mode = o.modes?.[key] ?? named.mode;
  const modeGuessed = o.modes?.[key] === undefined && !named.known;
  if (modeGuessed) notes.push(`${key}: lower is taken as better (the name does not say; pass --mode ${key}=max if higher is)`);
  const given = o.targets?.[key];
  const target = given ?? defaultTarget(inputs, mode);
  const curves = inputs.map((i) => i.curve).filter((c) => c !== null);
  const charted = inputs.filter((i) => i.curve !== null).map((i) => ({ arm: i.arm, cost: i.cost }));
  const references = resolveReferences(db, charted, key, o.references ?? [], o.autoReferences ?? true, { key, x: o.x, smooth: o.smooth, band: o.band });
  let yScale = o.yScales?.[key] ?? 'linear';
  const extent = { curves, references, target };
  const lowest = lowestDrawn(extent);
  if (yScale === 'log' && lowest !== null && !(lowest > 0)) {
    notes.push(`${key}: a log y axis needs values > 0 (the chart has ${formatValue(lowest)}); drawn linear`);
    yScale = 'linear';
  }
  return {
    key, mode, modeGuessed, target, targetGiven: given !== undefined, baseline,
    curves, rows: metricRows(inputs, mode, target, baseline),
    references, yScale, yDomain: yScale === 'zoom' ? zoomDomain(extent) : null,
  };
}

function baselineStage(arms: Arm[], asked: string | undefined): string {
  const stages = [...new Set(arms.map((a) => a.stage))];
  if (asked === undefined) return (arms.find((a) => a.kind === 'align-resampler') ?? arms[0]).stage;
  if (stages.includes(asked)) return asked;
  throw userError('unknown_stage', unknownNameMessage(`--baseline ${asked}: not a compared stage`, asked, stages, { label: 'compared' }));
}

function unknownMetric(db: Db, arms: Arm[], key: string, x: XAxis) {
  const known = [...new Set(arms.flatMap((a) => armMetricKeys(db, a)))].sort();
  if (known.includes(key)) return userError('no_x', `${key}: no compared arm has a known ${x} (--x ${x}); try --x step`);
  return userError('unknown_metric', unknownNameMessage(`no compared arm has metric "${key}"`, key, known, { label: 'they log', none: 'nothing yet' }));
}

function describeArm(arm: Arm, cost: ArmCost): ArmDescription {
  const first = arm.members[0];
  return {
    name: arm.name, stage: arm.stage, kind: arm.kind, group: arm.group,
    members: arm.members.map((m) => ({ runId: m.runId, trial: m.trial, label: m.label, seed: m.seed, fingerprint: m.fingerprint, status: m.status })),
    runOverrides: [...new Set(arm.members.flatMap((m) => m.runOverrides))],
    stageSpec: (first.spec.stages as Record<string, unknown> | undefined)?.[arm.stage], spec: first.spec, cost,
  };
}

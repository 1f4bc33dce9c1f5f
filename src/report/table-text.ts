// A comparison's tables as text: cells for the terminal and HTML, Markdown (for a paper draft) and
// CSV (raw numbers, one row per metric and arm), and the sentence that says how to read a table.
// References follow the arms: a row each (a line's value; a reference curve's final and best per arm),
// and under each table a line saying where each came from.
import type { Comparison, MetricComparison } from './compare.ts';
import type { ArmCurve } from './curves.ts';
import type { Reference } from './references.ts';
import { bestPoint, type ArmRow } from './tables.ts';

const NA = 'n/a';

/** 4 significant digits, no exponent for everyday magnitudes. */
export function formatValue(v: number | null): string {
  if (v === null) return NA;
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** 1234567 -> "1.23M": parameters, FLOPs, examples. */
export function formatCount(n: number | null): string {
  if (n === null) return NA;
  const units: [number, string][] = [[1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'K']];
  const [scale, unit] = units.find(([s]) => Math.abs(n) >= s) ?? [1, ''];
  return `${Number((n / scale).toPrecision(3))}${unit}`;
}

export const TABLE_HEADER = ['arm', 'seeds', 'last step', 'final', 'best (step)', 'steps to target', 'FLOPs to target', 'speedup', 'trainable params', 'FLOPs/example'];

/** The final value, with its band across seeds when there are several: `0.985 (0.983-0.988)`. */
function finalCell(r: ArmRow): string {
  return r.finalBand ? `${formatValue(r.final)} (${formatValue(r.finalBand[0])}-${formatValue(r.finalBand[1])})` : formatValue(r.final);
}

function rowCells(r: ArmRow): string[] {
  return [
    r.arm, String(r.seeds), r.lastStep === null ? NA : String(r.lastStep), finalCell(r),
    r.best === null ? NA : `${formatValue(r.best)} (${r.bestStep})`, r.stepsToTarget === null ? 'not reached' : String(r.stepsToTarget),
    formatCount(r.flopsToTarget), r.speedup === null ? NA : `${r.speedup.toFixed(2)}x`, formatCount(r.trainableParams), formatCount(r.forwardFlopsPerExample),
  ];
}

function bandCell(mean: number, band: [number, number] | null): string {
  return band ? `${formatValue(mean)} (${formatValue(band[0])}-${formatValue(band[1])})` : formatValue(mean);
}

/** A reference curve's row: seeds, last step, final (with its band), best (step); the rest blank. */
function referenceCurveCells(name: string, c: ArmCurve, m: MetricComparison): string[] {
  const last = c.points.at(-1)!;
  const best = bestPoint(c.points, m.mode)!;
  return [name, String(c.seeds), String(last.step), bandCell(last.mean, c.seeds > 1 ? [last.lo, last.hi] : null), `${formatValue(best.mean)} (${best.step})`, '', '', '', '', ''];
}

function referenceCells(r: Reference, m: MetricComparison): string[][] {
  if (r.kind === 'curves') return r.curves.map((c) => referenceCurveCells(`${c.arm} ${r.label}`, c, m));
  return [[`reference: ${r.label}`, r.source === null ? '' : String(r.seeds), '', bandCell(r.value, r.range), '', '', '', '', '', '']];
}

/** The metric's table: a row per arm, then a row per reference (per arm for reference curves). */
export function tableCells(m: MetricComparison): string[][] {
  return [...m.rows.map(rowCells), ...m.references.flatMap((r) => referenceCells(r, m))];
}

/** The lines under a metric's table: `reference: image-blind prior 50.9 (eval/vqav2/blind_accuracy, mean over 3 seeds)`. */
export function referenceLines(m: MetricComparison): string[] {
  return m.references.map((r) => `reference: ${r.text}`);
}

/** `experiment quick, runs A, B; arms by stage and models.vit.preset; x: training step` */
export function selectionSummary(c: Comparison): string {
  const what = c.experiment === null ? `runs ${c.runs.join(', ')}` : `experiment ${c.experiment}, run${c.runs.length === 1 ? '' : 's'} ${c.runs.join(', ')}`;
  return `${what}; arms by stage${c.groupBy.map((k) => ` and ${k}`).join('')}; x: ${c.xTitle}`;
}

const BAND_WORDS = { ci95: 'band: 95% CI of the seed mean', minmax: 'band: min-max over seeds', none: 'no band' } as const;

/** How to read the metric's table and chart. */
export function metricCaption(m: MetricComparison, c: Comparison): string {
  const target = m.target === null ? 'no target' : `target ${formatValue(m.target)}${m.targetGiven ? '' : " (the weakest arm's best)"}`;
  const smooth = c.smooth > 0 ? `EMA ${c.smooth}` : 'no smoothing';
  return `${m.key}: ${m.mode === 'min' ? 'lower' : 'higher'} is better; ${target}; speedup = ${m.baseline}'s steps to target / the arm's; ${smooth}; ${BAND_WORDS[c.band]}${yScaleWords(m)}`;
}

/** How the chart's y axis is drawn, when not linear. */
export function yScaleWords(m: MetricComparison): string {
  if (m.yScale === 'log') return '; y axis logarithmic';
  if (m.yScale === 'zoom' && m.yDomain) return `; y axis zoomed to ${formatValue(m.yDomain[0])}-${formatValue(m.yDomain[1])} (the curves after the first 10% of x; earlier points clipped)`;
  return '';
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Every metric's table as Markdown, each under a heading with its caption. */
export function comparisonMarkdown(c: Comparison): string {
  return c.metrics.map((m) => `### ${m.key}\n\n${metricCaption(m, c)}.\n\n${markdownTable(TABLE_HEADER, tableCells(m))}\n${referenceLines(m).map((l) => `\n${l}\n`).join('')}`).join('\n');
}

const CSV_HEADER = ['metric', 'mode', 'target', 'arm', 'stage', 'kind', 'seeds', 'last_step', 'final', 'final_lo', 'final_hi', 'best', 'best_step', 'steps_to_target', 'flops_to_target', 'speedup', 'trainable_params', 'forward_flops_per_example', 'reference_source'];

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type CsvRow = (string | number | null)[];

/** Reference rows (kind `reference`): a line's value (final_lo/hi: the seeds' range), a reference curve's final and best per arm. */
function referenceCsvRows(m: MetricComparison, r: Reference): CsvRow[] {
  const head = [m.key, m.mode, m.target];
  if (r.kind === 'line') {
    return [[...head, r.label, '', 'reference', r.source === null ? null : r.seeds, null, r.value, r.range?.[0] ?? null, r.range?.[1] ?? null, null, null, null, null, null, null, null, r.source ?? 'given']];
  }
  return r.curves.map((k) => {
    const last = k.points.at(-1)!;
    const best = bestPoint(k.points, m.mode)!;
    const band = k.seeds > 1;
    return [...head, `${k.arm} ${r.label}`, m.rows.find((row) => row.arm === k.arm)?.stage ?? '', 'reference', k.seeds, last.step, last.mean, band ? last.lo : null, band ? last.hi : null,
      best.mean, best.step, null, null, null, null, null, r.source];
  });
}

export function comparisonCsv(c: Comparison): string {
  const rows = c.metrics.flatMap((m) => [
    ...m.rows.map((r): CsvRow => [m.key, m.mode, m.target, r.arm, r.stage, r.kind, r.seeds, r.lastStep, r.final, r.finalBand?.[0] ?? null, r.finalBand?.[1] ?? null, r.best, r.bestStep,
      r.stepsToTarget, r.flopsToTarget, r.speedup, r.trainableParams, r.forwardFlopsPerExample, null]),
    ...m.references.flatMap((r) => referenceCsvRows(m, r)),
  ]);
  return [CSV_HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

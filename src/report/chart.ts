// One metric's chart as a Vega-Lite spec: a line per arm (the seed mean), its band as a shaded area,
// the target as a dashed rule; x and y titled (x with its unit), a legend naming the arms, and the
// Okabe-Ito palette (distinguishable with the common colour-vision deficiencies, readable on white).
// Past the palette's 8 colours the lines repeat them with a dash pattern, so no two arms look alike.
// References: a labelled dashed rule per reference line; per reference curve (an arm's loss with
// shuffled images) a thinner dashed line in its arm's colour, named in the legend. The y axis is
// linear, logarithmic, or zoomed to the curves after the first 10% of x (y-scale.ts), marks clipped.
import type { TopLevelSpec } from 'vega-lite';
import type { Comparison, MetricComparison } from './compare.ts';
import type { ReferenceCurves, ReferenceLine } from './references.ts';
import { formatValue } from './table-text.ts';
import { zoomDomain, zoomFrom } from './y-scale.ts';

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
/** Solid for the first 8 arms, then dashed, then dotted (24 distinct arms; then the cycle repeats). */
const DASHES = [[1, 0], [7, 3], [2, 2]];
/** Reference curves: their arm's colour, thinner, in short dashes. */
export const REFERENCE_CURVE_DASH = [4, 3];
/** Reference lines: darker and longer-dashed than the target's rule, and labelled. */
export const REFERENCE_COLOR = '#222222';
export const REFERENCE_DASH = [9, 4];
const TARGET_COLOR = '#555';
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Curves with few points get a dot on each (evaluations every N steps). */
const DOTS_UP_TO = 30;

interface Row {
  arm: string;
  step: number;
  x: number;
  mean: number;
  lo: number;
  hi: number;
}

type Layer = NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']>[number];

function rows(m: MetricComparison): Row[] {
  return m.curves.flatMap((c) => c.points.map((p) => ({ arm: c.arm, step: p.step, x: p.x, mean: p.mean, lo: p.lo, hi: p.hi })));
}

/** Reference curves' points, each under its legend name ("vadapter images shuffled"), and the index of its arm (for the colour). */
function referenceCurveRows(m: MetricComparison): { rows: Row[]; names: string[]; armIndex: number[] } {
  const arms = m.curves.map((k) => k.arm);
  const out = { rows: [] as Row[], names: [] as string[], armIndex: [] as number[] };
  for (const r of m.references.filter((x): x is ReferenceCurves => x.kind === 'curves')) {
    for (const c of r.curves) {
      const name = `${c.arm} ${r.label}`;
      out.names.push(name);
      out.armIndex.push(Math.max(0, arms.indexOf(c.arm)));
      out.rows.push(...c.points.map((p) => ({ arm: name, step: p.step, x: p.x, mean: p.mean, lo: p.lo, hi: p.hi })));
    }
  }
  return out;
}

/** The y scale every layer shares: linear from the data (no zero), log, or the zoomed domain. */
export function yScaleSpec(m: MetricComparison): { type?: 'log'; zero?: false; nice?: false; domain?: [number, number] } {
  if (m.yScale === 'log') return { type: 'log', nice: false };
  const domain = m.yScale === 'zoom' ? zoomDomain(m) : null;
  return domain ? { zero: false, nice: false, domain } : { zero: false };
}

function subtitle(m: MetricComparison, c: Comparison): string {
  const seeds = Math.max(...m.curves.map((k) => k.seeds));
  const spread = c.band === 'none' || seeds < 2 ? '' : c.band === 'ci95' ? ', band 95% CI' : ', band min-max';
  const target = m.target === null ? '' : `; target ${formatValue(m.target)} (dashed)`;
  const from = m.yScale === 'zoom' ? zoomFrom(m) : null;
  const axis = m.yScale === 'log' ? '; log y axis' : from !== null ? `; y fitted to x ≥ ${formatValue(from)} (earlier points clipped)` : '';
  return `${m.mode === 'min' ? 'lower' : 'higher'} is better; mean of up to ${seeds} seed${seeds === 1 ? '' : 's'}${spread}${c.smooth > 0 ? `; EMA ${c.smooth}` : ''}${target}${axis}`;
}

export function chartSpec(m: MetricComparison, c: Comparison): TopLevelSpec {
  const arms = m.curves.map((k) => k.arm);
  const refCurves = referenceCurveRows(m);
  const refLines = m.references.filter((r): r is ReferenceLine => r.kind === 'line');
  const clip = m.yScale === 'zoom';
  const dots = Math.max(...m.curves.map((k) => k.points.length)) <= DOTS_UP_TO;
  const x = { field: 'x', type: 'quantitative' as const, title: c.xTitle, axis: { format: '~s' } };
  const y = { type: 'quantitative' as const, title: m.key, scale: yScaleSpec(m) };
  const names = [...arms, ...refCurves.names];
  const colors = [...arms.map((_, i) => PALETTE[i % PALETTE.length]), ...refCurves.armIndex.map((i) => PALETTE[i % PALETTE.length])];
  const dashes = [...arms.map((_, i) => DASHES[Math.floor(i / PALETTE.length) % DASHES.length]), ...refCurves.names.map(() => REFERENCE_CURVE_DASH)];
  const byArm = <T>(range: T[]) => ({ field: 'arm', type: 'nominal' as const, title: 'arm', scale: { domain: names, range } });
  const color = byArm(colors);
  const strokeDash = byArm(dashes);
  const layers: Layer[] = [];
  if (c.band !== 'none') layers.push({ mark: { type: 'area', opacity: 0.18, clip }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color } });
  const legend = { orient: 'bottom' as const, direction: 'vertical' as const, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, encode: { symbols: { update: { opacity: { value: 1 }, strokeOpacity: { value: 1 } } } }, labelLimit: 1000 };
  layers.push({ mark: { type: 'line', strokeWidth: 2, point: dots, clip }, encoding: { x, y: { field: 'mean', ...y }, color: { ...color, legend }, strokeDash: { ...strokeDash, legend } } });
  // No `opacity` on the reference curves: resvg drops a clipped line mark that has one (the PNG lost them on a zoomed axis).
  if (refCurves.rows.length > 0) {
    layers.push({ data: { values: refCurves.rows }, mark: { type: 'line', strokeWidth: 1.5, clip }, encoding: { x, y: { field: 'mean', ...y }, color: { ...color, legend }, strokeDash: { ...strokeDash, legend } } });
  }
  if (m.target !== null) layers.push({ data: { values: [{}] }, mark: { type: 'rule', strokeDash: [5, 4], clip }, encoding: { y: { datum: m.target, ...y }, color: { value: TARGET_COLOR } } });
  refLines.forEach((r, i) => {
    // Labels alternate between the right and the left end, so that two close lines keep both readable.
    const right = i % 2 === 0;
    layers.push({ data: { values: [{}] }, mark: { type: 'rule', strokeDash: REFERENCE_DASH, strokeWidth: 1.5, clip }, encoding: { y: { datum: r.value, ...y }, color: { value: REFERENCE_COLOR } } });
    layers.push({
      data: { values: [{}] },
      mark: { type: 'text', align: right ? 'right' : 'left', baseline: 'bottom', dx: right ? -4 : 4, dy: -3, fontSize: 10, clip },
      encoding: { x: { value: right ? 'width' : 0 }, y: { datum: r.value, ...y }, text: { value: r.text }, color: { value: REFERENCE_COLOR } },
    });
  });
  return {
    width: 560,
    height: 320,
    padding: 16,
    background: 'white',
    title: { text: m.key, subtitle: subtitle(m, c), anchor: 'start' },
    data: { values: rows(m) },
    layer: layers,
    config: { font: CHART_FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 12, titleFontSize: 12 }, title: { fontSize: 14, subtitleFontSize: 11 } },
  };
}

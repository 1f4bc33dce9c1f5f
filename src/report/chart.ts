// One metric's chart as a Vega-Lite spec: a line per arm (the seed mean), its band as a shaded area,
// the target as a dashed rule; x and y titled (x with its unit), a legend naming the arms, and the
// Okabe-Ito palette (distinguishable with the common colour-vision deficiencies, readable on white).
// Past the palette's 8 colours the lines repeat them with a dash pattern, so no two arms look alike.
import type { TopLevelSpec } from 'vega-lite';
import type { Comparison, MetricComparison } from './compare.ts';
import { formatValue } from './table-text.ts';

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
/** Solid for the first 8 arms, then dashed, then dotted (24 distinct arms; then the cycle repeats). */
const DASHES = [[1, 0], [7, 3], [2, 2]];
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

function rows(m: MetricComparison): Row[] {
  return m.curves.flatMap((c) => c.points.map((p) => ({ arm: c.arm, step: p.step, x: p.x, mean: p.mean, lo: p.lo, hi: p.hi })));
}

function subtitle(m: MetricComparison, c: Comparison): string {
  const seeds = Math.max(...m.curves.map((k) => k.seeds));
  const spread = c.band === 'none' || seeds < 2 ? '' : c.band === 'ci95' ? ', band 95% CI' : ', band min-max';
  const target = m.target === null ? '' : `; target ${formatValue(m.target)} (dashed)`;
  return `${m.mode === 'min' ? 'lower' : 'higher'} is better; mean of up to ${seeds} seed${seeds === 1 ? '' : 's'}${spread}${c.smooth > 0 ? `; EMA ${c.smooth}` : ''}${target}`;
}

export function chartSpec(m: MetricComparison, c: Comparison): TopLevelSpec {
  const arms = m.curves.map((k) => k.arm);
  const dots = Math.max(...m.curves.map((k) => k.points.length)) <= DOTS_UP_TO;
  const x = { field: 'x', type: 'quantitative' as const, title: c.xTitle, axis: { format: '~s' } };
  const y = { type: 'quantitative' as const, title: m.key, scale: { zero: false } };
  const byArm = <T>(style: (i: number) => T) => ({ field: 'arm', type: 'nominal' as const, title: 'arm', scale: { domain: arms, range: arms.map((_, i) => style(i)) } });
  const color = byArm((i) => PALETTE[i % PALETTE.length]);
  const strokeDash = byArm((i) => DASHES[Math.floor(i / PALETTE.length) % DASHES.length]);
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [];
  if (c.band !== 'none') layers.push({ mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color } });
  const legend = { orient: 'bottom' as const, direction: 'vertical' as const, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1, encode: { symbols: { update: { opacity: { value: 1 }, strokeOpacity: { value: 1 } } } }, labelLimit: 520 };
  layers.push({ mark: { type: 'line', strokeWidth: 2, point: dots }, encoding: { x, y: { field: 'mean', ...y }, color: { ...color, legend }, strokeDash: { ...strokeDash, legend } } });
  if (m.target !== null) layers.push({ data: { values: [{}] }, mark: { type: 'rule', strokeDash: [5, 4] }, encoding: { y: { datum: m.target }, color: { value: '#555' } } });
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

// A terminal chart of one metric for quick looks over SSH: one sparkline per arm, on a shared x range
// (column c samples the curve at the centre of the c-th of `width` equal bins, linearly interpolated,
// blank outside the arm's range) and a shared y range (8 block heights from the lowest to the highest mean).
import type { ArmCurve, CurvePoint } from './curves.ts';
import { formatCount, formatValue } from './table-text.ts';

const BLOCKS = '▁▂▃▄▅▆▇█';

function interpolate(points: CurvePoint[], x: number): number {
  const after = points.findIndex((p) => p.x >= x);
  if (after < 0) return points[points.length - 1].mean;
  if (after === 0) return points[0].mean;
  const a = points[after - 1];
  const b = points[after];
  return a.mean + ((b.mean - a.mean) * (x - a.x)) / (b.x - a.x);
}

function line(points: CurvePoint[], width: number, x: [number, number], y: [number, number]): string {
  const bin = (x[1] - x[0]) / width;
  const first = points[0].x;
  const last = points[points.length - 1].x;
  let out = '';
  for (let c = 0; c < width; c++) {
    const at = x[0] + (c + 0.5) * bin;
    if (at < first - bin / 2 || at > last + bin / 2) {
      out += ' ';
      continue;
    }
    const level = y[1] > y[0] ? (interpolate(points, at) - y[0]) / (y[1] - y[0]) : 0.5;
    out += BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.round(level * (BLOCKS.length - 1))))];
  }
  return out;
}

/** Lines of text: the ranges, then `arm  ▇▅▃▂▁  first → last` for each curve. */
export function sparklines(curves: ArmCurve[], xTitle: string, width = 48): string[] {
  const all = curves.flatMap((c) => c.points);
  if (all.length === 0) return [];
  const x: [number, number] = [Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x))];
  const y: [number, number] = [Math.min(...all.map((p) => p.mean)), Math.max(...all.map((p) => p.mean))];
  const name = Math.max(...curves.map((c) => c.arm.length));
  const rows = curves.map((c) => `${c.arm.padEnd(name)}  ${line(c.points, width, x, y)}  ${formatValue(c.points[0].mean)} → ${formatValue(c.points.at(-1)!.mean)}`);
  return [`${''.padEnd(name)}  ${xTitle} ${formatCount(x[0])} .. ${formatCount(x[1])}; heights ${formatValue(y[0])} (▁) .. ${formatValue(y[1])} (█)`, ...rows];
}

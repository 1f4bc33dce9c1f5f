// The y axis of a metric's chart: linear (the default), logarithmic, or zoomed to the range the
// curves take after their first 10% of x, so that an early spike (a loss starting at 2 and settling
// at 0.98) does not squash the differences that matter at the end; the early part is clipped.
import type { ArmCurve } from './curves.ts';
import type { Reference } from './references.ts';

export const Y_SCALES = ['linear', 'log', 'zoom'] as const;
export type YScale = (typeof Y_SCALES)[number];

/** The share of the x range left out when fitting a zoomed axis. */
export const ZOOM_SKIP = 0.1;
/** Space above and below the zoomed range, as a share of it. */
export const ZOOM_PAD = 0.05;

/** What the y axis is fitted to: the curves, the reference lines and curves, the target. */
export interface YExtent {
  curves: ArmCurve[];
  references: Reference[];
  target: number | null;
}

/** Every curve drawn on the chart: the arms', then the reference curves (val/loss_shuffled per arm). */
function drawnCurves(e: YExtent): { curve: ArmCurve; band: boolean }[] {
  return [...e.curves.map((curve) => ({ curve, band: true })), ...e.references.flatMap((r) => (r.kind === 'curves' ? r.curves.map((curve) => ({ curve, band: false })) : []))];
}

function lineValues(e: YExtent): number[] {
  return [...e.references.flatMap((r) => (r.kind === 'line' ? [r.value] : [])), ...(e.target === null ? [] : [e.target])];
}

/** The x from which a zoomed axis is fitted: the first 10% of the chart's x range is left out. */
export function zoomFrom(e: YExtent): number | null {
  const xs = drawnCurves(e).flatMap(({ curve }) => curve.points.map((p) => p.x));
  if (xs.length === 0) return null;
  const lo = Math.min(...xs);
  return lo + ZOOM_SKIP * (Math.max(...xs) - lo);
}

/**
 * The zoomed y domain: the lowest and highest value drawn at x >= zoomFrom (means, and bands of the
 * arms' curves), the reference lines and the target, padded by 5% of that range on each side (a flat
 * range by 5% of its value, or 0.5 at 0). Null without points.
 */
export function zoomDomain(e: YExtent): [number, number] | null {
  const from = zoomFrom(e);
  if (from === null) return null;
  const values = drawnCurves(e).flatMap(({ curve, band }) => curve.points.filter((p) => p.x >= from).flatMap((p) => (band ? [p.mean, p.lo, p.hi] : [p.mean])));
  values.push(...lineValues(e));
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = hi > lo ? ZOOM_PAD * (hi - lo) : Math.abs(hi) * ZOOM_PAD || 0.5;
  return [lo - pad, hi + pad];
}

/** The lowest value a log axis would have to show (means, bands, references, target); null without values. */
export function lowestDrawn(e: YExtent): number | null {
  const values = [...drawnCurves(e).flatMap(({ curve, band }) => curve.points.flatMap((p) => (band ? [p.mean, p.lo, p.hi] : [p.mean]))), ...lineValues(e)];
  return values.length === 0 ? null : Math.min(...values);
}

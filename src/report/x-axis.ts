// The x axes a curve can be drawn against, with their titles (units included), and the mapping of
// a training step to each: examples seen, training FLOPs (see flops.ts), or wall time since the
// stage's first logged step (interpolated between logged steps; a resumed stage's pause counts).
import { trainingFlops, type ArmCost } from './flops.ts';

export const X_AXES = ['step', 'examples', 'flops', 'time'] as const;
export type XAxis = (typeof X_AXES)[number];

export const X_TITLES: Record<XAxis, string> = {
  step: 'training step',
  examples: 'examples seen',
  flops: 'training FLOPs (3 × forward FLOPs × examples)',
  time: 'wall time since the first step (s)',
};

export type Clock = { step: number; wallTime: number }[]; // in step order

/** Seconds from the clock's first entry to `step`, linear between logged steps, clamped at the ends. */
export function elapsedAt(clock: Clock, step: number): number | null {
  if (clock.length === 0) return null;
  const t0 = clock[0].wallTime;
  const after = clock.findIndex((c) => c.step >= step);
  if (after === 0) return 0;
  if (after < 0) return clock[clock.length - 1].wallTime - t0;
  const a = clock[after - 1];
  const b = clock[after];
  return a.wallTime + ((b.wallTime - a.wallTime) * (step - a.step)) / (b.step - a.step) - t0;
}

/** step -> x for one member of an arm (null where the axis is unknown for it). */
export function stepToX(axis: XAxis, cost: ArmCost, clock: Clock): (step: number) => number | null {
  switch (axis) {
    case 'step':
      return (s) => s;
    case 'examples':
      return (s) => (cost.examplesPerStep === null ? null : cost.examplesPerStep * s);
    case 'flops':
      return (s) => trainingFlops(cost, s);
    case 'time':
      return (s) => elapsedAt(clock, s);
  }
}

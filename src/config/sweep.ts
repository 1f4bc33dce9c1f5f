// Sweep axes — from the spec's `sweep:` block (`seeds:` is the `seed` axis) and from command-line
// overrides `k=a,b,c` — and their expansion into trials: the grid's cartesian product, the first
// axis varying slowest. A command-line axis replaces a block axis of the same key.
import type { SourcePos } from '../util/errors.ts';
import type { DocPath, SourceMap } from './source-map.ts';
import { dottedPath, parseDottedPath, setAt } from './values.ts';

export interface AxisValue {
  value: unknown;
  raw: string;
  pos: SourcePos; // where this value was written
}

export interface SweepAxis {
  key: string; // dotted, e.g. "models.vit.preset"
  path: DocPath;
  values: AxisValue[];
  pos: SourcePos; // where the axis was declared
  add?: boolean; // from `+key=a,b` on the command line: the key is new to the spec
}

export interface TrialAssignment {
  index: number;
  label: string; // "models.vit.preset=vit-small seed=1", or "" for the single trial of an unswept spec
  values: { path: DocPath; key: string; value: unknown; pos: SourcePos }[];
}

export const SEEDS_KEY = 'seeds';

/** The axes of a `sweep:` block, in the order written. */
export function axesFromBlock(block: Record<string, unknown[]>, map: SourceMap): SweepAxis[] {
  return Object.entries(block).map(([key, values]) => {
    const path = key === SEEDS_KEY ? ['seed'] : parseDottedPath(key);
    return {
      key: dottedPath(path),
      path,
      pos: map.at(['sweep', key]),
      values: values.map((value, i) => ({ value, raw: String(value), pos: map.at(['sweep', key, i]) })),
    };
  });
}

/** Block axes with command-line axes applied: same key replaces in place, a new key is appended. */
export function combineAxes(block: SweepAxis[], cli: SweepAxis[]): SweepAxis[] {
  const out = [...block];
  for (const axis of cli) {
    const at = out.findIndex((a) => a.key === axis.key);
    if (at >= 0) out[at] = axis;
    else out.push(axis);
  }
  return out;
}

/** Every combination of axis values, as trials. */
export function expandGrid(axes: SweepAxis[]): TrialAssignment[] {
  let combos: AxisValue[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((combo) => axis.values.map((v) => [...combo, v]));
  return combos.map((combo, index) => ({
    index,
    label: combo.map((v, i) => `${axes[i].key}=${v.raw}`).join(' '),
    values: combo.map((v, i) => ({ path: axes[i].path, key: axes[i].key, value: v.value, pos: v.pos })),
  }));
}

/** Write a trial's values into a copy of the document and its source map. */
export function applyTrial(doc: Record<string, unknown>, map: SourceMap, trial: TrialAssignment): void {
  for (const v of trial.values) {
    setAt(doc, v.path, structuredClone(v.value));
    map.dropBelow(v.path);
    map.set(v.path, v.pos);
  }
}

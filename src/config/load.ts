// The spec layer's entry points: read a spec file (with includes), apply command-line overrides,
// expand sweeps into trials and validate each trial's common shape. `checkSpec` returns every issue;
// `loadSpec` throws them as one UserError.
import { basename, extname, resolve } from 'node:path';
import { UserError, type Issue } from '../util/errors.ts';
import { loadDocument } from './include.ts';
import { checkAssignment, overridePosition, parseOverride, type Override } from './overrides.ts';
import { experimentSchema, sweepSchema, type ExperimentSpec } from './schema.ts';
import type { SourceMap } from './source-map.ts';
import { SEEDS_KEY, applyTrial, axesFromBlock, combineAxes, expandGrid, type SweepAxis, type TrialAssignment } from './sweep.ts';
import { checkAt, uniqueIssues, type Checked } from './validate.ts';
import { resolveDataPaths, resolveFrom } from './paths.ts';
import { dottedPath, isMapping, setAt } from './values.ts';

export interface SpecTrial {
  index: number;
  label: string; // the sweep values of this trial, "" when nothing is swept
  assignments: Record<string, unknown>; // dotted key -> value
  spec: ExperimentSpec; // defaults applied, plugin and data paths absolute
  map: SourceMap; // positions for this trial's values (sweep values point at where they were written)
}

export interface LoadedSpec {
  file: string; // absolute
  files: string[]; // the spec and every file it includes
  overrides: string[];
  name: string;
  trials: SpecTrial[];
}

/** Top-level keys with defaults that `key=value` may override without a `+` (e.g. `seed=1,2,3`). */
const OVERRIDABLE_DEFAULTS = { seed: 0, backend: 'auto' };

export function loadSpec(file: string, overrides: string[] = []): LoadedSpec {
  const checked = checkSpec(file, overrides);
  if (!checked.ok) throw new UserError(checked.issues);
  return checked.value;
}

export function checkSpec(file: string, overrideArgs: string[] = []): Checked<LoadedSpec> {
  try {
    return buildSpec(file, overrideArgs);
  } catch (err) {
    if (err instanceof UserError) return { ok: false, issues: err.issues };
    throw err;
  }
}

function buildSpec(file: string, overrideArgs: string[]): Checked<LoadedSpec> {
  const { value: doc, map, files } = loadDocument(file);
  if (!('name' in doc)) doc.name = basename(file, extname(file));
  for (const [key, value] of Object.entries(OVERRIDABLE_DEFAULTS)) if (!(key in doc)) doc[key] = value;
  const issues: Issue[] = [];
  const cliAxes = applyOverrides(doc, map, parseOverrides(overrideArgs, issues), issues);
  const { sweep, ...base } = doc;
  const axes = sweepAxes(sweep, base, map, cliAxes, issues);
  if (issues.length > 0) return { ok: false, issues: uniqueIssues(issues) };
  const trials = expandGrid(axes).flatMap((t) => buildTrial(base, map, t, issues) ?? []);
  if (issues.length > 0) return { ok: false, issues: uniqueIssues(issues) };
  return { ok: true, value: { file: resolve(file), files, overrides: overrideArgs, name: trials[0].spec.name, trials } };
}

function parseOverrides(args: string[], issues: Issue[]): Override[] {
  return args.flatMap((arg) => {
    try {
      return [parseOverride(arg)];
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      issues.push(...err.issues);
      return [];
    }
  });
}

/** Apply single-value overrides to the document; return sweep overrides as axes. */
function applyOverrides(doc: Record<string, unknown>, map: SourceMap, overrides: Override[], issues: Issue[]): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const o of overrides) {
    const pos = overridePosition(o.text);
    const values = o.values.map((v, i) => assignable(doc, o, v, o.raw[i], issues));
    if (values.some((v) => v === REJECTED)) continue;
    if (values.length > 1) {
      axes.push({ key: dottedPath(o.path), path: o.path, pos, add: o.op !== 'set', values: values.map((value, i) => ({ value, raw: o.raw[i], pos })) });
      continue;
    }
    setAt(doc, o.path, values[0]);
    map.dropBelow(o.path);
    map.set(o.path, pos);
    dropBlockAxis(doc, dottedPath(o.path));
  }
  return axes;
}

const REJECTED = Symbol('rejected');

function assignable(doc: Record<string, unknown>, o: Override, value: unknown, raw: string, issues: Issue[]): unknown {
  const { sweep: _sweep, ...base } = doc;
  const target = o.path[0] === 'sweep' ? doc : base;
  const result = checkAssignment(target, o.path, value, raw, o.op);
  if ('value' in result) return result.value;
  issues.push({ ...result.issue, ...overridePosition(o.text) });
  return REJECTED;
}

/** A value fixed on the command line takes that key out of the sweep block. */
function dropBlockAxis(doc: Record<string, unknown>, key: string): void {
  if (!isMapping(doc.sweep)) return;
  delete doc.sweep[key];
  if (key === 'seed') delete doc.sweep[SEEDS_KEY];
}

function sweepAxes(sweep: unknown, base: Record<string, unknown>, map: SourceMap, cliAxes: SweepAxis[], issues: Issue[]): SweepAxis[] {
  const block = sweep === undefined ? { ok: true as const, value: {} } : checkAt(sweepSchema, sweep, ['sweep'], map);
  if (!block.ok) {
    issues.push(...block.issues);
    return [];
  }
  const axes = combineAxes(axesFromBlock(block.value, map), cliAxes);
  for (const axis of axes) {
    for (const v of axis.values) {
      const result = checkAssignment(base, axis.path, v.value, v.raw, axis.add || axis.key === 'seed' ? 'force' : 'set');
      if ('value' in result) {
        v.value = result.value;
        continue;
      }
      const unknownKey = result.issue.code === 'unknown_key'; // a fault of the key: reported once, where the axis is declared
      issues.push({ ...result.issue, ...(unknownKey ? axis.pos : v.pos) });
      if (unknownKey) break;
    }
  }
  return axes;
}

function buildTrial(base: Record<string, unknown>, baseMap: SourceMap, t: TrialAssignment, issues: Issue[]): SpecTrial | undefined {
  const doc = structuredClone(base);
  const map = baseMap.clone();
  applyTrial(doc, map, t);
  const checked = checkAt(experimentSchema, doc, [], map);
  if (!checked.ok) {
    issues.push(...checked.issues);
    return undefined;
  }
  const spec = { ...checked.value, plugins: checked.value.plugins.map((p, i) => resolveFrom(p, map, ['plugins', i])), data: resolveDataPaths(checked.value.data, map) };
  return { index: t.index, label: t.label, assignments: Object.fromEntries(t.values.map((v) => [v.key, v.value])), spec, map };
}

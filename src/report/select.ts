// What `vadapter compare` compares: stages of an experiment's runs, filtered, then grouped into arms.
// An arm is one stage name under one set of group values (by default the keys on which the trials'
// resolved specs differ, seeds aside, e.g. `models.vit.preset`); its members are that stage in the
// trials of those values, averaged as seeds. A trial run again (same resolved spec) counts once, the
// most recent run's, and so does an output that several trials share (same fingerprint).
import type { Db } from '../track/db.ts';
import { getRun } from '../track/runs.ts';
import { comparableStages, experimentNames, type ComparableStage } from '../track/series.ts';
import { unknownNameMessage, userError } from '../util/errors.ts';
import { canonicalJson } from '../util/hash.ts';
import { differingKeys, displayValue, shortKeys, valueAt } from './spec-values.ts';

/** The stage kinds the paper compares; without --stage, these are the arms when the selection has any. */
export const ARM_KINDS = ['align-adapter', 'align-resampler'];

export interface Selection {
  experiment?: string; // default: the experiment of the most recent run (unless runs are given)
  runs?: string[];
  stages?: string[]; // stage names; default: the stages of ARM_KINDS, else every stage
  where?: string[]; // `key=value` filters on the trials' resolved specs
  groupBy?: string[]; // dotted spec keys; default: the keys on which the selected trials differ
}

export interface ArmMember {
  runId: string;
  trial: number;
  label: string;
  seed: number;
  fingerprint: string;
  status: string;
  runOverrides: string[];
  spec: Record<string, unknown>; // the trial's resolved spec
}

export interface Arm {
  name: string; // "vadapter" or "vadapter (vit.preset=vit-small)"
  stage: string;
  kind: string;
  group: Record<string, string>; // group key -> value as written on the command line
  members: ArmMember[];
}

export interface ArmSelection {
  experiment: string | null;
  runs: string[];
  groupBy: string[];
  arms: Arm[];
}

export function selectArms(db: Db, sel: Selection): ArmSelection {
  const experiment = chooseExperiment(db, sel);
  for (const id of sel.runs ?? []) if (!getRun(db, id)) throw userError('unknown_run', `no run "${id}" in the tracking database`);
  let rows = comparableStages(db, { experiment: experiment ?? undefined, runs: sel.runs });
  if (rows.length === 0) throw userError('nothing_to_compare', `no stages recorded for ${experiment ? `experiment "${experiment}"` : 'these runs'}${sel.runs ? ` in runs ${sel.runs.join(', ')}` : ''}`);
  rows = filterWhere(rows, sel.where ?? []);
  rows = filterStages(rows, sel.stages);
  const groupBy = sel.groupBy ?? differingKeys(uniqueTrials(rows).map((r) => r.spec));
  return { experiment, runs: [...new Set(rows.map((r) => r.runId))], groupBy, arms: groupArms(rows, groupBy) };
}

function chooseExperiment(db: Db, sel: Selection): string | null {
  const { names, latest } = experimentNames(db);
  if (sel.experiment === undefined) {
    if (sel.runs) return null;
    if (latest === null) throw userError('nothing_to_compare', 'the tracking database has no runs yet (run an experiment first, or pass --root)');
    return latest;
  }
  if (names.includes(sel.experiment)) return sel.experiment;
  throw userError('unknown_experiment', unknownNameMessage(`no experiment "${sel.experiment}"`, sel.experiment, names));
}

function filterWhere(rows: ComparableStage[], where: string[]): ComparableStage[] {
  for (const w of where) {
    const at = w.indexOf('=');
    if (at <= 0) throw userError('bad_arguments', `--where expects key=value, got "${w}"`);
    const key = w.slice(0, at);
    if (rows.every((r) => valueAt(r.spec, key) === undefined)) throw userError('unknown_key', `--where ${w}: no selected trial has a value at "${key}"`);
    rows = rows.filter((r) => displayValue(valueAt(r.spec, key)) === w.slice(at + 1));
  }
  if (rows.length === 0) throw userError('nothing_to_compare', `no trial matches --where ${where.join(' ')}`);
  return rows;
}

function filterStages(rows: ComparableStage[], stages: string[] | undefined): ComparableStage[] {
  const names = [...new Set(rows.map((r) => r.name))];
  if (stages === undefined) {
    const paper = rows.filter((r) => ARM_KINDS.includes(r.kind));
    return paper.length > 0 ? paper : rows;
  }
  for (const s of stages) {
    if (names.includes(s)) continue;
    throw userError('unknown_stage', unknownNameMessage(`no stage "${s}" in the selected runs`, s, names, { label: 'stages' }));
  }
  return rows.filter((r) => stages.includes(r.name));
}

/** One row per (run, trial). */
function uniqueTrials(rows: ComparableStage[]): ComparableStage[] {
  return [...new Map(rows.map((r) => [`${r.runId}/${r.trial}`, r])).values()];
}

function seedOf(r: ComparableStage): number {
  const own = valueAt(r.spec, `stages.${r.name}.seed`);
  const seed = typeof own === 'number' ? own : valueAt(r.spec, 'seed');
  return typeof seed === 'number' ? seed : 0;
}

function groupArms(rows: ComparableStage[], groupBy: string[]): Arm[] {
  const short = shortKeys(groupBy);
  const arms = new Map<string, Arm>();
  for (const r of rows) {
    const group = Object.fromEntries(groupBy.map((k) => [k, displayValue(valueAt(r.spec, k))]));
    const id = JSON.stringify([r.name, group]);
    const arm = arms.get(id) ?? { name: armName(r.name, group, short), stage: r.name, kind: r.kind, group, members: [] };
    arms.set(id, arm);
    const member: ArmMember = { runId: r.runId, trial: r.trial, label: r.label, seed: seedOf(r), fingerprint: r.fingerprint, status: r.status, runOverrides: r.runOverrides, spec: r.spec };
    const rerun = arm.members.findIndex((m) => m.fingerprint === member.fingerprint || canonicalJson(m.spec) === canonicalJson(member.spec));
    if (rerun >= 0) arm.members[rerun] = member; // rows come oldest run first: the latest wins
    else arm.members.push(member);
  }
  return [...arms.values()];
}

function armName(stage: string, group: Record<string, string>, short: Map<string, string>): string {
  const parts = Object.entries(group).map(([k, v]) => `${short.get(k)}=${v}`);
  return parts.length > 0 ? `${stage} (${parts.join(', ')})` : stage;
}

// Read-only queries for comparing runs (`vadapter compare`): the stages of an experiment's runs with
// their trials' resolved specs, a metric's points with their wall times, and a stage's clock (the
// wall time at which it logged each step).
import type { Db } from './db.ts';

/** A stage of a run, with what its run and trial say about it. */
export interface ComparableStage {
  runId: string;
  experiment: string;
  runStartedAt: string;
  runOverrides: string[]; // the run's command-line overrides, as typed
  trial: number;
  label: string; // the trial's sweep label, "" for an unswept spec
  assignments: Record<string, unknown>; // the trial's sweep values by dotted key
  spec: Record<string, unknown>; // the trial's resolved ExperimentSpec
  stageId: number;
  name: string;
  kind: string;
  fingerprint: string;
  status: string;
}

export interface MetricPointRow {
  step: number;
  value: number;
  wallTime: number; // unix seconds
}

interface ComparableRow {
  run_id: string; experiment: string; started_at: string; overrides: string; trial: number; label: string; assignments: string; spec: string;
  stage_id: number; name: string; kind: string; fingerprint: string; status: string;
}

const COMPARABLE_SELECT = `SELECT r.id AS run_id, e.name AS experiment, r.started_at, r.overrides, t.trial, t.label, t.assignments, t.spec,
    s.id AS stage_id, s.name, s.kind, s.fingerprint, s.status
  FROM stages s JOIN runs r ON r.id = s.run_id JOIN experiments e ON e.id = r.experiment_id
  JOIN trials t ON t.run_id = s.run_id AND t.trial = s.trial`;

/** Stages of the experiment's runs (all of them, or those in `runs`), oldest run first, in plan order. */
export function comparableStages(db: Db, filter: { experiment?: string; runs?: string[] }): ComparableStage[] {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.experiment !== undefined) {
    where.push('e.name = ?');
    params.push(filter.experiment);
  }
  if (filter.runs !== undefined) {
    where.push(`r.id IN (${filter.runs.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...filter.runs);
  }
  const sql = `${COMPARABLE_SELECT} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.started_at, r.id, s.id`;
  return (db.prepare(sql).all(...params) as ComparableRow[]).map((r) => ({
    runId: r.run_id, experiment: r.experiment, runStartedAt: r.started_at, runOverrides: JSON.parse(r.overrides), trial: r.trial, label: r.label,
    assignments: JSON.parse(r.assignments), spec: JSON.parse(r.spec), stageId: r.stage_id, name: r.name, kind: r.kind, fingerprint: r.fingerprint, status: r.status,
  }));
}

/** Every experiment name, and the one of the most recent run (null when there are no runs). */
export function experimentNames(db: Db): { names: string[]; latest: string | null } {
  const names = (db.prepare('SELECT name FROM experiments ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const latest = db.prepare('SELECT e.name FROM runs r JOIN experiments e ON e.id = r.experiment_id ORDER BY r.started_at DESC, r.id DESC LIMIT 1').get() as { name: string } | undefined;
  return { names, latest: latest?.name ?? null };
}

/** One metric of one stage output in step order, leaving out NaN (NULL) values. */
export function metricPoints(db: Db, fingerprint: string, key: string): MetricPointRow[] {
  return db.prepare('SELECT step, value, wall_time AS wallTime FROM metrics WHERE fingerprint = ? AND key = ? AND value IS NOT NULL ORDER BY step')
    .all(fingerprint, key) as MetricPointRow[];
}

/** `key` as logged by another stage of the same run and trial (the first such stage in plan order), e.g. an evaluate stage's `vadapter/eval/coco/CIDEr`. */
export function trialMetricPoints(db: Db, runId: string, trial: number, key: string): MetricPointRow[] {
  const found = db.prepare(`SELECT s.fingerprint FROM stages s WHERE s.run_id = ? AND s.trial = ?
      AND EXISTS (SELECT 1 FROM metrics m WHERE m.fingerprint = s.fingerprint AND m.key = ?) ORDER BY s.id LIMIT 1`).get(runId, trial, key) as { fingerprint: string } | undefined;
  return found ? metricPoints(db, found.fingerprint, key) : [];
}

/** When a stage output logged each step: the earliest wall time of any of its metrics at that step. */
export function stepClock(db: Db, fingerprint: string): { step: number; wallTime: number }[] {
  return db.prepare('SELECT step, MIN(wall_time) AS wallTime FROM metrics WHERE fingerprint = ? GROUP BY step ORDER BY step').all(fingerprint) as { step: number; wallTime: number }[];
}

/** The metric keys these stage outputs logged, sorted (for listing the choices after a typo). */
export function metricKeys(db: Db, fingerprints: string[]): string[] {
  if (fingerprints.length === 0) return [];
  const rows = db.prepare(`SELECT DISTINCT key FROM metrics WHERE fingerprint IN (${fingerprints.map(() => '?').join(', ')}) ORDER BY key`).all(...fingerprints) as { key: string }[];
  return rows.map((r) => r.key);
}

/** The metric keys any stage of this run and trial logged, sorted. */
export function trialMetricKeys(db: Db, runId: string, trial: number): string[] {
  const rows = db.prepare('SELECT DISTINCT m.key FROM metrics m JOIN stages s ON s.fingerprint = m.fingerprint WHERE s.run_id = ? AND s.trial = ? ORDER BY m.key').all(runId, trial) as { key: string }[];
  return rows.map((r) => r.key);
}

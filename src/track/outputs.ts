// Stage outputs: one row per fingerprint, the index of runs/store/<fingerprint>/. Its status says
// whether the output is complete (then any later run with the same fingerprint reuses it).
import { nowIso, type Db } from './db.ts';

export type OutputStatus = 'pending' | 'running' | 'done' | 'failed' | 'interrupted';

export interface OutputRecord {
  fingerprint: string;
  kind: string;
  inputs: unknown;
  status: OutputStatus;
  step: number | null;
  totalSteps: number;
  producerStageId: number | null;
  finishedAt: string | null;
}

export interface StageOrigin {
  run: string;
  trial: number;
  stage: string;
}

/** Record a fingerprint's inputs the first time it is planned; later calls leave the row as is. */
export function ensureOutput(db: Db, o: { fingerprint: string; kind: string; inputs: unknown; totalSteps: number }): void {
  db.prepare(`INSERT OR IGNORE INTO outputs (fingerprint, kind, inputs, status, total_steps, created_at, updated_at)
    VALUES (?, ?, ?, 'pending', ?, ?, ?)`).run(o.fingerprint, o.kind, JSON.stringify(o.inputs), o.totalSteps, nowIso(), nowIso());
}

export function getOutput(db: Db, fingerprint: string): OutputRecord | null {
  const r = db.prepare('SELECT * FROM outputs WHERE fingerprint = ?').get(fingerprint) as
    | { fingerprint: string; kind: string; inputs: string; status: OutputStatus; step: number | null; total_steps: number; producer_stage_id: number | null; finished_at: string | null }
    | undefined;
  if (!r) return null;
  return { fingerprint: r.fingerprint, kind: r.kind, inputs: JSON.parse(r.inputs), status: r.status, step: r.step, totalSteps: r.total_steps, producerStageId: r.producer_stage_id, finishedAt: r.finished_at };
}

export function setOutputStatus(db: Db, fingerprint: string, status: OutputStatus, producerStageId?: number): void {
  const finished = status === 'done' ? nowIso() : null;
  if (producerStageId === undefined) {
    db.prepare('UPDATE outputs SET status = ?, updated_at = ?, finished_at = ? WHERE fingerprint = ?').run(status, nowIso(), finished, fingerprint);
  } else {
    db.prepare('UPDATE outputs SET status = ?, producer_stage_id = ?, updated_at = ?, finished_at = ? WHERE fingerprint = ?').run(status, producerStageId, nowIso(), finished, fingerprint);
  }
}

export function setOutputStep(db: Db, fingerprint: string, step: number): void {
  db.prepare('UPDATE outputs SET step = ?, updated_at = ? WHERE fingerprint = ?').run(step, nowIso(), fingerprint);
}

/** Which run, trial and stage last worked on this output. */
export function outputOrigin(db: Db, fingerprint: string): StageOrigin | null {
  const r = db.prepare('SELECT s.run_id AS run, s.trial, s.name AS stage FROM outputs o JOIN stages s ON s.id = o.producer_stage_id WHERE o.fingerprint = ?').get(fingerprint) as StageOrigin | undefined;
  return r ?? null;
}

/** Fingerprints this stage name had in earlier runs of the experiment, most recent first, each once. */
export function previousOutputs(db: Db, experiment: string, stage: string): { fingerprint: string; run: string; inputs: unknown }[] {
  const rows = db.prepare(`SELECT s.fingerprint, s.run_id AS run, o.inputs FROM stages s
      JOIN runs r ON r.id = s.run_id JOIN experiments e ON e.id = r.experiment_id JOIN outputs o ON o.fingerprint = s.fingerprint
      WHERE e.name = ? AND s.name = ? ORDER BY r.started_at DESC, s.id DESC`).all(experiment, stage) as { fingerprint: string; run: string; inputs: string }[];
  const first = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!first.has(r.fingerprint)) first.set(r.fingerprint, r);
  return [...first.values()].map((r) => ({ ...r, inputs: JSON.parse(r.inputs) }));
}

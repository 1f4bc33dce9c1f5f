// Tracking databases for the report tests, written through the track/ API (runs, trials, stages,
// metrics, checkpoints) with hand-picked numbers: no model is trained.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeSafetensors } from '../../src/ckpt/safetensors.ts';
import { configMetadata } from '../../src/ckpt/layout.ts';
import { resolveAssembly, type AssemblyConfigs } from '../../src/models/assembly-config.ts';
import { recordCheckpoint } from '../../src/track/checkpoints.ts';
import { openDb, type Db } from '../../src/track/db.ts';
import { writeMetrics } from '../../src/track/metrics.ts';
import { trainingShape } from '../../src/stages/training/training-options.ts';
import { ensureOutput } from '../../src/track/outputs.ts';
import { createRun } from '../../src/track/runs.ts';
import { insertStages } from '../../src/track/stages.ts';

export function freshReportDb(): { root: string; db: Db } {
  const root = mkdtempSync(join(tmpdir(), 'vadapter-report-'));
  return { root, db: openDb(root) };
}

export interface TrialFixture {
  assignments: Record<string, unknown>;
  spec: Record<string, unknown>;
  stages: Record<string, string>; // stage name -> kind
}

/** A run (started at `startedAt`) whose trials each have the given stages; stage fingerprints are `<run>/<trial>/<stage>`. */
export function addRun(db: Db, o: { id: string; experiment: string; startedAt: string; overrides?: string[]; trials: TrialFixture[] }): void {
  createRun(db, { id: o.id, experiment: o.experiment, specPath: `${o.experiment}.yaml`, overrides: o.overrides ?? [], plugins: [], codeVersion: 'c', gitCommit: null, gitDirty: null, versions: {}, jobs: 1 },
    o.trials.map((t, trial) => ({ trial, label: Object.entries(t.assignments).map(([k, v]) => `${k}=${v}`).join(' '), assignments: t.assignments, spec: t.spec })));
  db.prepare('UPDATE runs SET started_at = ? WHERE id = ?').run(o.startedAt, o.id);
  for (const [trial, t] of o.trials.entries()) {
    for (const [name, kind] of Object.entries(t.stages)) {
      ensureOutput(db, { fingerprint: fingerprint(o.id, trial, name), kind, inputs: { kind, config: plannedConfig(t.spec, name) }, totalSteps: 40 });
    }
  }
  insertStages(db, o.id, o.trials.flatMap((t, trial) => Object.entries(t.stages).map(([name, kind]) => ({
    trial, name, kind, fingerprint: fingerprint(o.id, trial, name), action: 'run' as const, reason: 'new', cachedFrom: null, resumedFromStep: null,
    dependsOn: [], upstream: {}, status: 'done' as const, totalSteps: 40, logPath: null,
  }))));
}

/** A stage block as the plan records its parsed config with the output: here only its training keys, with their defaults (what the report reads). */
function plannedConfig(spec: Record<string, unknown>, stage: string): unknown {
  const { kind: _kind, ...own } = (spec.stages as Record<string, Record<string, unknown>>)[stage];
  const training = z.object(trainingShape).safeParse(own);
  return training.success ? training.data : own;
}

export function fingerprint(run: string, trial: number, stage: string): string {
  return `${run}/${trial}/${stage}`;
}

/** Log `values[i]` at `steps[i]`; wall time `t0 + step` seconds unless given per step. */
export function logSeries(db: Db, fp: string, key: string, steps: number[], values: number[], wallTimes?: number[]): void {
  writeMetrics(db, fp, steps.map((step, i) => ({ key, step, value: values[i], wallTime: wallTimes?.[i] ?? 1_700_000_000 + step })));
}

/** A checkpoint whose model file records `configs` (no tensors: the report reads only the header). */
export function saveModelCheckpoint(root: string, db: Db, fp: string, step: number, configs: AssemblyConfigs): void {
  const dir = join('store', fp.replace(/\//g, '_'), 'ckpt', String(step));
  const { kind, ...components } = configs;
  writeSafetensors(join(root, dir, 'model.safetensors'), {}, { ...configMetadata(components), 'vadapter.assembly': kind });
  recordCheckpoint(db, { fingerprint: fp, step, path: dir, files: ['model.safetensors'], sha256: 'h', bytes: 1, score: null, scoreMode: null, tags: [] });
}

export const BASELINE_CONFIGS = resolveAssembly('perceiver', { vit: { preset: 'vit-tiny' }, llm: { preset: 'lm-tiny' }, resampler: { preset: 'resampler-tiny' } });

/** A quickstart-like trial: VAdapter (batch 4) and resampler baseline (batch 3 x 2 accumulated), 2 frames, captions of 11 tokens. */
export function quickTrial(seed: number, extra: Record<string, unknown> = {}): TrialFixture {
  return {
    assignments: { seed },
    spec: {
      name: 'quick', seed, data: { frames: 2 }, models: { vit: { preset: 'vit-tiny' } },
      stages: {
        stage1: { kind: 'align-decoder', steps: 40 },
        vadapter: { kind: 'align-adapter', steps: 40, batchSize: 4, maxTokens: 10 },
        baseline: { kind: 'align-resampler', steps: 40, batchSize: 3, accumulate: 2, maxTokens: 10 },
        eval: { kind: 'evaluate', adapters: ['vadapter', 'baseline'] },
      },
      ...extra,
    },
    stages: { stage1: 'align-decoder', vadapter: 'align-adapter', baseline: 'align-resampler', eval: 'evaluate' },
  };
}

export const STEPS = [0, 10, 20, 30, 40];
// val/loss by arm and seed; seed means: vadapter 4, 2.75, 1.75, 1.25, 0.75; baseline 4, 3.5, 2.75, 2.25, 1.75
export const VAL_LOSS = {
  vadapter: [[4, 3, 2, 1.5, 1], [4, 2.5, 1.5, 1, 0.5]],
  baseline: [[4, 3.5, 3, 2.5, 2], [4, 3.5, 2.5, 2, 1.5]],
};

/**
 * Experiment "quick", run Q1 with two seed trials: val/loss as VAL_LOSS; the evaluate stage logs
 * `<arm>/eval/coco/CIDEr` at steps 20 and 40; the baseline of seed 0 has a checkpoint with its model.
 */
export function quickDb(): { root: string; db: Db } {
  const { root, db } = freshReportDb();
  addRun(db, { id: 'Q1', experiment: 'quick', startedAt: '2025-01-01T00:00:00.000Z', trials: [quickTrial(0), quickTrial(1)] });
  for (const seed of [0, 1]) {
    for (const arm of ['vadapter', 'baseline'] as const) logSeries(db, fingerprint('Q1', seed, arm), 'val/loss', STEPS, VAL_LOSS[arm][seed]);
    logSeries(db, fingerprint('Q1', seed, 'stage1'), 'val/loss', STEPS, [9, 8, 7, 6, 5]);
    logSeries(db, fingerprint('Q1', seed, 'eval'), 'vadapter/eval/coco/CIDEr', [20, 40], [0.25 + seed / 8, 0.5 + seed / 8]);
    logSeries(db, fingerprint('Q1', seed, 'eval'), 'baseline/eval/coco/CIDEr', [20, 40], [0.125, 0.25 + seed / 8]);
  }
  saveModelCheckpoint(root, db, fingerprint('Q1', 0, 'baseline'), 40, BASELINE_CONFIGS);
  return { root, db };
}

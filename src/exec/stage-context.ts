// The StageContext a stage kind's run() receives, wired to the tracking database and the store:
// metrics are buffered and written in batches, checkpoints are written atomically and recorded,
// progress goes to the parent process (if any) and, throttled, to the database for `status`.
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import type { AnyStageKind, ArtifactInfo, CheckpointInfo, StageContext, StageExperiment, UpstreamRef } from '../stages/types.ts';
import { latestCheckpoint, recordCheckpoint, type CheckpointRecord } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import { recordArtifact } from '../track/lineage.ts';
import { MetricWriter } from '../track/metrics.ts';
import { setOutputStep } from '../track/outputs.ts';
import { updateStage, type StageRecord } from '../track/stages.ts';
import { sha256Hex } from '../util/hash.ts';
import { checkpointDirName, writeCheckpointDir } from './checkpoint-dir.ts';
import type { ChildMessage } from './messages.ts';

export interface ContextDeps {
  db: Db;
  root: string;
  outDir: string;
  stage: StageRecord;
  kind: AnyStageKind;
  config: unknown;
  experiment: StageExperiment;
  upstream: Record<string, UpstreamRef | UpstreamRef[]>;
  resume: CheckpointInfo | null;
  signal: AbortSignal;
  send: (message: ChildMessage) => void;
  log: (line: string) => void;
}

const DB_PROGRESS_MS = 1000;
const PARENT_PROGRESS_MS = 100;

export function checkpointInfo(root: string, c: CheckpointRecord): CheckpointInfo {
  return { step: c.step, dir: join(root, c.path), files: c.files, sha256: c.sha256, bytes: c.bytes, tags: c.tags };
}

export function createStageContext(d: ContextDeps): { ctx: StageContext; close: () => void } {
  const metrics = new MetricWriter(d.db, d.stage.fingerprint);
  const progress = throttledProgress(d, metrics);
  const ctx: StageContext = {
    stage: d.stage.name,
    kind: d.kind.kind,
    config: d.config,
    experiment: d.experiment,
    fingerprint: d.stage.fingerprint,
    outDir: d.outDir,
    totalSteps: d.kind.totalSteps(d.config),
    upstream: d.upstream,
    resume: d.resume,
    metrics: { log: (step, values) => metrics.log(step, values) },
    checkpoint: {
      save: (step, files, options) => saveCheckpoint(d, metrics, step, files, options?.tags ?? []),
      latest: () => {
        const c = latestCheckpoint(d.db, d.stage.fingerprint);
        return c ? checkpointInfo(d.root, c) : null;
      },
    },
    artifacts: { save: (name, data) => saveArtifact(d, name, data) },
    progress: progress.report,
    signal: d.signal,
    log: d.log,
  };
  return { ctx, close: () => { metrics.flush(); progress.flush(); } };
}

function saveCheckpoint(d: ContextDeps, metrics: MetricWriter, step: number, files: Record<string, Uint8Array | string>, tags: string[]): CheckpointInfo {
  metrics.flush(); // the metrics up to this step are durable before the checkpoint that follows them
  const written = writeCheckpointDir(join(d.outDir, 'ckpt', checkpointDirName(step)), files);
  const select = d.kind.selectBy;
  const score = select ? (metrics.latest(select.metric)?.value ?? null) : null;
  const record = recordCheckpoint(d.db, {
    fingerprint: d.stage.fingerprint, step, path: relative(d.root, written.dir), files: written.files, sha256: written.sha256, bytes: written.bytes,
    score: score !== null && Number.isFinite(score) ? score : null, scoreMode: select?.mode ?? null, tags,
  });
  setOutputStep(d.db, d.stage.fingerprint, step);
  return checkpointInfo(d.root, record);
}

function saveArtifact(d: ContextDeps, name: string, data: Uint8Array | string): ArtifactInfo {
  const path = join(d.outDir, 'artifacts', name);
  writeFileAtomic(path, data);
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  const info = { name, path, sha256: sha256Hex(data), bytes };
  recordArtifact(d.db, { fingerprint: d.stage.fingerprint, name, path: relative(d.root, path), sha256: info.sha256, bytes });
  return info;
}

/** Progress to the parent every 100 ms and to the database every second (metrics flushed with it). */
function throttledProgress(d: ContextDeps, metrics: MetricWriter) {
  let lastParent = 0;
  let lastDb = 0;
  let latest: { step: number; total: number; fields: Record<string, number> } | null = null;
  const writeDb = () => {
    if (!latest) return;
    metrics.flush();
    updateStage(d.db, d.stage.id, { step: latest.step, progress: latest.fields });
    lastDb = Date.now();
  };
  return {
    report(step: number, total: number, fields: Record<string, number> = {}) {
      latest = { step, total, fields };
      const now = Date.now();
      if (now - lastParent >= PARENT_PROGRESS_MS || step === total) {
        d.send({ type: 'progress', step, total, fields });
        lastParent = now;
      }
      if (now - lastDb >= DB_PROGRESS_MS) writeDb();
    },
    flush: writeDb,
  };
}

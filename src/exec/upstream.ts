// Resolving a stage's references, at the moment it starts, to the upstream outputs' last
// checkpoints, and recording each as an edge: "this output started from <stage> at step S, sha256 H".
import { join, relative } from 'node:path';
import type { CheckpointInfo, UpstreamRef } from '../stages/types.ts';
import { describeSkipped, newestIntactCheckpoint } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import type { Edge } from '../track/lineage.ts';
import { getOutput } from '../track/outputs.ts';
import { storeDir } from '../track/root.ts';
import { getStage, type StageRecord } from '../track/stages.ts';
import { userError } from '../util/errors.ts';
import { checkpointInfo } from './stage-context.ts';

/**
 * Where an output's next attempt starts: its newest intact checkpoint (files, size and sha256 as
 * recorded), and a line naming each newer one skipped and why (null when none was).
 */
export function resumePoint(db: Db, root: string, fingerprint: string): { checkpoint: CheckpointInfo | null; skipped: string | null } {
  const found = newestIntactCheckpoint(db, root, fingerprint);
  return { checkpoint: found.intact && checkpointInfo(root, found.intact), skipped: found.damaged.length > 0 ? describeSkipped(found) : null };
}

/** A finished output's final checkpoint, verified: a damaged one is an error (the next run recomputes it). */
function finalCheckpoint(db: Db, root: string, stage: string, fingerprint: string): CheckpointInfo | null {
  const { intact, damaged } = newestIntactCheckpoint(db, root, fingerprint);
  if (damaged.length > 0) {
    const dir = join(root, damaged[0].checkpoint.path);
    throw userError('damaged_checkpoint', `the final checkpoint of upstream stage ${stage} is damaged (${damaged[0].reason}); run again to recompute it`, { file: dir });
  }
  return intact && checkpointInfo(root, intact);
}

export function resolveUpstream(db: Db, root: string, stage: StageRecord): { refs: Record<string, UpstreamRef | UpstreamRef[]>; edges: Edge[] } {
  const refs: Record<string, UpstreamRef | UpstreamRef[]> = {};
  const edges: Edge[] = [];
  for (const [role, target] of Object.entries(stage.upstream)) {
    const names = Array.isArray(target) ? target : [target];
    const list = names.map((name, i) => {
      const ref = upstreamRef(db, root, stage, name);
      const c = ref.checkpoint;
      edges.push({
        fingerprint: stage.fingerprint, stageId: stage.id, role: Array.isArray(target) ? `${role}.${i}` : role, upstreamStage: name,
        upstreamFingerprint: ref.fingerprint, step: c?.step ?? null, sha256: c?.sha256 ?? null, path: c ? relative(root, c.dir) : null,
      });
      return ref;
    });
    refs[role] = Array.isArray(target) ? list : list[0];
  }
  return { refs, edges };
}

function upstreamRef(db: Db, root: string, stage: StageRecord, name: string): UpstreamRef {
  const up = getStage(db, stage.runId, stage.trial, name);
  if (!up) throw new Error(`stage ${stage.name} refers to ${name}, which is not in run ${stage.runId} trial ${stage.trial}`);
  if (getOutput(db, up.fingerprint)?.status !== 'done') throw new Error(`upstream stage ${name} (${up.fingerprint}) has not finished`);
  return { stage: name, kind: up.kind, fingerprint: up.fingerprint, dir: storeDir(root, up.fingerprint), checkpoint: finalCheckpoint(db, root, name, up.fingerprint) };
}

// Resolving a stage's references, at the moment it starts, to the upstream outputs' last
// checkpoints, and recording each as an edge: "this output started from <stage> at step S, sha256 H".
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { CheckpointInfo, UpstreamRef } from '../stages/types.ts';
import { latestCheckpoint, markCheckpointDeleted } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import type { Edge } from '../track/lineage.ts';
import { getOutput } from '../track/outputs.ts';
import { storeDir } from '../track/root.ts';
import { getStage, type StageRecord } from '../track/stages.ts';
import { checkpointInfo } from './stage-context.ts';

/** The last checkpoint of an output whose directory still exists (rows of vanished ones are marked deleted). */
export function lastCheckpoint(db: Db, root: string, fingerprint: string): CheckpointInfo | null {
  for (;;) {
    const c = latestCheckpoint(db, fingerprint);
    if (!c) return null;
    const info = checkpointInfo(root, c);
    if (existsSync(info.dir)) return info;
    markCheckpointDeleted(db, c.id);
  }
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
  return { stage: name, kind: up.kind, fingerprint: up.fingerprint, dir: storeDir(root, up.fingerprint), checkpoint: lastCheckpoint(db, root, up.fingerprint) };
}

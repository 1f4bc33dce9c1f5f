// The planner's view of earlier runs, read from the tracking database. An output marked done whose
// store directory has gone (deleted by hand) is treated as absent, so it runs again; one marked
// running whose process is gone (kill -9) is reported interrupted; damaged checkpoints (files,
// size or sha256 not as recorded) are reported, and resuming starts from the newest intact one.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { describeSkipped, newestIntactCheckpoint } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import { getOutput, outputOrigin, previousOutputs, type StageOrigin } from '../track/outputs.ts';
import { isProcessAlive } from '../util/liveness.ts';
import { getStage } from '../track/stages.ts';
import { storeDir } from '../track/root.ts';
import type { FingerprintInputs } from './fingerprint.ts';
import type { PlanHistory } from './plan.ts';

/** Whether the process of the stage that last worked on an output may still be running. */
function producerAlive(db: Db, o: StageOrigin): boolean {
  const stage = getStage(db, o.run, o.trial, o.stage);
  return !stage?.pid || stage.host !== hostname() || isProcessAlive(stage.pid);
}

export function planHistory(db: Db | null, root: string): PlanHistory {
  if (!db) return { output: () => null, previous: () => [] };
  return {
    output(fingerprint) {
      const o = getOutput(db, fingerprint);
      if (!o || !existsSync(storeDir(root, fingerprint))) return null;
      const producer = outputOrigin(db, fingerprint);
      const status = o.status === 'running' && producer && !producerAlive(db, producer) ? 'interrupted' : o.status;
      const found = newestIntactCheckpoint(db, root, fingerprint);
      return { status, producer, lastStep: found.intact?.step ?? null, damaged: found.damaged.length > 0 ? describeSkipped(found) : undefined };
    },
    previous: (experiment, stage) => previousOutputs(db, experiment, stage) as { fingerprint: string; run: string; inputs: FingerprintInputs }[],
  };
}

// The planner's view of earlier runs, read from the tracking database. An output marked done whose
// store directory has gone (deleted by hand) is treated as absent, so it runs again.
import { existsSync } from 'node:fs';
import { latestCheckpoint } from '../track/checkpoints.ts';
import type { Db } from '../track/db.ts';
import { getOutput, outputOrigin, previousOutputs } from '../track/outputs.ts';
import { storeDir } from '../track/root.ts';
import type { FingerprintInputs } from './fingerprint.ts';
import type { PlanHistory } from './plan.ts';

export function planHistory(db: Db | null, root: string): PlanHistory {
  if (!db) return { output: () => null, previous: () => [] };
  return {
    output(fingerprint) {
      const o = getOutput(db, fingerprint);
      if (!o || !existsSync(storeDir(root, fingerprint))) return null;
      return { status: o.status, producer: outputOrigin(db, fingerprint), lastStep: latestCheckpoint(db, fingerprint)?.step ?? null };
    },
    previous: (experiment, stage) => previousOutputs(db, experiment, stage) as { fingerprint: string; run: string; inputs: FingerprintInputs }[],
  };
}

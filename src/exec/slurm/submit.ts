// Submitting a run's jobs: for each fingerprint to compute, dependencies first, its job directory
// (the store seeded from the root database, the upstream stores it will merge, the batch script),
// then `sbatch --dependency=afterok:<upstream job ids>`; each job is recorded in cluster_jobs. If
// a submission fails, the jobs already submitted are cancelled.
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { Db } from '../../track/db.ts';
import { openStoreDb } from '../../track/db.ts';
import { recordClusterJob } from '../../track/cluster-jobs.ts';
import { seedJobStore } from '../../track/job-store.ts';
import { dbPath } from '../../track/root.ts';
import { writeFileAtomic } from '../../util/atomic.ts';
import { jobScriptPath, jobStorePath, writeUpstreamStores } from '../job-store-dir.ts';
import { stageKey, type RecordedRun } from '../record.ts';
import { sbatch, scancel } from './commands.ts';
import type { SlurmJobPlan } from './job-plan.ts';

export interface SubmittedJob {
  plan: SlurmJobPlan;
  jobId: string;
}

export function submitSlurmJobs(db: Db, root: string, rec: RecordedRun, plans: SlurmJobPlan[], log: (line: string) => void): Map<string, SubmittedJob> {
  const submitted = new Map<string, SubmittedJob>();
  try {
    for (const plan of plans) {
      const s = plan.stage;
      prepareJobDir(root, rec, plan, submitted);
      const deps = plan.dependsOn.map((fp) => submitted.get(fp)!.jobId);
      const jobId = sbatch(plan.script, deps.length > 0 ? [`--dependency=afterok:${deps.join(':')}`] : []);
      recordClusterJob(db, { runId: rec.runId, trial: s.trial, stage: s.stage, executor: 'slurm', jobId, store: relative(root, plan.dir) });
      submitted.set(plan.fingerprint, { plan, jobId });
      log(`submitted ${s.trial}/${s.stage} as slurm job ${jobId}${deps.length > 0 ? ` (after ${deps.join(', ')})` : ''}`);
    }
  } catch (err) {
    scancel([...submitted.values()].map((j) => j.jobId));
    throw err;
  }
  return submitted;
}

function prepareJobDir(root: string, rec: RecordedRun, plan: SlurmJobPlan, submitted: Map<string, SubmittedJob>): void {
  mkdirSync(plan.dir, { recursive: true });
  const store = openStoreDb(jobStorePath(plan.dir));
  try {
    seedJobStore(store, dbPath(root), rec.runId, plan.stage.trial);
  } finally {
    store.close();
  }
  writeUpstreamStores(plan.dir, plan.dependsOn.map((fp) => {
    const up = submitted.get(fp)!.plan;
    return { fingerprint: fp, stageId: rec.stageIds.get(stageKey(up.stage))!, store: relative(root, up.dir) };
  }));
  writeFileAtomic(jobScriptPath(plan.dir), plan.script);
}

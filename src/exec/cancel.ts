// `vadapter cancel RUN`: stop a run wherever it runs. A run with cluster jobs has them cancelled
// (scancel; each stage stops at a step boundary, checkpointing first), waits until they have left
// the queue and settles them, so the run ends interrupted and resumes on the next `run`. A local
// run still going on this host is asked to stop as Ctrl-C would.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../track/db.ts';
import { clusterJobsOfRun } from '../track/cluster-jobs.ts';
import { getRun, listRuns } from '../track/runs.ts';
import { isProcessAlive } from '../util/liveness.ts';
import { userError } from '../util/errors.ts';
import { ENDED_STATES, queuedStates, scancel } from './slurm/commands.ts';
import { settleEndedJobs } from './slurm/settle.ts';
import { unknownRunError } from './status.ts';

export interface CancelResult {
  runId: string;
  cancelled: string[]; // cluster job ids
  signalled: number | null; // the local run's process
  status: string; // the run's status afterwards
}

const STOP_WAIT_MS = 120_000;

export async function cancelRun(db: Db, root: string, runId: string): Promise<CancelResult> {
  const run = getRun(db, runId);
  if (!run) throw unknownRunError(runId, db.name, listRuns(db, 3).map((r) => r.id));
  const open = clusterJobsOfRun(db, runId).filter((j) => j.endedAt === null);
  if (open.length > 0) {
    const ids = open.map((j) => j.jobId);
    scancel(ids);
    for (const until = Date.now() + STOP_WAIT_MS; Date.now() < until; await sleep(500)) {
      const queued = queuedStates(ids);
      if (![...queued.values()].some((q) => !ENDED_STATES.has(q.state))) break;
    }
    settleEndedJobs(db, root);
    return { runId, cancelled: ids, signalled: null, status: getRun(db, runId)!.status };
  }
  if (run.status === 'running' && run.host === hostname() && isProcessAlive(run.pid)) {
    process.kill(run.pid, 'SIGINT');
    return { runId, cancelled: [], signalled: run.pid, status: 'stopping' };
  }
  throw userError('not_running', `run ${runId} is ${run.status === 'running' ? `marked running, but its process (${run.host}:${run.pid}) is not one of this host's` : run.status}: nothing to cancel`);
}

// The process around `executeStage`: SIGINT/SIGTERM (and the parent going away) abort the stage,
// which stops at its next step boundary (a training stage checkpoints there first); after a grace
// period the process exits anyway (the parent, or the next run, marks the stage interrupted).
// As a Slurm job (SLURM_JOB_ID set), USR1 — sent `grace` seconds before the time limit — stops the
// stage the same way and then requeues the job, which resumes from that checkpoint. Without a
// parent, a cluster job's events go to its progress file. Returns the exit code.
import { UserError } from '../util/errors.ts';
import { progressFileSink } from './job-store-dir.ts';
import { EXIT, type ChildMessage } from './messages.ts';
import { requeue } from './slurm/commands.ts';
import { executeStage, type StageExecArgs } from './stage-exec.ts';

export const STOP_GRACE_MS = 30_000;

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', ...(process.env.SLURM_JOB_ID ? (['SIGUSR1'] as const) : [])];

export async function runStageProcess(args: StageExecArgs, report: (err: unknown) => number): Promise<number> {
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | null = null;
  const stop = (signal?: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    stoppedBy = signal ?? null;
    controller.abort();
    setTimeout(() => process.exit(EXIT.interrupted), STOP_GRACE_MS).unref();
  };
  for (const s of STOP_SIGNALS) process.on(s, stop);
  if (process.send) process.on('disconnect', stop);
  const file = !process.send && args.jobStore ? progressFileSink(args.jobStore) : null;
  const send = (m: ChildMessage) => {
    if (process.connected) process.send!(m);
    file?.send(m);
  };
  try {
    const outcome = await executeStage(args, controller.signal, send, (line) => process.stdout.write(`${line}\n`));
    return outcome === 'failed' ? EXIT.failed : outcome === 'interrupted' ? EXIT.interrupted : EXIT.done;
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof UserError)) return EXIT.interrupted;
    return report(err);
  } finally {
    file?.flush();
    for (const s of STOP_SIGNALS) process.off(s, stop);
    process.off('disconnect', stop);
    if (process.connected) process.disconnect();
    if (stoppedBy === 'SIGUSR1') requeueThisJob();
  }
}

/** Back into the queue: the time limit is near, and the stage has checkpointed. */
function requeueThisJob(): void {
  const id = process.env.SLURM_JOB_ID!;
  process.stdout.write(`time limit near: requeueing slurm job ${id}\n`);
  try {
    requeue(id);
  } catch (err) {
    process.stdout.write(`requeue failed: ${(err as Error).message}\n`);
  }
}

// The process around `executeStage`: SIGINT/SIGTERM (and the parent going away) abort the stage,
// which stops at its next step boundary; after a grace period the process exits anyway (the
// parent, or the next run, marks the stage interrupted). Returns the exit code.
import { UserError } from '../util/errors.ts';
import { EXIT, type ChildMessage } from './messages.ts';
import { executeStage, type StageExecArgs } from './stage-exec.ts';

export const STOP_GRACE_MS = 30_000;

export async function runStageProcess(args: StageExecArgs, report: (err: unknown) => number): Promise<number> {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    setTimeout(() => process.exit(EXIT.interrupted), STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.send) process.on('disconnect', stop);
  const send = (m: ChildMessage) => {
    if (process.connected) process.send!(m);
  };
  try {
    const outcome = await executeStage(args, controller.signal, send, (line) => process.stdout.write(`${line}\n`));
    return outcome === 'failed' ? EXIT.failed : outcome === 'interrupted' ? EXIT.interrupted : EXIT.done;
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof UserError)) return EXIT.interrupted;
    return report(err);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    process.off('disconnect', stop);
    if (process.connected) process.disconnect();
  }
}

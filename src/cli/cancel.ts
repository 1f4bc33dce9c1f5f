// `vadapter cancel RUN`: cancel a run's Slurm jobs (or stop its local process), so that it ends
// interrupted and the next `vadapter run` of the spec resumes it.
import type { CommandModule } from 'yargs';
import { resolveRoot } from '../track/root.ts';
import { printJson, printLine } from './output.ts';

interface CancelArgs {
  run: string;
  root?: string;
  json: boolean;
}

export const cancelCommand: CommandModule<object, CancelArgs> = {
  command: 'cancel <run>',
  describe: "cancel a run: scancel its Slurm jobs (each stops at a step boundary with a checkpoint), or stop its local process",
  builder: (y) =>
    y
      .positional('run', { type: 'string', demandOption: true, describe: 'run id (`vadapter status` lists them)' })
      .option('root', { type: 'string', describe: 'runs directory (default: $VADAPTER_HOME, else ./runs)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 cancel 20261203-101500-1a2b', 'cancel its jobs; `vadapter run` of the same spec resumes it later') as never,
  handler: async (args) => {
    const { openDb } = await import('../track/db.ts');
    const { cancelRun } = await import('../exec/cancel.ts');
    const db = openDb(resolveRoot(args.root));
    try {
      const r = await cancelRun(db, resolveRoot(args.root), args.run);
      if (args.json) return printJson(r);
      if (r.signalled !== null) printLine(`run ${r.runId}: asked its process ${r.signalled} to stop (as Ctrl-C does)`);
      else printLine(`run ${r.runId}: cancelled slurm job${r.cancelled.length === 1 ? '' : 's'} ${r.cancelled.join(', ')}; the run is ${r.status}`);
    } finally {
      db.close();
    }
  },
};

// `vadapter stage exec|kinds`: run one stage of a recorded run (the entry every executor uses), and
// list the stage kinds available (built-in and from plugins).
// Handlers import their modules lazily, so that every process pays only for the command it runs.
import type { Argv, CommandModule } from 'yargs';
import { resolveRoot } from '../track/root.ts';
import { reportError } from './errors.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { NON_NEGATIVE_INTEGER, numberOptions } from './options.ts';

interface ExecArgs {
  root?: string;
  run: string;
  trial: number;
  stage: string;
  backend?: string;
  jobStore?: string;
}

const execCommand: CommandModule<object, ExecArgs> = {
  command: 'exec',
  describe: 'run one stage of a recorded run (spawned by `vadapter run`; cluster executors submit it)',
  builder: (y) =>
    y
      .option('root', { type: 'string', describe: 'runs directory (default: $VADAPTER_HOME, else ./runs)' })
      .option('run', { type: 'string', demandOption: true, describe: 'run id' })
      .options(numberOptions({ trial: { rule: NON_NEGATIVE_INTEGER, default: 0, describe: 'trial index within the run' } }))
      .option('stage', { type: 'string', demandOption: true, describe: 'stage name' })
      .option('job-store', { type: 'string', describe: 'a cluster job directory: record into its store, not the root database (the slurm executor passes it)' }) as never,
  handler: async (args) => {
    const root = resolveRoot(args.root);
    const { runStageProcess } = await import('../exec/stage-process.ts');
    process.exitCode = await runStageProcess({ root, runId: args.run, trial: args.trial, stage: args.stage, backend: args.backend, jobStore: args.jobStore }, (err) => reportError(err, { stack: true }));
  },
};

const kindsCommand: CommandModule<object, { plugin: string[]; json: boolean }> = {
  command: 'kinds',
  describe: 'list the stage kinds: built-in ones and those of --plugin modules',
  builder: (y) =>
    y
      .option('plugin', { type: 'string', array: true, default: [], describe: 'a module that registers stage kinds (repeatable)' })
      .option('json', { type: 'boolean', default: false, describe: 'print as JSON' }) as never,
  handler: async (args) => {
    const { loadKinds } = await import('../exec/kinds.ts');
    const registry = await loadKinds(args.plugin);
    const rows = registry.entries().map(({ kind, source }) => ({ kind: kind.kind, source, describe: kind.describe }));
    if (args.json) printJson(rows);
    else printLine(rows.length > 0 ? formatTable(['kind', 'from', 'what it does'], rows.map((r) => [r.kind, r.source, r.describe])) : 'no stage kinds registered');
  },
};

export const stageCommand: CommandModule = {
  command: 'stage <command>',
  describe: 'stage-level commands: exec (run one stage of a run), kinds (list stage kinds)',
  builder: (y: Argv) => y.command(execCommand).command(kindsCommand).demandCommand(1),
  handler: () => undefined,
};

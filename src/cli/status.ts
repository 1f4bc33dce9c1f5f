// `vadapter status [--run ID] [--json]`: recent runs, and the stages of one run (the latest by
// default) with progress, latest metrics and failures.
import type { CommandModule } from 'yargs';
import type { StatusReport } from '../exec/status.ts';
import { dbPath, resolveRoot } from '../track/root.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { numberOptions, POSITIVE_INTEGER } from './options.ts';

interface StatusArgs {
  root?: string;
  run?: string;
  limit: number;
  json: boolean;
}

function counts(c: Record<string, number | undefined>): string {
  return Object.entries(c).map(([k, n]) => `${n} ${k}`).join(', ');
}

function metricsText(m: Record<string, number | null>): string {
  return Object.entries(m).map(([k, v]) => `${k}=${v === null ? 'NaN' : Number(v.toPrecision(4))}`).join(' ');
}

function printReport(r: StatusReport): void {
  if (r.runs.length === 0) return printLine('no runs yet');
  printLine(formatTable(['run', 'experiment', 'status', 'started', 'stages'], r.runs.map((x) => [x.id, x.experiment, x.status, x.startedAt, counts(x.stages)])));
  if (!r.run) return;
  printLine();
  printLine(`run ${r.run.id} (${r.run.experiment}): ${r.run.status}`);
  const withJobs = r.run.stageRows.some((s) => s.job !== null);
  const rows = r.run.stageRows.map((s) => [
    `${s.trial}/${s.stage}`, s.kind, s.status, s.step === null ? '' : `${s.step}/${s.totalSteps}`,
    ...(withJobs ? [s.job ? `${s.job.id} ${s.job.state ?? ''}${s.job.reason ? ` (${s.job.reason})` : ''}` : ''] : []), metricsText(s.metrics),
    s.error ? s.error.split('\n')[0] : s.cachedFrom ? `from ${s.cachedFrom}` : '',
  ]);
  printLine(formatTable(['stage', 'kind', 'status', 'step', ...(withJobs ? ['slurm job'] : []), 'latest metrics', 'note'], rows));
  for (const s of r.run.stageRows.filter((x) => x.status === 'failed')) printLine(`log of ${s.trial}/${s.stage}: ${s.logPath}`);
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: 'recent runs, and the stages of one run with progress, metrics and failures',
  builder: (y) =>
    y
      .option('root', { type: 'string', describe: 'runs directory (default: $VADAPTER_HOME, else ./runs)' })
      .option('run', { type: 'string', describe: 'the run to detail (default: the latest)' })
      .options(numberOptions({ limit: { rule: POSITIVE_INTEGER, default: 10, describe: 'how many recent runs to list' } }))
      .option('json', { type: 'boolean', default: false, describe: 'print as JSON' }) as never,
  handler: async (args) => {
    const { openDbIfExists } = await import('../track/db.ts');
    const { collectStatus, unknownRunError } = await import('../exec/status.ts');
    const root = resolveRoot(args.root);
    const db = openDbIfExists(root);
    if (!db && args.run !== undefined) throw unknownRunError(args.run, dbPath(root), []);
    let report: StatusReport = { runs: [], run: null };
    try {
      if (db) {
        const { settleEndedJobs } = await import('../exec/slurm/settle.ts');
        settleEndedJobs(db, root); // a cluster run's ended jobs are merged before they are shown
        report = collectStatus(db, { run: args.run, limit: args.limit });
      }
    } finally {
      db?.close();
    }
    if (args.json) printJson(report);
    else printReport(report);
  },
};

// `vadapter gc [--dry-run] [--keep-best K]`: free checkpoints that retention does not keep (the
// last, the best K and any a downstream stage started from, per stage output).
import type { CommandModule } from 'yargs';
import type { GcReport } from '../exec/gc.ts';
import { resolveRoot } from '../track/root.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { NON_NEGATIVE_INTEGER, numberOptions } from './options.ts';

interface GcArgs {
  root?: string;
  dryRun: boolean;
  keepBest: number;
  json: boolean;
}

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  const i = Math.min(units.length - 1, Math.floor(Math.log2(Math.max(1, bytes)) / 10));
  return i === 0 ? `${bytes} B` : `${(bytes / 2 ** (10 * i)).toFixed(1)} ${units[i]}`;
}

function printReport(r: GcReport): void {
  if (r.freed.length > 0) printLine(formatTable(['path', 'size', 'why'], r.freed.map((f) => [f.path, size(f.bytes), f.why])));
  const verb = r.dryRun ? 'would free' : 'freed';
  printLine(`${verb} ${r.freed.length} checkpoint(s), ${size(r.freedBytes)}; kept ${r.kept}`);
}

export const gcCommand: CommandModule<object, GcArgs> = {
  command: 'gc',
  describe: 'free checkpoints retention does not keep (keeps the last, the best k, and those referenced downstream)',
  builder: (y) =>
    y
      .option('root', { type: 'string', describe: 'runs directory (default: $VADAPTER_HOME, else ./runs)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'report what would be freed, free nothing' })
      .options(numberOptions({ 'keep-best': { rule: NON_NEGATIVE_INTEGER, default: 1, describe: 'best checkpoints to keep per stage output' } }))
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' }) as never,
  handler: async (args) => {
    const { openDbIfExists } = await import('../track/db.ts');
    const { collectGarbage } = await import('../exec/gc.ts');
    const root = resolveRoot(args.root);
    const db = openDbIfExists(root);
    const report: GcReport = db ? collectGarbage(db, { root, keepBest: args.keepBest, dryRun: args.dryRun }) : { freed: [], freedBytes: 0, kept: 0, dryRun: args.dryRun };
    db?.close();
    if (args.json) printJson(report);
    else printReport(report);
  },
};

// `vadapter data synth|inspect|import`: datasets as Arrow shards (docs/data.md).
import type { Argv, CommandModule } from 'yargs';
import { COMMON_OPTIONS, IMPORTERS, type Importer, type ImporterOption } from '../data/import/registry.ts';
import type { ImportReport } from '../data/import/common.ts';
import type { InspectReport } from '../data/inspect.ts';
import { checkScale, SCALES } from '../data/synth/scales.ts';
import { UserError, formatIssue } from '../util/errors.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { NON_NEGATIVE_INTEGER, numberOptions, POSITIVE_INTEGER } from './options.ts';

const jsonOption = { type: 'boolean', default: false, describe: 'print the result as JSON' } as const;

interface SynthArgs {
  out: string;
  scale: string;
  seed: number;
  only?: string[];
  force: boolean;
  imageSize: number;
  json: boolean;
}

const synthCommand: CommandModule<object, SynthArgs> = {
  command: 'synth',
  describe: 'generate the synthetic datasets (webli, vtp, smit, coco, vqav2, msrvtt, msrvtt-qa) and a tokenizer, reusing matching ones',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'datasets/synth', describe: 'root directory, one dataset directory per set' })
      .option('scale', { type: 'string', default: 'small', choices: SCALES, describe: 'tiny: seconds, for tests; small: the quickstart; medium: larger' })
      .options(numberOptions({ seed: { rule: NON_NEGATIVE_INTEGER, default: 0, describe: 'every image, caption and answer follows from it' } }))
      .option('only', { type: 'string', array: true, describe: 'generate only these sets' })
      .option('force', { type: 'boolean', default: false, describe: 'regenerate even when a matching dataset exists' })
      .options(numberOptions({ 'image-size': { rule: POSITIVE_INTEGER, default: 64, describe: 'side of the square images in pixels' } }))
      .option('json', jsonOption)
      .example('$0 data synth --scale tiny --out /tmp/synth', 'a few rows per set, in seconds') as never,
  handler: async (args) => {
    const print = args.json ? () => undefined : (e: { name: string; action: string; rows: number; seconds: number }) => printLine(`${e.action.padEnd(9)} ${e.name.padEnd(10)} ${String(e.rows).padStart(6)} rows  ${e.seconds.toFixed(1)} s`);
    const { ensureSynthetic } = await import('../data/synth/ensure.ts');
    const result = await ensureSynthetic(args.out, { scale: checkScale(args.scale), seed: args.seed, imageSize: args.imageSize, only: args.only, force: args.force, onDataset: print });
    if (args.json) printJson(result);
    else printLine(`tokenizer ${result.tokenizer}`);
  },
};

interface InspectArgs {
  dir: string;
  json: boolean;
  verify: boolean;
}

function printInspect(r: InspectReport): void {
  printLine(`${r.dir}: ${r.kind} "${r.name}", ${r.rows} rows in ${r.shards.length} shards (record batches of ${r.batchRows}), schema v${r.schemaVersion}`);
  printLine(`fingerprint ${r.fingerprint}`);
  if (Object.keys(r.source).length > 0) printLine(`source ${JSON.stringify(r.source)}`);
  printLine();
  printLine(formatTable(['shard', 'rows', 'bytes'], r.shards.map((s) => [s.file, String(s.rows), String(s.bytes)])));
  if (r.fields.length > 0) {
    printLine();
    printLine(formatTable(['column', 'type', 'nullable'], r.fields.map((f) => [f.name, f.type, f.nullable ? 'yes' : 'no'])));
  }
  if (r.sample) {
    printLine();
    printLine('sample:');
    for (const [k, v] of Object.entries(r.sample)) printLine(`  ${k}: ${JSON.stringify(v)}`);
  }
  if (r.verified?.ok) printLine(`\nverified: every shard matches its size and sha256, and every row reads`);
}

const inspectCommand: CommandModule<object, InspectArgs> = {
  command: 'inspect <dir>',
  describe: 'kind, rows, shards, columns and a sample row of a dataset; --verify checks sha256s and rows',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'dataset directory (holding dataset.json)' })
      .option('json', jsonOption)
      .option('verify', { type: 'boolean', default: false, describe: "hash every shard against the manifest and read every row (images are not decoded)" })
      .example('$0 data inspect datasets/synth/webli --verify', 'check a dataset is intact') as never,
  handler: async (args) => {
    const { inspectDataset } = await import('../data/inspect.ts');
    const report = await inspectDataset(args.dir, { verify: args.verify });
    if (args.json) printJson(report);
    else printInspect(report);
    if (report.verified && !report.verified.ok) throw new UserError(report.verified.issues);
  },
};

function printImport(r: ImportReport): void {
  printLine(`wrote ${r.out}: ${r.kind}, ${r.rows} rows in ${r.shards} shards, fingerprint ${r.fingerprint.slice(0, 16)}`);
  for (const [what, n] of Object.entries(r.notes)) if (n > 0) printLine(`left out ${n} (${what})`);
  if (r.skipped > 0) printLine(`skipped ${r.skipped} bad rows, the first of them:`);
  for (const issue of r.problems) printLine(`  ${formatIssue(issue)}`);
}

/** An importer's option; its numeric ones are counts (`--limit`), so positive integers. */
function addOption(y: Argv, o: ImporterOption): Argv {
  if (o.type === 'number') return y.options(numberOptions({ [o.name]: { rule: POSITIVE_INTEGER, describe: o.describe } }));
  return y.option(o.name, { type: o.type, describe: o.describe, demandOption: o.required, requiresArg: o.type !== 'boolean', choices: o.choices });
}

function importerCommand(importer: Importer): CommandModule<object, Record<string, unknown>> {
  const positional = importer.positional;
  return {
    command: positional ? `${importer.name} <${positional.name}${positional.variadic ? '..' : ''}>` : importer.name,
    describe: importer.describe,
    builder: (y) => {
      let b = positional ? y.positional(positional.name, { type: 'string', describe: positional.describe, array: positional.variadic }) : y;
      for (const o of [...importer.options, ...COMMON_OPTIONS]) b = addOption(b, o);
      for (const [cmd, what] of importer.examples) b = b.example(cmd, what);
      return b.option('json', jsonOption) as never;
    },
    handler: async (args) => {
      const report = await importer.run(args);
      if (args.json) printJson(report);
      else printImport(report);
    },
  };
}

const importCommand: CommandModule = {
  command: 'import <format>',
  describe: `convert a dataset into Arrow shards (${IMPORTERS.map((i) => i.name).join(', ')})`,
  builder: (y) => IMPORTERS.reduce((b, i) => b.command(importerCommand(i)), y).demandCommand(1, 'name a format') as never,
  handler: () => undefined,
};

export const dataCommand: CommandModule = {
  command: 'data <command>',
  describe: 'datasets as Arrow shards: generate synthetic ones, inspect, import COCO / VQA / Parquet / videos',
  builder: (y) => y.command(synthCommand).command(inspectCommand).command(importCommand).demandCommand(1, 'name a data command') as never,
  handler: () => undefined,
};

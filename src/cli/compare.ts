// `vadapter compare`: convergence curves and tables of arms (stages x group values, seeds averaged)
// from the tracking DB; terminal sparklines and tables, --json, --csv, --markdown, and --out DIR for
// report.html with SVG/PNG charts; y axes linear, log or zoomed; reference lines and curves. The work is in src/report/.
import type { CommandModule } from 'yargs';
import type { Comparison } from '../report/compare.ts';
import { BANDS, type Band } from '../report/stats.ts';
import { X_AXES, type XAxis } from '../report/x-axis.ts';
import { resolveRoot } from '../track/root.ts';
import { userError } from '../util/errors.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { numberInRange, numberOptions } from './options.ts';

interface CompareArgs {
  root?: string;
  experiment?: string;
  run?: string[];
  stage?: string[];
  where?: string[];
  groupBy?: string[];
  metric: string[];
  x: XAxis;
  smooth: number;
  band: Band;
  target?: string[];
  mode?: string[];
  baseline?: string;
  yScale?: string[];
  reference?: string[];
  autoReference: boolean;
  json: boolean;
  csv: boolean;
  markdown: boolean;
  out?: string;
}

async function printTerminal(c: Comparison): Promise<void> {
  const { sparklines } = await import('../report/sparkline.ts');
  const { metricCaption, referenceLines, selectionSummary, TABLE_HEADER, tableCells } = await import('../report/table-text.ts');
  printLine(selectionSummary(c));
  for (const m of c.metrics) {
    printLine();
    printLine(metricCaption(m, c));
    for (const l of sparklines(m.curves, c.x)) printLine(l);
    printLine(formatTable(TABLE_HEADER, tableCells(m)));
    for (const l of referenceLines(m)) printLine(l);
  }
  for (const n of c.notes) printLine(`note: ${n}`);
}

async function printAs(args: CompareArgs, c: Comparison): Promise<void> {
  const formats = [args.json, args.csv, args.markdown].filter(Boolean).length;
  if (formats > 1) throw userError('bad_arguments', 'choose one of --json, --csv and --markdown');
  if (args.json) return printJson(c);
  const text = await import('../report/table-text.ts');
  if (args.csv) return void process.stdout.write(text.comparisonCsv(c));
  if (args.markdown) return void process.stdout.write(text.comparisonMarkdown(c));
  await printTerminal(c);
}

export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare',
  describe: 'compare convergence of stages across runs, seeds and sweeps: curves, steps-to-target tables, an HTML report',
  builder: (y) =>
    y
      .option('root', { type: 'string', describe: 'runs directory (default: $VADAPTER_HOME, else ./runs)' })
      .option('experiment', { type: 'string', describe: 'experiment to compare (default: the latest run\'s)' })
      .option('run', { type: 'string', array: true, describe: 'only these run ids' })
      .option('stage', { type: 'string', array: true, describe: 'stages to compare (default: align-adapter and align-resampler stages, else all)' })
      .option('where', { type: 'string', array: true, describe: 'only trials whose resolved spec has key=value (e.g. models.vit.preset=vit-small)' })
      .option('group-by', { type: 'string', array: true, describe: 'spec keys that split a stage into arms (default: keys the trials differ on, seeds aside; "none": stage only)' })
      .option('metric', { type: 'string', array: true, default: ['val/loss'], describe: 'metric keys, one chart and table each (e.g. val/loss eval/coco/CIDEr)' })
      .option('x', { choices: X_AXES, default: 'step' as XAxis, describe: 'x axis: step, examples seen, training FLOPs, or wall time' })
      .options(numberOptions({ smooth: { rule: numberInRange(0, 1), default: 0, describe: 'EMA weight applied to each seed before averaging' } }))
      .option('band', { choices: BANDS, default: 'minmax' as Band, describe: 'band around the seed mean: min-max over seeds, 95% CI of the mean, or none' })
      .option('target', { type: 'string', array: true, describe: 'value to reach: VALUE (one metric) or KEY=VALUE (default: the weakest arm\'s best)' })
      .option('mode', { type: 'string', array: true, describe: 'min or max, or KEY=min|max (default: from the metric\'s name)' })
      .option('baseline', { type: 'string', describe: 'stage that speedups are measured against (default: the align-resampler stage)' })
      .option('y-scale', { type: 'string', array: true, describe: 'chart y axis: linear, log, or zoom (fitted to the curves after the first 10% of x); or KEY=linear|log|zoom (default: linear)' })
      .option('reference', { type: 'string', array: true, describe: 'a dashed reference line on KEY\'s chart and a row in its table: KEY=VALUE or KEY=OTHER_KEY (that metric\'s final value, mean over seeds), each with an optional :label' })
      .option('auto-reference', { type: 'boolean', default: true, describe: 'references found beside a metric: blind_accuracy / blind_CIDEr lines, loss_shuffled curves (--no-auto-reference: none)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the comparison as JSON' })
      .option('csv', { type: 'boolean', default: false, describe: 'print the tables as CSV' })
      .option('markdown', { type: 'boolean', default: false, describe: 'print the tables as Markdown' })
      .option('out', { type: 'string', describe: 'write report.html and SVG/PNG charts to this directory' })
      .example('$0 compare --experiment quickstart --metric val/loss eval/coco/CIDEr --out docs/quickstart-report', 'VAdapter vs resampler baseline: loss and CIDEr curves, steps-to-target tables, report.html')
      .example('$0 compare --experiment scaling --metric eval/coco/CIDEr --x flops --group-by models.vit.preset', 'CIDEr against training FLOPs per ViT')
      .example('$0 compare --metric val/loss --target 2.5 --markdown', 'steps to reach loss 2.5, as a Markdown table')
      .example('$0 compare --metric val/loss eval/coco/CIDEr --y-scale val/loss=zoom --reference "eval/coco/CIDEr=0.34:image-blind prior" --out /tmp/report', 'the loss axis zoomed past its early drop; a labelled reference line on the CIDEr chart') as never,
  handler: async (args) => {
    const { openDbIfExists } = await import('../track/db.ts');
    const { compare } = await import('../report/compare.ts');
    const { parseModes, parseTargets, parseYScales, splitList } = await import('../report/options.ts');
    const { parseReferences } = await import('../report/references.ts');
    const metrics = splitList(args.metric)!;
    const groupBy = splitList(args.groupBy);
    const targets = parseTargets(args.target ?? [], metrics);
    const modes = parseModes(args.mode ?? [], metrics);
    const yScales = parseYScales(splitList(args.yScale) ?? [], metrics);
    const references = parseReferences(args.reference ?? [], metrics);
    const root = resolveRoot(args.root);
    const db = openDbIfExists(root);
    if (!db) throw userError('nothing_to_compare', `no tracking database under ${root} (run an experiment first, or pass --root)`);
    let comparison: Comparison;
    try {
      comparison = compare(db, root, {
        experiment: args.experiment, runs: splitList(args.run), stages: splitList(args.stage), where: args.where,
        groupBy: groupBy?.length === 1 && groupBy[0] === 'none' ? [] : groupBy,
        metrics, x: args.x, smooth: args.smooth, band: args.band,
        targets, modes, baseline: args.baseline, yScales, references, autoReferences: args.autoReference,
      });
    } finally {
      db.close();
    }
    await printAs(args, comparison);
    if (args.out) {
      const { writeReport } = await import('../report/write.ts');
      const written = await writeReport(args.out, comparison);
      (args.json || args.csv || args.markdown ? process.stderr : process.stdout).write(`wrote ${written.join(', ')}\n`);
    }
  },
};

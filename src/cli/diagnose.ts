// `vadapter diagnose prefix SPEC [overrides..]`: can the spec's frozen LLM be steered by a prefix at
// all? Ceiling tests on a run spec (docs/diagnostics.md): (a) an oracle prefix, (b) free soft
// prompts, (c) the trained adapters' attention mass and scale, (d) questions answered from a text
// context. Printing only; src/diagnose/ measures.
import type { CommandModule } from 'yargs';
import type { PrefixDiagnosis } from '../diagnose/prefix.ts';
import { resolveRoot } from '../track/root.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { NON_NEGATIVE_INTEGER, numberOptions, POSITIVE_INTEGER, POSITIVE_NUMBER } from './options.ts';
import { experimentOptions, type ExperimentArgs } from './plan.ts';

interface PrefixArgs extends ExperimentArgs {
  json: boolean;
  limit: number;
  steps: number;
  lr: number;
  tokens?: number;
  seed: number;
  scenes: number;
  set: string;
  trial: number;
  anyCode: boolean;
  measure: string[];
  llm?: string;
  adapters?: string[];
  maxTokens: number;
  backend?: string;
}

const f = (x: number | undefined, digits = 3) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const quote = (s: string | undefined) => (s === undefined ? '-' : JSON.stringify(s));

function printDiagnosis(d: PrefixDiagnosis): void {
  const e = d.encoding;
  printLine(`diagnose prefix: experiment ${d.experiment} (trial ${d.trial}), the first ${d.examples} examples of ${d.set}`);
  const step = d.stages.find((s) => s.stage === d.llm.stage)!.step;
  printLine(`frozen LLM: stage ${d.llm.stage} at step ${step} (width ${d.llm.width}, ${d.llm.layers} layers); prompt ${JSON.stringify(e.prompt)}, ${e.maxTokens} caption tokens, ${e.decoderMask} mask${e.from ? ` (as stage ${e.from} trains)` : ''}`);
  for (const s of d.stages.filter((x) => x.code !== d.code)) printLine(`note: stage ${s.stage} (${s.fingerprint}) was computed by code version ${s.code}, not the current ${d.code} (--any-code)`);
  if (d.oracle) {
    const c = d.oracle.conditions;
    printLine();
    printLine('(a) oracle prefix: the LLM\'s own embeddings of reference 2 where the visual tokens go; loss on reference 1; greedy CIDEr against references 1, 3, 4, 5');
    printLine(formatTable(['prefix', 'tokens', 'loss (ref 1)', 'CIDEr'], [
      ['oracle (its reference 2)', f(c.oracle.prefixTokens, 1), f(c.oracle.loss), f(c.oracle.cider)],
      ['empty (no visual tokens)', f(c.empty.prefixTokens, 1), f(c.empty.loss), f(c.empty.cider)],
      ['mismatched (next example\'s 2)', f(c.mismatched.prefixTokens, 1), f(c.mismatched.loss), f(c.mismatched.cider)],
    ]));
    for (let i = 0; i < Math.min(2, d.examples); i++) {
      if (c.oracle.captions) printLine(`  example ${i}: oracle ${quote(c.oracle.captions[i])}; empty ${quote(c.empty.captions?.[i])}; mismatched ${quote(c.mismatched.captions?.[i])}`);
    }
    printLine(`reading: ${d.oracle.reading}`);
  }
  if (d.soft) {
    const s = d.soft;
    printLine();
    printLine(`(b) free soft prompts: ${s.tokens} vectors per example from N(0, ${f(s.initStd)}) (the embedding scale), ${s.steps} Adam steps at lr ${s.lr} (in units of that scale) on references 1-4, the LLM frozen; their norm grew ${f(s.growth, 2)}x`);
    printLine(formatTable(['loss', 'soft prompt', 'before optimisation', 'empty prefix'], [
      ['held out (reference 5)', f(s.heldOut.soft), f(s.heldOut.initial), f(s.heldOut.empty)],
      ['training (references 1-4)', f(s.trainLoss.after), f(s.trainLoss.before), '-'],
    ]));
    printLine(`reading: ${s.reading}`);
  }
  if (d.attention) {
    const a = d.attention;
    printLine();
    printLine('(c) attention of the caption positions (mean over layers, heads, positions, examples) on each part, the loss on reference 1, and the tokens\' scale');
    const o = a.oracle;
    printLine(formatTable(['prefix', 'kind', 'step', 'tokens', 'on visual', 'on prompt', 'on caption', 'loss (ref 1)', 'RMS norm', 'x embeddings', 'across images'], [
      ['oracle (reference 2)', 'reference point', '-', f(o.tokens, 1), pct(o.mass.visual), pct(o.mass.prompt), pct(o.mass.caption), f(o.loss), f(o.embeddingRms), '1.00', '-'],
      ...a.adapters.map((r) => [r.stage, r.kind, String(r.step), String(r.tokens), pct(r.mass.visual), pct(r.mass.prompt), pct(r.mass.caption), f(r.loss), f(r.visualRms), f(r.scale, 2), Number.isNaN(r.spread) ? '-' : pct(r.spread)]),
    ]));
    printLine(`reading: ${a.reading}`);
  }
  if (d.qa) {
    const q = d.qa;
    const types = Object.keys(q.contexts.none.perQuestionType);
    printLine();
    printLine(`(d) QA reading: ${q.questions} questions about ${q.scenes} sampled scenes (seed ${q.seed}) in the VQA prompt, the LLM's embeddings of a text where the visual tokens go; VQA accuracy (%)`);
    printLine(formatTable(['context', 'accuracy', ...types], Object.entries(q.contexts).map(([c, r]) => [c, f(r.accuracy, 1), ...types.map((t) => f(r.perQuestionType[t], 1))])));
    printLine(`reading: ${q.reading}`);
  }
}

const prefixCommand: CommandModule<object, PrefixArgs> = {
  command: 'prefix <spec> [overrides..]',
  describe: 'can the frozen LLM of a run spec be steered by a prefix? (a) oracle prefix, (b) free soft prompts, (c) the adapters\' attention and scale, (d) questions answered from a text context',
  builder: (y) =>
    experimentOptions(y)
      .options(numberOptions({ limit: { rule: POSITIVE_INTEGER, default: 32, describe: 'the first N examples of the eval set' } }))
      .option('set', { type: 'string', default: 'coco', describe: 'the caption-eval set (a name under data.eval)' })
      .option('measure', { type: 'string', array: true, choices: ['oracle', 'soft', 'attention', 'qa'], default: ['oracle', 'soft', 'attention', 'qa'], describe: 'which measurements: (a) oracle, (b) soft, (c) attention, (d) qa' })
      .options(numberOptions({
        steps: { rule: POSITIVE_INTEGER, default: 100, describe: '(b) Adam steps per soft prompt' },
        lr: { rule: POSITIVE_NUMBER, default: 0.03, describe: '(b) the soft prompts\' learning rate' },
        tokens: { rule: POSITIVE_INTEGER, describe: '(b) vectors per soft prompt (default: the visual tokens the adapters produce)' },
        seed: { rule: NON_NEGATIVE_INTEGER, default: 0, describe: 'seed of (b)\'s initialisation and (d)\'s scenes' },
        scenes: { rule: POSITIVE_INTEGER, default: 40, describe: '(d) synthetic scenes whose questions are asked' },
      }))
      .option('llm', { type: 'string', describe: 'the frozen LLM\'s pretrain-lm stage (default: the adapters\' llm:)' })
      .option('adapters', { type: 'string', array: true, describe: '(c) the adapter stages to inspect (default: every align-adapter and align-resampler stage)' })
      .options(numberOptions({ trial: { rule: NON_NEGATIVE_INTEGER, default: 0, describe: 'the trial of a sweep' } }))
      .option('any-code', { type: 'boolean', default: false, describe: 'also use stage outputs computed by another code version (same stage, config, data and upstream otherwise)' })
      .options(numberOptions({ 'max-tokens': { rule: POSITIVE_INTEGER, default: 24, describe: '(a) tokens generated at most' } }))
      .option('json', { type: 'boolean', default: false, describe: 'print the measurements as JSON' })
      .example('$0 diagnose prefix experiments/quickstart.yaml --limit 16', 'all four measurements on a run quickstart')
      .example('$0 diagnose prefix experiments/quickstart.yaml --measure oracle --json', 'the oracle prefix alone, as JSON') as never,
  handler: async (args) => {
    const { diagnosePrefix } = await import('../diagnose/prefix.ts');
    const diagnosis = await diagnosePrefix({
      specFile: args.spec, overrides: args.overrides.map(String), plugins: args.plugin, root: resolveRoot(args.root), trial: args.trial, anyCode: args.anyCode, backend: args.backend,
      set: args.set, limit: args.limit, measure: args.measure as never, llm: args.llm, adapters: args.adapters, tokens: args.tokens, steps: args.steps, lr: args.lr, seed: args.seed, scenes: args.scenes,
      maxTokens: args.maxTokens, log: (line) => process.stderr.write(`${line}\n`),
    });
    if (args.json) printJson(diagnosis);
    else printDiagnosis(diagnosis);
  },
};

export const diagnoseCommand: CommandModule = {
  command: 'diagnose <command>',
  describe: 'diagnostics of a run spec\'s trained models (docs/diagnostics.md)',
  builder: (y) => y.command(prefixCommand).demandCommand(1, 'name a diagnostic: prefix'),
  handler: () => undefined,
};

// `vadapter model summary <assembly|preset>`: parameters, trainable vs frozen, FLOPs and activations per example.
import type { CommandModule } from 'yargs';
import type { ModelSummary } from '../models/summary.ts';
import { formatTable, printJson, printLine } from './output.ts';
import { NON_NEGATIVE_INTEGER, numberOptions, POSITIVE_INTEGER } from './options.ts';

interface SummaryArgs {
  name: string;
  spec?: string;
  json: boolean;
  frames: number;
  promptTokens: number;
  captionTokens: number;
  vit?: string;
  tlm?: string;
  llm?: string;
  lm?: string;
  text?: string;
  pooler?: string;
  resampler?: string;
}

const COMPONENT_OPTIONS = ['vit', 'tlm', 'llm', 'lm', 'text', 'pooler', 'resampler'] as const;

function human(n: number): string {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

function printHuman(s: ModelSummary): void {
  printLine(`${s.name}: ${s.shape.frames} frames, ${s.shape.promptTokens} prompt + ${s.shape.captionTokens} caption tokens per example`);
  const rows = Object.entries(s.components).map(([name, c]) => [name, human(c.params), human(c.trainable), human(c.flops), human(c.activations)]);
  rows.push(['total', human(s.params), human(s.trainable), human(s.flopsPerExample), human(s.activationsPerExample)]);
  printLine(formatTable(['component', 'params', 'trainable', 'FLOPs/example', 'activations/example'], rows));
  printLine(`frozen: ${human(s.frozen)} (${s.frozen} parameters)`);
}

/** The block `models.<name>` of a spec (its first trial). */
async function specModel(file: string, name: string): Promise<Record<string, unknown>> {
  const { loadSpec } = await import('../config/load.ts');
  const models = loadSpec(file).trials[0].spec.models;
  const block = models[name];
  if (block) return block;
  const { unknownNameMessage, userError } = await import('../util/errors.ts');
  throw userError('unknown_model', unknownNameMessage(`no model "${name}" in models:`, name, Object.keys(models), { label: 'defined' }), { file });
}

const summaryCommand: CommandModule<object, SummaryArgs> = {
  command: 'summary <name>',
  describe: 'parameters, trainable vs frozen, forward FLOPs and activations per example of an assembly (lm, contrastive, captioner, vadapter, perceiver) or a ViT/LM preset',
  builder: (y) => {
    let b = y
      .positional('name', { type: 'string', demandOption: true, describe: 'assembly kind or preset name; with --spec, a key of the spec\'s models: block' })
      .option('spec', { type: 'string', describe: 'an experiment spec whose models: block defines <name> (preset + overrides)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
      .options(numberOptions({
        frames: { rule: POSITIVE_INTEGER, default: 8, describe: 'frames per example' },
        'prompt-tokens': { rule: NON_NEGATIVE_INTEGER, default: 8, describe: 'prompt tokens around the visual tokens' },
        'caption-tokens': { rule: POSITIVE_INTEGER, default: 32, describe: 'caption (or text) tokens' },
      }));
    for (const c of COMPONENT_OPTIONS) b = b.option(c, { type: 'string', describe: `${c} preset (default: the paper's size)` });
    return b
      .example('$0 model summary vadapter --vit vit-l', 'the paper-scale VAdapter over ViT-L')
      .example('$0 model summary vadapter --pooler pooler', "Table 4's pooler arm: an attentional pooler (no resampler) in front of the TLM").example('$0 model summary vit-b --json', 'one preset, as JSON') as never;
  },
  handler: async (args) => {
    const presets = Object.fromEntries(COMPONENT_OPTIONS.map((c) => [c, args[c]]));
    const { summarizeByName, summarizeComponent } = await import('../models/summary.ts');
    const shape = { frames: args.frames, promptTokens: args.promptTokens, captionTokens: args.captionTokens };
    const summary = args.spec ? summarizeComponent(args.name, await specModel(args.spec, args.name), shape) : summarizeByName(args.name, presets, shape);
    if (args.json) printJson(summary);
    else printHuman(summary);
  },
};

const runModelCommand: CommandModule<object, { ckpt: string; inputs: string; out: string; backend?: string }> = {
  command: 'run <ckpt>',
  describe: "run a checkpoint's model on inputs from a safetensors file: an LM maps input_ids [B, T] to logits [B, T, vocab] (as Hugging Face names them)",
  builder: (y) =>
    y
      .positional('ckpt', { type: 'string', describe: 'a vadapter checkpoint with an lm component (vadapter weights import writes one)' })
      .option('inputs', { type: 'string', demandOption: true, requiresArg: true, describe: 'safetensors with input_ids (int32 or int64)' })
      .option('out', { type: 'string', demandOption: true, requiresArg: true, describe: 'safetensors to write the outputs to' })
      .example('$0 model run weights/tinyllama.safetensors --inputs ids.safetensors --out logits.safetensors', "compare logits with the original model's") as never,
  handler: async (args) => {
    const { initBackend, resolveBackendRequest } = await import('../backend/index.ts');
    await initBackend(resolveBackendRequest(args.backend));
    const { runModel } = await import('../weights/run-model.ts');
    const shapes = runModel(args.ckpt, args.inputs, args.out);
    printLine(`wrote ${args.out}: ${Object.entries(shapes).map(([n, s]) => `${n} [${s.join(', ')}]`).join(', ')}`);
  },
};

export const modelCommand: CommandModule = {
  command: 'model <command>',
  describe: 'inspect model presets and assemblies; run a checkpoint on given inputs',
  builder: (y) => y.command(summaryCommand).command(runModelCommand).demandCommand(1),
  handler: () => undefined,
};

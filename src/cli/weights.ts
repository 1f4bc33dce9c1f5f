// `vadapter weights inspect|import`: public checkpoints (Hugging Face safetensors) into vadapter's (docs/weights.md).
import type { CommandModule } from 'yargs';
import type { ImportResult } from '../weights/import.ts';
import type { WeightsReport } from '../weights/inspect.ts';
import { formatTable, printJson, printLine } from './output.ts';

const pathArg = { type: 'string', describe: 'a Hugging Face model folder (config.json + model.safetensors or its sharded index), or one .safetensors file (inspect: or a config.json alone)' } as const;
const configOption = { type: 'string', describe: 'config.json of a single safetensors file (default: the one beside it)' } as const;

function printReport(r: WeightsReport): void {
  if (r.files.length > 0) printLine(`${r.path}: ${r.tensors.length} tensors in ${r.files.length} file(s), ${r.parameters} parameters; dtypes ${Object.entries(r.dtypes).map(([d, n]) => `${d} x${n}`).join(', ')}`);
  else printLine(`${r.path}: a config alone (no weights)`);
  printLine(r.mapsTo ? `format: ${r.format} -> vadapter ${r.mapsTo.component} ${JSON.stringify(r.mapsTo.config)}; ${r.mapsTo.parameters} parameters by this config` : `format: not importable: ${r.problem}`);
  if (r.tensors.length === 0) return;
  printLine();
  printLine(formatTable(['tensor', 'dtype', 'shape'], r.tensors.map((t) => [t.name, t.dtype, `[${t.shape.join(', ')}]`])));
}

function printImport(r: ImportResult): void {
  printLine(`wrote ${r.out}: ${r.format} -> ${r.component}, ${r.tensors} tensors, ${r.parameters} parameters (float32)`);
  printLine(`config: ${JSON.stringify(r.config)}`);
}

const inspectCommand: CommandModule<object, { path: string; config?: string; format?: string; json: boolean }> = {
  command: 'inspect <path>',
  describe: 'tensors, dtypes, shapes and parameters of a checkpoint, its format and the vadapter config it maps to (or why not)',
  builder: (y) =>
    y
      .positional('path', pathArg)
      .option('config', configOption)
      .option('format', { type: 'string', describe: 'auto (default: from config.json model_type) or a format name' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .example('$0 weights inspect ./TinyLlama-1.1B', 'what a downloaded model folder holds')
      .example('$0 weights inspect experiments/paper/public/clip-vit-large-patch14.json', 'the vadapter config and parameters of a config.json alone') as never,
  handler: async (args) => {
    const { inspectWeights } = await import('../weights/inspect.ts');
    const report = inspectWeights(args.path, { config: args.config, format: args.format });
    if (args.json) printJson(report);
    else printReport(report);
  },
};

const importCommand: CommandModule<object, { path: string; out: string; config?: string; format: string; json: boolean }> = {
  command: 'import <path>',
  describe: 'convert a checkpoint into a vadapter checkpoint (float32, vadapter layout, the resolved config in its metadata)',
  builder: (y) =>
    y
      .positional('path', pathArg)
      .option('out', { type: 'string', demandOption: true, requiresArg: true, describe: 'the vadapter checkpoint to write (.safetensors)' })
      .option('config', configOption)
      .option('format', { type: 'string', default: 'auto', describe: 'auto, or a format name (llama, gpt2, clip, siglip)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' })
      .example('$0 weights import ./TinyLlama-1.1B --out weights/tinyllama.safetensors', 'a LLaMA-family model as a frozen LLM')
      .example('$0 weights import ./gpt2 --out weights/gpt2.safetensors', 'GPT-2 (saved with or without its head)')
      .example('$0 weights import ./clip-vit-base-patch16 --out weights/clip-b16.safetensors', 'the vision tower of a CLIP (or SigLIP) checkpoint')
      .example('$0 model run weights/tinyllama.safetensors --inputs ids.safetensors --out logits.safetensors', 'then check its logits against the original') as never,
  handler: async (args) => {
    const { importWeights } = await import('../weights/import.ts');
    const result = importWeights(args.path, { out: args.out, format: args.format, config: args.config });
    if (args.json) printJson(result);
    else printImport(result);
  },
};

export const weightsCommand: CommandModule = {
  command: 'weights <command>',
  describe: 'public pretrained checkpoints: inspect them, import them as vadapter checkpoints',
  builder: (y) => y.command(inspectCommand).command(importCommand).demandCommand(1, 'name a weights command') as never,
  handler: () => undefined,
};

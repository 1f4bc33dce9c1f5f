// import-weights: a public checkpoint (a Hugging Face model folder, or one safetensors file with its
// config.json) as a stage output, so that alignment stages read an imported LLM or vision tower as
// they read a pretrained stage's: `llm: <this stage>` takes its `lm`, `vision: <this stage>` its
// `vit` (src/weights/, docs/weights.md). Its fingerprint follows the sha256 of every file it reads
// (weights, config.json, preprocessor_config.json), so a changed file is a new import and everything
// downstream reruns; an unchanged one is cached like any stage. A path that does not exist yet is a
// missing input: `plan` shows the stage, `run` refuses it naming the path. An imported LM's
// tokenizer comes along: when its folder has a tokenizer.json, the data must be tokenized with it
// (`data.tokenizer` is that file, byte for byte), and the data tokenizer's ids must fit the LM's
// vocabulary; both are checked when the stage is planned.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { MODEL_FILE } from '../ckpt/layout.ts';
import { missingFingerprint } from '../graph/missing-data.ts';
import { userError } from '../util/errors.ts';
import { resolveFormat } from '../weights/formats.ts';
import { openHfModel, type HfModel } from '../weights/hf-model.ts';
import { convertWeights, fileDigests } from '../weights/import.ts';
import { experimentTokenizer } from './experiment-data.ts';
import type { StageContext, StageExperiment, StageKind } from './types.ts';

const configSchema = z
  .strictObject({
    dir: z.string().min(1).optional(), // a model folder as save_pretrained writes it
    file: z.string().min(1).optional(), // or one .safetensors file, its config.json beside it or named by `config`
    config: z.string().min(1).optional(),
    format: z.string().min(1).default('auto'), // auto, or a format name (llama, gpt2, clip, siglip)
  })
  .refine((c) => (c.dir === undefined) !== (c.file === undefined), { message: 'give exactly one of dir (a model folder) and file (a .safetensors file)', path: ['dir'] });
type Config = z.output<typeof configSchema>;

const sourceOf = (c: Config) => (c.dir ?? c.file)!;

/** An imported LM's tokenizer against the data's: the same file when the model brings one, and ids that fit its vocabulary. */
function checkTokenizer(model: HfModel, folder: string, config: Config, experiment: StageExperiment): void {
  const format = resolveFormat(model.config, model.configFile, config.format);
  const dataTokenizer = experiment.data.tokenizer;
  if (format.component !== 'lm' || !dataTokenizer || !existsSync(dataTokenizer)) return;
  const own = join(folder, 'tokenizer.json');
  if (existsSync(own) && !readFileSync(own).equals(readFileSync(dataTokenizer))) {
    throw userError('tokenizer_mismatch', `is not the tokenizer of the LLM that stage import-weights imports from ${folder}: set data.tokenizer: ${own}, so that the data are tokenized with its vocabulary`, { path: ['data', 'tokenizer'] });
  }
  const vocab = (format.config(model.config, model.configFile) as { vocab: number }).vocab;
  const size = experimentTokenizer(experiment).vocabSize;
  if (size > vocab) throw userError('vocab_mismatch', `has ${size} tokens; the imported LLM's vocabulary (${model.configFile}) has ${vocab}`, { path: ['data', 'tokenizer'] });
}

/** Every file the import reads, with its digest; a path that is not there enters as missing. */
function inputs(config: Config, experiment: StageExperiment): unknown {
  const path = sourceOf(config);
  if (!existsSync(path)) return { format: config.format, source: missingFingerprint(path) };
  const model = openHfModel(path, config.config);
  const folder = statSync(path).isDirectory() ? path : dirname(model.configFile);
  checkTokenizer(model, folder, config, experiment);
  const preprocessor = join(folder, 'preprocessor_config.json');
  const files = [...model.files, model.configFile, ...(existsSync(preprocessor) ? [preprocessor] : [])];
  return { format: config.format, files: fileDigests(files).map((d) => ({ name: relative(folder, d.file), sha256: d.sha256 })) };
}

async function run(ctx: StageContext<Config>): Promise<void> {
  const path = sourceOf(ctx.config);
  ctx.log(`importing ${path} (format ${ctx.config.format})`);
  const { bytes, result } = convertWeights(path, { format: ctx.config.format, config: ctx.config.config });
  ctx.checkpoint.save(1, { [MODEL_FILE]: bytes }, { tags: ['imported'] });
  ctx.metrics.log(1, { parameters: result.parameters });
  ctx.log(`${result.format} -> ${result.component}: ${result.tensors} tensors, ${result.parameters} parameters`);
  ctx.progress(1, 1);
}

export const importWeights: StageKind<Config> = {
  kind: 'import-weights',
  describe: 'a public checkpoint (Hugging Face LLaMA, GPT-2, CLIP or SigLIP vision tower) as a frozen llm or vision for the alignment stages',
  configSchema,
  produces: ['lm', 'vision'],
  pathKeys: ['dir', 'file', 'config'],
  inputs,
  totalSteps: () => 1,
  run,
};

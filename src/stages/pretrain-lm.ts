// pretrain-lm: a decoder LM trained on text alone — the frozen "LLM", and the TLM's language-only
// initialisation (progressive alignment's stage 0). Text: the training mixture's captions.
import { z } from 'zod';
import { initBackend } from '../backend/index.ts';
import { buildAssembly } from '../models/assembly.ts';
import { resolveAssembly, type ConfigsOf } from '../models/assembly_config.ts';
import type { TextTokenizer } from '../data/tokenizer.ts';
import { userError } from '../util/errors.ts';
import { Rng, hashString } from '../util/rng.ts';
import { openTextBatches } from './common/batch-sources.ts';
import { componentRefSchema, componentSpec } from './common/components.ts';
import { experimentTokenizer, trainSources } from './common/experiment-data.ts';
import { lmBatch } from './common/model-batches.ts';
import { runTraining } from './common/run-training.ts';
import { trainingDatasets, trainingInputs } from './common/stage-inputs.ts';
import { loopConfigOf, trainingSeed, trainingShape } from './common/training-options.ts';
import { textValidationSets, validationLosses } from './common/validation.ts';
import type { StageContext, StageExperiment, StageKind } from './types.ts';

const configSchema = z.strictObject({
  model: componentRefSchema, // a key of models: (or an inline block) for the LM
  // Fraction of training texts written twice (`<bos> t <eos> t <eos>`). A small LM trained on short
  // captions alone never needs its context; repeats teach it to copy from context, which a frozen LLM
  // needs in order to use a visual prefix (real LLMs learn this from web text). Default 0: plain text.
  repeatRate: z.number().min(0).max(1).default(0),
  ...trainingShape,
});
type Config = z.output<typeof configSchema>;

function assemblyConfigs(config: Config, experiment: StageExperiment) {
  return resolveAssembly('lm', { lm: componentSpec(config.model, experiment, ['model']) }, ['model']) as ConfigsOf<'lm'>;
}

/** The LM's vocabulary must hold every id the tokenizer produces. */
export function checkVocab(vocab: number, tok: TextTokenizer, path: (string | number)[]): void {
  if (vocab < tok.vocabSize) throw userError('vocab_too_small', `the model's vocab ${vocab} is smaller than the tokenizer's ${tok.vocabSize} tokens`, { path });
}

async function run(ctx: StageContext<Config>): Promise<void> {
  const { config, experiment } = ctx;
  await initBackend(experiment.backend);
  const seed = config.seed ?? experiment.seed;
  const configs = assemblyConfigs(config, experiment);
  const tokenizer = experimentTokenizer(experiment);
  checkVocab(configs.lm.vocab, tokenizer, ['model', 'vocab']);
  const assembly = buildAssembly(configs, Rng.derive(seed, 'init').seed());
  const enc = { tokenizer, maxTokens: config.maxTokens };
  const validation = await textValidationSets(experiment, config.validation, config.batchSize);
  const repeats = (texts: string[]) => texts.map((t) => hashString(`${seed}:${t}`) / 2 ** 32 < config.repeatRate);
  const loss = (b: { texts: string[] }) => assembly.loss(lmBatch(b.texts, enc, repeats(b.texts)));
  const heldOut = (b: { texts: string[] }) => assembly.loss(lmBatch(b.texts, enc));
  try {
    await runTraining(ctx, {
      assembly,
      sources: {},
      loop: loopConfigOf(config),
      openBatches: (position) => openTextBatches({ ...trainSources(experiment), seed: Rng.derive(seed, 'data').seed(), batchSize: config.batchSize, position }),
      loss,
      size: (b) => ({ examples: b.texts.length, tokens: b.texts.length * (config.maxTokens + 1) }),
      periodic: [{ every: config.validateEvery, run: async () => validationLosses(validation, heldOut, (b) => b.texts.length) }],
    });
  } finally {
    assembly.dispose();
  }
}

export const pretrainLm: StageKind<Config> = {
  kind: 'pretrain-lm',
  describe: 'train a decoder LM on the training captions (the frozen LLM; the TLM language-only init)',
  configSchema,
  references: () => ({}),
  inputs: (config, experiment) => trainingInputs(experiment, assemblyConfigs(config, experiment)),
  datasets: (config, experiment) => trainingDatasets(experiment, config.validation),
  seed: trainingSeed,
  totalSteps: (config) => config.steps,
  selectBy: { metric: 'val/loss', mode: 'min' },
  run,
};

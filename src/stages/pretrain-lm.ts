// pretrain-lm: a decoder LM trained on text alone — the frozen "LLM", and the TLM's language-only
// initialisation (progressive alignment's stage 0). Text: the training mixture's captions, or a
// `corpus` mixing them with text-only datasets (data.text, e.g. the synthetic scene documents).
import { z } from 'zod';
import { resolveAssembly, type ConfigsOf } from '../models/assembly-config.ts';
import { STAGE_ASSEMBLY } from './assemblies.ts';
import { hashString } from '../util/rng.ts';
import { componentFieldPath, componentRefSchema, componentSpec } from './training/components.ts';
import { corpusSources } from './experiment-data.ts';
import { lmBatch } from './training/model-batches.ts';
import { checkVocabAtPlan, trainingDatasets, trainingInputs } from './training/stage-inputs.ts';
import { trainingKind } from './training/training-kind.ts';
import { trainingShape } from './training/training-options.ts';
import { textFamily, trainByRecipe } from './training/training-recipe.ts';
import type { StageContext, StageExperiment } from './types.ts';

const configSchema = z.strictObject({
  model: componentRefSchema, // a key of models: (or an inline block) for the LM
  // Fraction of training texts written twice (`<bos> t <eos> t <eos>`). A small LM trained on short
  // captions alone never needs its context; repeats teach it to copy from context, which a frozen LLM
  // needs in order to use a visual prefix (real LLMs learn this from web text). Default 0: plain text.
  repeatRate: z.number().min(0).max(1).default(0),
  // Weights over data.train and data.text datasets, e.g. { webli: 0.3, scenes: 0.7 }; default: the
  // training mixture's captions (data.mixture over data.train).
  corpus: z.record(z.string().min(1), z.number().nonnegative()).optional(),
  ...trainingShape,
});
type Config = z.output<typeof configSchema>;

function assemblyConfigs(config: Config, experiment: StageExperiment) {
  return resolveAssembly(STAGE_ASSEMBLY['pretrain-lm'], { lm: componentSpec(config.model, experiment, ['model']) }, ['model']) as ConfigsOf<'lm'>;
}

async function train(ctx: StageContext<Config>, seed: number): Promise<void> {
  const { config, experiment } = ctx;
  const repeats = (texts: string[]) => texts.map((t) => hashString(`${seed}:${t}`) / 2 ** 32 < config.repeatRate);
  await trainByRecipe(ctx, seed, {
    configs: assemblyConfigs(config, experiment),
    vocabPath: ['model', 'vocab'],
    batches: textFamily(experiment, corpusSources(experiment, config.corpus, ['corpus'])),
    loss: (assembly, b, text, heldOut) => assembly.loss(lmBatch(b.texts, text, heldOut ? [] : repeats(b.texts))), // repeats in training only
  });
}

export const pretrainLm = trainingKind<Config>({
  kind: 'pretrain-lm',
  describe: 'train a decoder LM on text: the training captions, or a corpus with text datasets (the frozen LLM; the TLM language-only init)',
  configSchema,
  produces: ['lm'],
  inputs: (config, experiment) => {
    const configs = assemblyConfigs(config, experiment);
    checkVocabAtPlan(experiment, configs, componentFieldPath(config.model, 'model', 'vocab'));
    return trainingInputs(experiment, configs);
  },
  datasets: (config, experiment) => [...trainingDatasets(experiment, config.validation), ...Object.values(corpusSources(experiment, config.corpus, ['corpus']).sources)],
  train,
});

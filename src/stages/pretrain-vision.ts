// pretrain-vision: a ViT trained contrastively against captions (CLIP-style), so that a frozen
// vision encoder exists without downloading CoCa weights; with `captioning:`, also by CoCa's
// captioning loss (the text tower captions the image from a pooler's tokens). The text tower and
// the pooler are discarded afterwards; downstream stages load `vit.*` from this stage's checkpoint.
import { z } from 'zod';
import { resolveAssembly, type ConfigsOf } from '../models/assembly-config.ts';
import { STAGE_ASSEMBLY } from './assemblies.ts';
import { componentFieldPath, componentRefSchema, componentSpec } from './training/components.ts';
import { contrastiveBatch } from './training/model-batches.ts';
import { checkVocabAtPlan, trainingDatasets, trainingInputs } from './training/stage-inputs.ts';
import { trainingKind } from './training/training-kind.ts';
import { trainingShape } from './training/training-options.ts';
import { frameFamily, trainByRecipe } from './training/training-recipe.ts';
import type { StageContext, StageExperiment } from './types.ts';

const configSchema = z.strictObject({
  model: componentRefSchema.default('vit'), // the ViT: a key of models: or an inline block
  text: componentRefSchema.default({ preset: 'lm-tiny' }), // the text tower
  embedDim: z.number().int().positive().optional(), // joint embedding width; default the ViT's
  captioning: z
    .strictObject({
      pooler: componentRefSchema.default({ preset: 'pooler-tiny' }), // its queries become the text tower's prefix
      weight: z.number().positive().default(1), // the caption loss's weight beside the contrastive loss
    })
    .optional(),
  ...trainingShape,
});
type Config = z.output<typeof configSchema>;

function assemblyConfigs(config: Config, experiment: StageExperiment) {
  const vit = componentSpec(config.model, experiment, ['model']);
  const text = componentSpec(config.text, experiment, ['text']);
  const captioning = config.captioning && { pooler: componentSpec(config.captioning.pooler, experiment, ['captioning', 'pooler']), weight: config.captioning.weight };
  return resolveAssembly(STAGE_ASSEMBLY['pretrain-vision'], { vit, text, embedDim: config.embedDim, captioning }, []) as ConfigsOf<'contrastive'>;
}

async function train(ctx: StageContext<Config>, seed: number): Promise<void> {
  const configs = assemblyConfigs(ctx.config, ctx.experiment);
  await trainByRecipe(ctx, seed, {
    configs,
    vocabPath: ['text', 'vocab'],
    batches: frameFamily(ctx.experiment, configs.vit.image),
    loss: (assembly, b, text) => assembly.loss(contrastiveBatch(b, text, configs.captioning !== undefined)),
  });
}

export const pretrainVision = trainingKind<Config>({
  kind: 'pretrain-vision',
  describe: 'train a ViT contrastively against captions (CLIP-style), the frozen vision encoder of later stages',
  configSchema,
  produces: ['vision'],
  inputs: (config, experiment) => {
    const configs = assemblyConfigs(config, experiment);
    checkVocabAtPlan(experiment, configs, componentFieldPath(config.text, 'text', 'vocab'));
    return trainingInputs(experiment, configs);
  },
  datasets: (config, experiment) => trainingDatasets(experiment, config.validation),
  train,
});

// pretrain-vision: a ViT trained contrastively against captions (CLIP-style), so that a frozen
// vision encoder exists without downloading CoCa weights. The text tower is discarded afterwards;
// downstream stages load `vit.*` from this stage's checkpoint.
import { z } from 'zod';
import { resolveAssembly, type ConfigsOf } from '../models/assembly_config.ts';
import type { TrainBatch } from '../data/train-stream.ts';
import { Rng } from '../util/rng.ts';
import { openFrameBatches } from './common/batch-sources.ts';
import { componentRefSchema, componentSpec } from './common/components.ts';
import { experimentTokenizer, framesPerExample, trainSources } from './common/experiment-data.ts';
import { contrastiveBatch, type FramesHost } from './common/model-batches.ts';
import { runTraining } from './common/run-training.ts';
import { trainingDatasets, trainingInputs } from './common/stage-inputs.ts';
import { trainingKind, withAssembly } from './common/training-kind.ts';
import { loopConfigOf, trainingShape } from './common/training-options.ts';
import { frameValidationSets, validationMeasure } from './common/validation.ts';
import { checkVocab } from './pretrain-lm.ts';
import type { StageContext, StageExperiment } from './types.ts';

const configSchema = z.strictObject({
  model: componentRefSchema.default('vit'), // the ViT: a key of models: or an inline block
  text: componentRefSchema.default({ preset: 'lm-tiny' }), // the text tower
  embedDim: z.number().int().positive().optional(), // joint embedding width; default the ViT's
  ...trainingShape,
});
type Config = z.output<typeof configSchema>;

function assemblyConfigs(config: Config, experiment: StageExperiment) {
  const vit = componentSpec(config.model, experiment, ['model']);
  const text = componentSpec(config.text, experiment, ['text']);
  return resolveAssembly('contrastive', { vit, text, embedDim: config.embedDim }, []) as ConfigsOf<'contrastive'>;
}

async function train(ctx: StageContext<Config>, seed: number): Promise<void> {
  const { config, experiment } = ctx;
  const configs = assemblyConfigs(config, experiment);
  const tokenizer = experimentTokenizer(experiment);
  checkVocab(configs.text.vocab, tokenizer, ['text', 'vocab']);
  const size = { frames: framesPerExample(experiment), image: configs.vit.image };
  const enc = { tokenizer, maxTokens: config.maxTokens };
  const validation = await frameValidationSets(experiment, config.validation, size, config.batchSize);
  await withAssembly(configs, seed, async (assembly) => {
    const loss = (b: FramesHost) => assembly.loss(contrastiveBatch(b, enc));
    await runTraining<TrainBatch>(ctx, {
      assembly,
      sources: {},
      loop: loopConfigOf(config),
      openBatches: (position) => openFrameBatches({ ...trainSources(experiment), ...size, seed: Rng.derive(seed, 'data').seed(), batchSize: config.batchSize, position }),
      loss,
      size: (b) => ({ examples: b.captions.length, tokens: b.captions.length * (config.maxTokens + 1) }),
      periodic: [validationMeasure(config.validateEvery, validation, loss, (b) => b.captions.length)],
    });
  });
}

export const pretrainVision = trainingKind<Config>({
  kind: 'pretrain-vision',
  describe: 'train a ViT contrastively against captions (CLIP-style), the frozen vision encoder of later stages',
  configSchema,
  references: () => ({}),
  inputs: (config, experiment) => trainingInputs(experiment, assemblyConfigs(config, experiment)),
  datasets: (config, experiment) => trainingDatasets(experiment, config.validation),
  train,
});

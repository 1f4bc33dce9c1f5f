// Training a vision-language assembly on captions: the shared body of the alignment stages, which
// differ only in the assembly they build and the components they load from upstream stages.
import type { Assembly } from '../../models/assembly.ts';
import type { VlmConfigs } from '../../models/vlm.ts';
import type { TrainBatch } from '../../data/train-stream.ts';
import { Rng } from '../../util/rng.ts';
import type { StageContext } from '../types.ts';
import { openFrameBatches } from './batch-sources.ts';
import { experimentTokenizer, framesPerExample, trainSources } from './experiment-data.ts';
import { captionBatch, type FramesHost } from './model-batches.ts';
import { runTraining } from './run-training.ts';
import type { ComponentSource } from '../../ckpt/layout.ts';
import { loopConfigOf, type trainingShape } from './training-options.ts';
import { frameValidationSets, validationMeasure } from './validation.ts';
import { checkVocab } from '../pretrain-lm.ts';
import type { z } from 'zod';
import type { TextTokenizer } from '../../data/tokenizer.ts';
import type { PeriodicMeasure } from '../../train/loop.ts';
import { duringTrainingSets, type DuringTrainingEval } from './alignment-options.ts';
import { evaluateAssembly, metricRecord } from './evaluation.ts';

type CaptionConfig = z.output<z.ZodObject<typeof trainingShape>> & { prompt: string; eval?: DuringTrainingEval };

/** Generation metrics on a fixed subset of the eval sets, logged as `eval/<set>/<metric>`. */
function generationMeasure(ctx: StageContext<CaptionConfig>, assembly: Assembly, tokenizer: TextTokenizer, frames: number): PeriodicMeasure[] {
  const e = ctx.config.eval;
  if (!e) return [];
  const sets = duringTrainingSets(e, ctx.experiment);
  const prompts = { caption: ctx.config.prompt, 'video-caption': ctx.config.prompt }; // captions are asked for as in training
  const options = { frames, limit: e.limit, batchSize: ctx.config.batchSize, decoding: { method: 'greedy' as const, maxTokens: e.maxTokens }, prompts, signal: ctx.signal };
  return [{ every: e.every, run: async () => metricRecord(await evaluateAssembly(assembly, assembly.configs, tokenizer, sets, options), 'eval/') }];
}

/** Train `assembly` on the mixture's captions; `seed` is the stage's (it orders the data). */
export async function trainOnCaptions(ctx: StageContext<CaptionConfig>, assembly: Assembly, sources: Record<string, ComponentSource>, seed: number): Promise<void> {
  const { config, experiment } = ctx;
  const configs = assembly.configs as VlmConfigs;
  const tokenizer = experimentTokenizer(experiment);
  checkVocab((configs.kind === 'captioner' ? configs.tlm : configs.llm).vocab, tokenizer, ['vocab']);
  const size = { frames: framesPerExample(experiment), image: configs.vit.image };
  const enc = { tokenizer, maxTokens: config.maxTokens, prompt: config.prompt };
  const validation = await frameValidationSets(experiment, config.validation, size, config.batchSize, { shuffledFrames: true }); // image dependence: val/loss_shuffled, val/gap
  const loss = (b: FramesHost) => assembly.loss(captionBatch(b, enc));
  const periodicEval = generationMeasure(ctx, assembly, tokenizer, size.frames);
  await runTraining<TrainBatch>(ctx, {
    assembly,
    sources,
    loop: loopConfigOf(config),
    openBatches: (position) => openFrameBatches({ ...trainSources(experiment), ...size, seed: Rng.derive(seed, 'data').seed(), batchSize: config.batchSize, position }),
    loss,
    size: (b) => ({ examples: b.captions.length, tokens: b.captions.length * (config.maxTokens + 1) }),
    periodic: [validationMeasure(config.validateEvery, validation, loss, (b) => b.captions.length), ...periodicEval],
  });
}

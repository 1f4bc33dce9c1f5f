// Training a vision-language assembly on captions: the recipe of the alignment stages, which differ
// only in the assembly they build and the components they load from upstream stages. Validation
// also measures the image dependence (frames rolled across each set: val/loss_shuffled, val/gap).
import type { Assembly } from '../../models/assembly.ts';
import type { AssemblyConfigs } from '../../models/assembly-config.ts';
import type { VlmConfigs } from '../../models/vlm.ts';
import type { TextTokenizer } from '../../data/tokenizer.ts';
import type { PeriodicMeasure } from '../../train/loop.ts';
import type { StageContext } from '../types.ts';
import type { ComponentSource } from '../../ckpt/layout.ts';
import { duringTrainingSets, type DuringTrainingEval } from './alignment-options.ts';
import { evaluateAssembly, metricRecord } from '../../eval/evaluate-assembly.ts';
import { framesPerExample } from '../experiment-data.ts';
import { captionBatch } from './model-batches.ts';
import type { TrainingConfig } from './training-options.ts';
import { frameFamily, trainByRecipe } from './training-recipe.ts';

type CaptionConfig = TrainingConfig & { prompt: string; eval?: DuringTrainingEval };

/** Generation metrics on a fixed subset of the eval sets, logged as `eval/<set>/<metric>`. */
function generationMeasure(ctx: StageContext<CaptionConfig>, assembly: Assembly, tokenizer: TextTokenizer): PeriodicMeasure[] {
  const e = ctx.config.eval;
  if (!e) return [];
  const sets = duringTrainingSets(e, ctx.experiment);
  const prompts = { caption: ctx.config.prompt, 'video-caption': ctx.config.prompt }; // captions are asked for as in training
  const options = { frames: framesPerExample(ctx.experiment), limit: e.limit, batchSize: ctx.config.batchSize, decoding: { method: 'greedy' as const, maxTokens: e.maxTokens }, prompts, signal: ctx.signal };
  return [{ every: e.every, run: async () => metricRecord(await evaluateAssembly(assembly, assembly.configs, tokenizer, sets, options), 'eval/') }];
}

/** Train the assembly of `configs` on the mixture's captions; `seed` is the stage's, `sources` loads the upstream components into it. */
export async function trainOnCaptions(ctx: StageContext<CaptionConfig>, seed: number, configs: AssemblyConfigs, sources: (assembly: Assembly) => Record<string, ComponentSource>): Promise<void> {
  await trainByRecipe(ctx, seed, {
    configs,
    batches: frameFamily(ctx.experiment, (configs as VlmConfigs).vit.image, { shuffledFrames: true }),
    sources,
    loss: (assembly, b, text) => assembly.loss(captionBatch(b, { ...text, prompt: ctx.config.prompt })),
    measures: (assembly, tokenizer) => generationMeasure(ctx, assembly, tokenizer),
  });
}

// align-resampler: the baseline. A Flamingo perceiver resampler (every Table 1 switch configurable)
// is the whole adapter: frozen ViT -> [FC] -> resampler -> FC -> frozen LLM.
import { z } from 'zod';
import { initBackend } from '../backend/index.ts';
import { buildAssembly } from '../models/assembly.ts';
import { resolveAssembly } from '../models/assembly_config.ts';
import { Rng } from '../util/rng.ts';
import { alignmentDatasets, alignmentShape } from './common/alignment-options.ts';
import { loadFromUpstream, upstreamComponentConfig } from './common/assembly-io.ts';
import { trainOnCaptions } from './common/caption-training.ts';
import { componentRefSchema, componentSpec } from './common/components.ts';
import { trainingInputs } from './common/stage-inputs.ts';
import { trainingSeed } from './common/training-options.ts';
import type { StageContext, StageKind, UpstreamRef } from './types.ts';

const configSchema = z.strictObject({
  ...alignmentShape,
  llm: z.string().min(1), // the pretrain-lm stage whose LM is the frozen LLM
  resampler: componentRefSchema, // the perceiver resampler (paper: 6 layers, 256 queries)
});
type Config = z.output<typeof configSchema>;

async function run(ctx: StageContext<Config>): Promise<void> {
  const { config, experiment } = ctx;
  await initBackend(experiment.backend);
  const vision = ctx.upstream.vision as UpstreamRef;
  const llm = ctx.upstream.llm as UpstreamRef;
  const configs = resolveAssembly('perceiver', {
    vit: upstreamComponentConfig(vision, 'vit'),
    llm: upstreamComponentConfig(llm, 'lm'),
    resampler: componentSpec(config.resampler, experiment, ['resampler']),
    decoderMask: config.decoderMask,
  }, []);
  const assembly = buildAssembly(configs, Rng.derive(config.seed ?? experiment.seed, 'init').seed());
  try {
    const sources = { vit: loadFromUpstream(assembly, vision, 'vit'), llm: loadFromUpstream(assembly, llm, 'llm', 'lm') };
    await trainOnCaptions(ctx, assembly, sources);
  } finally {
    assembly.dispose();
  }
}

export const alignResampler: StageKind<Config> = {
  kind: 'align-resampler',
  describe: 'baseline: frozen ViT -> perceiver resampler (+FC) -> frozen LLM (trains the resampler and FCs)',
  configSchema,
  references: (config) => ({ vision: config.vision, llm: config.llm }),
  inputs: (config, experiment) => trainingInputs(experiment, { resampler: componentSpec(config.resampler, experiment, ['resampler']) }),
  datasets: (config, experiment) => alignmentDatasets(config, experiment),
  seed: trainingSeed,
  totalSteps: (config) => config.steps,
  selectBy: { metric: 'val/loss', mode: 'min' },
  run,
};

// align-resampler: the baseline. A Flamingo perceiver resampler (every Table 1 switch configurable)
// is the whole adapter: frozen ViT -> [FC] -> resampler -> FC -> frozen LLM.
import { z } from 'zod';
import { resolveAssembly } from '../models/assembly-config.ts';
import { STAGE_ASSEMBLY } from './assemblies.ts';
import { alignmentDatasets, alignmentReferences, alignmentShape, frozenLlmReferences, frozenLlmShape } from './training/alignment-options.ts';
import { loadFromUpstream, upstreamComponentConfig } from './assembly-io.ts';
import { trainOnCaptions } from './training/caption-training.ts';
import { componentRefSchema, componentSpec } from './training/components.ts';
import { trainingInputs } from './training/stage-inputs.ts';
import { trainingKind } from './training/training-kind.ts';
import type { StageContext } from './types.ts';

const configSchema = z.strictObject({
  ...alignmentShape,
  ...frozenLlmShape,
  resampler: componentRefSchema, // the perceiver resampler (paper: 6 layers, 256 queries)
});
type Config = z.output<typeof configSchema>;

const references = { ...alignmentReferences, ...frozenLlmReferences } as const;
type References = typeof references;

async function train(ctx: StageContext<Config, References>, seed: number): Promise<void> {
  const { config, experiment } = ctx;
  const { vision, llm } = ctx.upstream;
  const configs = resolveAssembly(STAGE_ASSEMBLY['align-resampler'], {
    vit: upstreamComponentConfig(vision, 'vit'),
    llm: upstreamComponentConfig(llm, 'lm'),
    resampler: componentSpec(config.resampler, experiment, ['resampler']),
    decoderMask: config.decoderMask,
    visualNorm: config.visualNorm,
  }, []);
  await trainOnCaptions(ctx, seed, configs, (assembly) => ({ vit: loadFromUpstream(assembly, vision, 'vit'), llm: loadFromUpstream(assembly, llm, 'llm', 'lm') }));
}

export const alignResampler = trainingKind<Config, References>({
  kind: 'align-resampler',
  describe: 'baseline: frozen ViT -> perceiver resampler (+FC) -> frozen LLM (trains the resampler and FCs)',
  configSchema,
  produces: ['adapter'],
  references,
  inputs: (config, experiment) => trainingInputs(experiment, { resampler: componentSpec(config.resampler, experiment, ['resampler']) }),
  datasets: (config, experiment) => alignmentDatasets(config, experiment),
  train,
});

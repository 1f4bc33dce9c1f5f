// align-decoder: progressive alignment's stage 1. The TLM is the decoder: frozen ViT -> attentional
// pooler -> TLM generating the caption; trains the pooler and the TLM. The TLM starts from a
// language-only pretrain-lm stage (`decoder:`) or, without one, from random init (Table 3's arms).
import { z } from 'zod';
import { resolveAssembly } from '../models/assembly-config.ts';
import { STAGE_ASSEMBLY } from './assemblies.ts';
import { alignmentDatasets, alignmentReferences, alignmentShape } from './training/alignment-options.ts';
import { loadFromUpstream, upstreamComponentConfig } from './assembly-io.ts';
import { trainOnCaptions } from './training/caption-training.ts';
import { componentRefSchema, componentSpec } from './training/components.ts';
import { trainingInputs } from './training/stage-inputs.ts';
import { trainingKind } from './training/training-kind.ts';
import type { StageContext, StageExperiment } from './types.ts';

const configSchema = z.strictObject({
  ...alignmentShape,
  decoder: z.string().min(1).optional(), // a pretrain-lm stage: the TLM's language-only init
  tlm: componentRefSchema.default('tlm'), // the TLM's shape when it starts from random init
  pooler: componentRefSchema, // the attentional pooler (new here)
});
type Config = z.output<typeof configSchema>;

const references = { ...alignmentReferences, decoder: { produces: ['lm'], optional: true } } as const;
type References = typeof references;

/** What the fingerprint needs of the components: the new pooler, and the TLM when it is not inherited. */
function ownSpecs(config: Config, experiment: StageExperiment) {
  return {
    pooler: componentSpec(config.pooler, experiment, ['pooler']),
    ...(config.decoder ? {} : { tlm: componentSpec(config.tlm, experiment, ['tlm']) }),
  };
}

async function train(ctx: StageContext<Config, References>, seed: number): Promise<void> {
  const { config, experiment } = ctx;
  const { vision, decoder } = ctx.upstream;
  const specs = ownSpecs(config, experiment);
  const configs = resolveAssembly(STAGE_ASSEMBLY['align-decoder'], {
    vit: upstreamComponentConfig(vision, 'vit'),
    tlm: decoder ? upstreamComponentConfig(decoder, 'lm') : specs.tlm,
    pooler: specs.pooler,
    decoderMask: config.decoderMask,
  }, []);
  await trainOnCaptions(ctx, seed, configs, (assembly) => ({ vit: loadFromUpstream(assembly, vision, 'vit'), ...(decoder ? { tlm: loadFromUpstream(assembly, decoder, 'tlm', 'lm') } : {}) }));
}

export const alignDecoder = trainingKind<Config, References>({
  kind: 'align-decoder',
  describe: 'progressive stage 1: frozen ViT -> attentional pooler -> TLM as caption decoder (trains pooler + TLM)',
  configSchema,
  produces: ['captioner'],
  references,
  inputs: (config, experiment) => trainingInputs(experiment, ownSpecs(config, experiment)),
  datasets: (config, experiment) => alignmentDatasets(config, experiment),
  train,
});

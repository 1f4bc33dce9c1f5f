// align-adapter: progressive alignment's stage 2, the PaLM2-VAdapter. Frozen ViT -> FC -> new
// 1-layer perceiver resampler -> TLM -> FC -> frozen LLM; trains the resampler, the TLM and both FCs.
// The TLM comes from `adapter:` — a stage-1 align-decoder stage (language + stage 1), a pretrain-lm
// stage (language only) — or, without one (or null), from random init (the paper's Table 3 arms).
// `resampler:` naming a pooler preset puts a new attentional pooler there instead (Table 4).
import { z } from 'zod';
import { resolveAssembly } from '../models/assembly-config.ts';
import { STAGE_ASSEMBLY } from './assemblies.ts';
import { presetNames } from '../models/presets.ts';
import { alignmentDatasets, alignmentReferences, alignmentShape, frozenLlmReferences, frozenLlmShape } from './training/alignment-options.ts';
import { loadFromUpstream, upstreamComponentConfig } from './assembly-io.ts';
import { trainOnCaptions } from './training/caption-training.ts';
import { componentRefSchema, componentSpec } from './training/components.ts';
import { trainingInputs } from './training/stage-inputs.ts';
import { trainingKind } from './training/training-kind.ts';
import type { StageContext, StageExperiment } from './types.ts';

const configSchema = z.strictObject({
  ...alignmentShape,
  ...frozenLlmShape,
  adapter: z.string().min(1).nullable().optional(), // where the TLM starts: an align-decoder or pretrain-lm stage; none or null: random init
  tlm: componentRefSchema.default('tlm'), // the TLM's shape when it starts from random init
  resampler: componentRefSchema, // the module in front of the TLM (new here): a resampler (the paper's has 1 layer), or a pooler preset (Table 4)
  adapterMask: z.enum(['causal', 'bidirectional']).default('causal'), // how the TLM attends over the resampler's tokens
});
type Config = z.output<typeof configSchema>;

const references = { ...alignmentReferences, ...frozenLlmReferences, adapter: { produces: ['captioner', 'lm'], optional: true } } as const;
type References = typeof references;

/** The TLM's component name in each kind of upstream stage it can start from (those `adapter:` admits). */
const TLM_IN: Record<string, string> = { 'align-decoder': 'tlm', 'pretrain-lm': 'lm' };

/** The components this stage creates: the module in front of the TLM (a pooler when `resampler` names a pooler preset), and the TLM when it starts random. */
function ownSpecs(config: Config, experiment: StageExperiment) {
  const front = componentSpec(config.resampler, experiment, ['resampler']);
  return {
    ...(presetNames('pooler').includes(front.preset ?? '') ? { pooler: front } : { resampler: front }),
    ...(config.adapter ? {} : { tlm: componentSpec(config.tlm, experiment, ['tlm']) }),
  };
}

async function train(ctx: StageContext<Config, References>, seed: number): Promise<void> {
  const { config, experiment } = ctx;
  const { vision, llm, adapter } = ctx.upstream;
  const tlmFrom = adapter ? TLM_IN[adapter.kind] : undefined;
  const { tlm, ...front } = ownSpecs(config, experiment);
  const configs = resolveAssembly(STAGE_ASSEMBLY['align-adapter'], {
    vit: upstreamComponentConfig(vision, 'vit'),
    llm: upstreamComponentConfig(llm, 'lm'),
    tlm: adapter ? upstreamComponentConfig(adapter, tlmFrom!) : tlm,
    ...front,
    adapterMask: config.adapterMask,
    decoderMask: config.decoderMask,
    visualNorm: config.visualNorm,
  }, []);
  await trainOnCaptions(ctx, seed, configs, (assembly) => ({
    vit: loadFromUpstream(assembly, vision, 'vit'),
    llm: loadFromUpstream(assembly, llm, 'llm', 'lm'),
    ...(adapter ? { tlm: loadFromUpstream(assembly, adapter, 'tlm', tlmFrom) } : {}),
  }));
}

export const alignAdapter = trainingKind<Config, References>({
  kind: 'align-adapter',
  describe: 'progressive stage 2 (PaLM2-VAdapter): frozen ViT -> resampler (or pooler) -> TLM -> frozen LLM (trains it, the TLM, FCs)',
  configSchema,
  produces: ['adapter'],
  references,
  inputs: (config, experiment) => trainingInputs(experiment, ownSpecs(config, experiment)),
  datasets: (config, experiment) => alignmentDatasets(config, experiment),
  train,
});

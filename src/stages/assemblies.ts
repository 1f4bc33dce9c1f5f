// The one place the two vocabularies meet: each built-in training stage kind and the assembly
// (models/assembly-config.ts's ASSEMBLY_KINDS) it builds and trains. A kind file builds
// STAGE_ASSEMBLY[its kind] (docs/stages.md and docs/models.md show the same table).
import type { AssemblyKind } from '../models/assembly-config.ts';

export const STAGE_ASSEMBLY = {
  'pretrain-vision': 'contrastive',
  'pretrain-lm': 'lm',
  'align-decoder': 'captioner', // progressive stage 1
  'align-adapter': 'vadapter', // progressive stage 2
  'align-resampler': 'perceiver', // the baseline
} as const satisfies Record<string, AssemblyKind>;

export type TrainingStageKind = keyof typeof STAGE_ASSEMBLY;

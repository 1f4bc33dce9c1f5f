// The common shape of an experiment spec. Stage blocks and model blocks are checked here only for
// their `kind` / `preset`; the stage kind's own schema and the model preset table check the rest
// when the stage graph is built (graph/build.ts), with positions from the same SourceMap.
import { z } from 'zod';
import { VERIFY_MODES } from '../data/verify.ts';
import { executorSchema } from './executor.ts';

export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** A stage, model or dataset name: usable in dotted paths and file names. */
export const nameSchema = z.string().regex(NAME_PATTERN).describe('a name of letters, digits, "-" and "_" starting with a letter');

const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

export const dataSchema = z.strictObject({
  train: z.record(nameSchema, z.string().min(1)).optional(), // dataset name -> directory of Arrow shards
  mixture: z.record(nameSchema, z.number().nonnegative()).optional(), // dataset name -> sampling weight
  eval: z.record(nameSchema, z.string().min(1)).optional(), // eval set name -> directory
  text: z.record(nameSchema, z.string().min(1)).optional(), // text-only corpus name -> directory (kind text), for pretrain-lm's corpus
  frames: z.number().int().positive().optional(), // frames per clip; images are repeated to this count
  tokenizer: z.string().min(1).optional(), // a Hugging Face tokenizer.json
  verify: z.enum(VERIFY_MODES).optional(), // when shards are checked against their manifest's sha256s (default first-use: once, then cached)
  synthetic: z
    .strictObject({
      root: z.string().min(1), // where the synthetic family lives (generated on first use, reused after)
      scale: z.enum(['tiny', 'small', 'medium']).default('small'),
      seed: z.number().int().nonnegative().default(0),
    })
    .optional(),
});

export const modelBlockSchema = z.looseObject({ preset: z.string().min(1) });
export const stageBlockSchema = z.looseObject({ kind: z.string().min(1) });

export const sweepSchema = z.record(z.string().min(1), z.array(z.unknown()).min(1));

export const experimentSchema = z.strictObject({
  name: nameSchema,
  seed: z.number().int().nonnegative().default(0),
  backend: z.enum(BACKENDS).default('auto'),
  plugins: z.array(z.string().min(1)).default([]), // modules that register stage kinds, relative to the spec file
  data: dataSchema.default({}),
  models: z.record(nameSchema, modelBlockSchema).default({}),
  stages: z.record(nameSchema, stageBlockSchema).refine((s) => Object.keys(s).length > 0, 'expected at least one stage'),
  sweep: sweepSchema.optional(),
  executor: executorSchema.optional(), // where stages run (config/executor.ts); never part of a fingerprint
});

export type ExperimentSpec = z.output<typeof experimentSchema>;
export type ModelBlock = z.output<typeof modelBlockSchema>;
export type StageBlock = z.output<typeof stageBlockSchema>;
export type DataBlock = z.output<typeof dataSchema>;

// The keys every training stage takes beside its own: the loop's (steps, batch, schedule,
// optimizer, clipping, cadence), the caption length and the held-out validation.
import { z } from 'zod';
import { loopSchema } from '../../train/loop.ts';

export const validationSchema = z
  .strictObject({
    sets: z.array(z.string().min(1)).optional(), // eval sets (names under data.eval) to draw from; default: every caption-eval set
    examples: z.number().int().positive().default(64), // per set, the first N in stored order
  })
  .default({ examples: 64 });
export type ValidationOptions = z.output<typeof validationSchema>;

export const trainingShape = {
  ...loopSchema.shape,
  validateEvery: z.number().int().positive().default(50), // steps between held-out losses (and after the last)
  seed: z.number().int().nonnegative().optional(), // default: the experiment's seed
  maxTokens: z.number().int().positive().default(24), // caption tokens kept (then end-of-sequence)
  validation: validationSchema,
};

/** The loop's part of a stage config. */
export function loopConfigOf(config: z.output<z.ZodObject<typeof trainingShape>>) {
  const keys = Object.keys(loopSchema.shape) as (keyof typeof loopSchema.shape)[];
  return loopSchema.parse(Object.fromEntries(keys.map((k) => [k, config[k]])));
}

/** A training stage's seed (StageKind.seed): its own `seed:` key, else the experiment's. */
export function trainingSeed(config: { seed?: number }, experiment: { seed: number }): number {
  return config.seed ?? experiment.seed;
}

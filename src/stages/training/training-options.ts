// The keys every training stage takes beside its own: the loop's (steps, batch, schedule,
// optimizer, clipping, cadence), the caption length and the held-out validation. The parsed config
// is itself the loop's config (a superset of LoopConfig), and what one update consumes is derived
// from it here alone: by the training recipe, and by report/ from the config recorded at plan time.
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

/** The training keys of a parsed stage config. */
export type TrainingConfig = z.output<z.ZodObject<typeof trainingShape>>;

/** What one update consumes: examples (micro-batch x accumulation) and text tokens per example (the caption, then end-of-sequence). */
export interface TrainingWork {
  examplesPerStep: number;
  tokensPerExample: number;
}

export function trainingWork(config: Pick<TrainingConfig, 'batchSize' | 'accumulate' | 'maxTokens'>): TrainingWork {
  return { examplesPerStep: config.batchSize * config.accumulate, tokensPerExample: config.maxTokens + 1 };
}

/** The work of a recorded parsed config (outputs.inputs.config) if it is a training stage's, else null. */
export function recordedTrainingWork(config: unknown): TrainingWork | null {
  const c = (config ?? {}) as Partial<Record<'steps' | 'batchSize' | 'accumulate' | 'maxTokens', unknown>>;
  const numbers = [c.steps, c.batchSize, c.accumulate, c.maxTokens].every((v) => typeof v === 'number');
  return numbers ? trainingWork(c as Pick<TrainingConfig, 'batchSize' | 'accumulate' | 'maxTokens'>) : null;
}

/** A training stage's seed (StageKind.seed): its own `seed:` key, else the experiment's. */
export function trainingSeed(config: { seed?: number }, experiment: { seed: number }): number {
  return config.seed ?? experiment.seed;
}

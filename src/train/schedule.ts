// Learning-rate schedules. The paper's: linear warm-up to the peak, then linear decay (Table 10:
// 5e-4 peak, 1000 warm-up steps). Steps count from 0; the rate at step s is used for update s+1.
import { z } from 'zod';

export const scheduleSchema = z
  .object({
    kind: z.enum(['warmup-linear', 'warmup-constant', 'constant']).default('warmup-linear'),
    peak: z.number().positive().default(5e-4),
    warmupSteps: z.number().int().nonnegative().default(1000),
    endFactor: z.number().min(0).max(1).default(0), // the rate at the last step, as a fraction of the peak
  })
  .strict();
export type ScheduleConfig = z.infer<typeof scheduleSchema>;

/** The learning rate for update number `step` (0-based) of `totalSteps`. */
export function learningRate(config: ScheduleConfig, step: number, totalSteps: number): number {
  const { kind, peak, warmupSteps, endFactor } = config;
  if (kind === 'constant') return peak;
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  if (kind === 'warmup-constant') return peak;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return peak * (1 - (1 - endFactor) * progress);
}

// Where stages run: the `executor` block of a spec (local child processes, the default, or Slurm
// jobs) and the Slurm resources a stage asks for. The executor block's resources are every stage's
// defaults; a stage's own `slurm` block overrides them key by key (its `extra` lines are added to
// the executor's). Neither enters a fingerprint: where a stage runs does not change what it computes.
import { z } from 'zod';
import { EXECUTORS } from './executor-kinds.ts';

/** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const SLURM_TIME = /^(\d+-\d+(:\d{2}){0,2}|\d+(:\d{2}){0,2})$/;

export const slurmResourcesSchema = z.strictObject({
  partition: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  qos: z.string().min(1).optional(),
  time: z.string().regex(SLURM_TIME, 'a Slurm time: minutes, HH:MM:SS or D-HH:MM:SS').optional(),
  cpus: z.number().int().positive().optional(), // --cpus-per-task
  mem: z.string().regex(/^\d+[KMGT]?$/, 'a size such as 4G or 500M').optional(),
  gpus: z.number().int().nonnegative().optional(), // --gres=gpu:N
  constraint: z.string().min(1).optional(),
  extra: z.array(z.string().regex(/^--?[A-Za-z]/, 'an sbatch option such as --exclusive')).optional(), // more #SBATCH lines
});


export const executorSchema = slurmResourcesSchema.extend({
  kind: z.enum(EXECUTORS).default('local'),
  grace: z.number().int().positive().default(90), // seconds before the time limit at which a Slurm job is told to checkpoint (USR1)
  poll: z.number().positive().default(2), // seconds between looks at the queue while `run` waits
});

export type SlurmResources = z.output<typeof slurmResourcesSchema>;
export type ExecutorBlock = z.output<typeof executorSchema>;

/** A stage's resources: the executor's defaults under the stage's own block. */
export function stageResources(executor: ExecutorBlock | undefined, own: SlurmResources | undefined): SlurmResources {
  const { kind: _kind, grace: _grace, poll: _poll, ...defaults }: Partial<ExecutorBlock> = executor ?? {};
  const merged: SlurmResources = { ...defaults, ...own };
  const extra = [...(defaults.extra ?? []), ...(own?.extra ?? [])];
  return extra.length > 0 ? { ...merged, extra } : { ...merged, extra: undefined };
}

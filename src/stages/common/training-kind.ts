// What every training stage kind shares beside its own schema, references and model: its seed (its
// own `seed:` key, else the experiment's), its length, how its checkpoints rank, the tensor backend
// set up before it trains, and the lifetime of the assembly it builds.
import { initBackend } from '../../backend/index.ts';
import { buildAssembly, type Assembly } from '../../models/assembly.ts';
import type { AssemblyConfigs } from '../../models/assembly_config.ts';
import { Rng } from '../../util/rng.ts';
import type { StageContext, StageKind } from '../types.ts';
import { trainingSeed } from './training-options.ts';

interface TrainingConfig {
  steps: number;
  seed?: number;
}

type KindParts<C> = Omit<StageKind<C>, 'seed' | 'totalSteps' | 'selectBy' | 'run'> & {
  /** Train, given the stage's seed; the backend is ready. */
  train(ctx: StageContext<C>, seed: number): Promise<void>;
};

export function trainingKind<C extends TrainingConfig>({ train, ...parts }: KindParts<C>): StageKind<C> {
  return {
    ...parts,
    seed: trainingSeed,
    totalSteps: (config) => config.steps,
    selectBy: { metric: 'val/loss', mode: 'min' },
    run: async (ctx) => {
      await initBackend(ctx.experiment.backend);
      await train(ctx, trainingSeed(ctx.config, ctx.experiment));
    },
  };
}

/** Build a freshly initialised assembly, hand it to `body`, and release its tensors afterwards. */
export async function withAssembly<K extends AssemblyConfigs>(configs: K, seed: number, body: (assembly: Assembly<K['kind']>) => Promise<void>): Promise<void> {
  const assembly = buildAssembly(configs, Rng.derive(seed, 'init').seed()) as Assembly<K['kind']>;
  try {
    await body(assembly);
  } finally {
    assembly.dispose();
  }
}

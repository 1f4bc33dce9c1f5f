// What every training stage kind shares beside its own schema, references and model: its seed (its
// own `seed:` key, else the experiment's), its length, how its checkpoints rank, the tensor backend
// set up before it trains. How it trains is its recipe (training-recipe.ts).
import { initBackend } from '../../backend/index.ts';
import type { ReferenceDecls, StageContext, StageKind } from '../types.ts';
import { trainingSeed } from './training-options.ts';

interface TrainingConfig {
  steps: number;
  seed?: number;
}

type KindParts<C, R extends ReferenceDecls> = Omit<StageKind<C, R>, 'seed' | 'totalSteps' | 'selectBy' | 'run'> & {
  /** Train, given the stage's seed; the backend is ready. */
  train(ctx: StageContext<C, R>, seed: number): Promise<void>;
};

export function trainingKind<C extends TrainingConfig, R extends ReferenceDecls = ReferenceDecls>({ train, ...parts }: KindParts<C, R>): StageKind<C, R> {
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

// Resume, train, checkpoint: the mechanism under the training recipe (training-recipe.ts). Resume
// from the stage's last checkpoint if there is one, train with the loop's phases, hand
// metrics/progress to the runner, and checkpoint the owned parameters, optimizer moments and data
// position. The recipe supplies the job: the assembly, its batch source and its loss.
import * as tf from '@tensorflow/tfjs-core';
import { FROZEN_COMPONENTS, type Assembly } from '../../models/assembly.ts';
import type { MixturePosition } from '../../data/mixture.ts';
import { TrainLoop, type BatchSize, type LoopConfig, type PeriodicMeasure } from '../../train/loop.ts';
import { restoreLoop, snapshotLoop, toHost, type HostTensor } from '../../train/snapshot.ts';
import type { StageContext } from '../types.ts';
import type { BatchSource } from './batch-sources.ts';
import type { ComponentSource } from '../../ckpt/layout.ts';
import { kernelSet } from '../../backend/index.ts';
import { checkpointFiles, kernelsWarning, readTrainCheckpoint } from './train-checkpoint.ts';

/** What the driver reads of an assembly (its loss comes through `job.loss`). */
type AssemblyParts = Pick<Assembly, 'configs' | 'params' | 'components' | 'trainable'>;

export interface TrainingJob<B> {
  assembly: AssemblyParts;
  sources: Record<string, ComponentSource>; // components loaded from upstream stages
  loop: LoopConfig;
  openBatches(position: MixturePosition | undefined): Promise<BatchSource<B>>;
  loss(batch: B): tf.Scalar; // host batch -> the assembly's loss
  size(batch: B): BatchSize;
  periodic: PeriodicMeasure[]; // held-out loss, generation metrics: also measured at step 0 of a fresh run
}

/** Host copies of every parameter of the components the stage owns (the ones not frozen). */
async function ownedParams(assembly: AssemblyParts): Promise<Map<string, HostTensor>> {
  const frozen = new Set(FROZEN_COMPONENTS[assembly.configs.kind]);
  const out = new Map<string, HostTensor>();
  for (const [component, names] of Object.entries(assembly.components)) {
    if (frozen.has(component)) continue;
    for (const name of names) out.set(name, await toHost(assembly.params.get(name)!));
  }
  return out;
}

export async function runTraining<B>(ctx: StageContext<unknown>, job: TrainingJob<B>): Promise<void> {
  const resumed = ctx.resume ? readTrainCheckpoint(ctx.resume.dir) : undefined;
  const batches = await job.openBatches(resumed?.data as MixturePosition | undefined);
  const loop = new TrainLoop(job.loop, {
    params: job.assembly.params,
    trainable: job.assembly.trainable,
    nextBatch: () => batches.next(),
    loss: (b) => job.loss(b),
    size: (b) => job.size(b),
    groups: job.assembly.components, // grad_norm/<component> for each component with trainable parameters
  });
  try {
    if (resumed) {
      restoreLoop(loop, resumed.snapshot);
      ctx.log(`resumed at step ${loop.position.step} from ${ctx.resume!.dir}`);
      const warning = kernelsWarning(resumed.kernels, kernelSet());
      if (warning) ctx.log(warning);
    }
    if (!resumed) for (const p of job.periodic) ctx.metrics.log(0, await p.run(0)); // curves start before any update
    const meta = { configs: job.assembly.configs, sources: job.sources };
    await loop.run({
      metrics: (step, values) => ctx.metrics.log(step, values),
      progress: (step, total, fields) => ctx.progress(step, total, fields),
      periodic: job.periodic,
      checkpoint: async (step) => {
        ctx.checkpoint.save(step, checkpointFiles(await ownedParams(job.assembly), await snapshotLoop(loop), meta, batches.position(), kernelSet()));
      },
      signal: ctx.signal,
    });
  } finally {
    loop.dispose();
    await batches.close();
  }
}

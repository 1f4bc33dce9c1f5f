// Timed AdamW training steps of the benchmark transformer on the active tfjs backend, with
// vadapter's optimizer set as torch.optim.AdamW is (decoupled weight decay on every parameter).
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, adamwSchema } from '../../src/train/adamw.ts';
import { timeSteps, type Timing, type TimingPlan } from '../timing.ts';
import { TRANSFORMER_STEP as C } from './config.ts';
import { initParams, loss, makeBatch, type Params } from './model.ts';

export interface StepRun extends Timing {
  firstLoss: number;
}

/** One training step (forward, backward, AdamW); returns the loss before the update. */
async function trainStep(params: Params, opt: AdamW, batch: ReturnType<typeof makeBatch>): Promise<number> {
  const { value, grads } = tf.variableGrads(() => loss(params, batch.inputs, batch.targets));
  opt.apply(params, new Map(Object.entries(grads)), C.lr);
  const lossValue = (await value.data())[0];
  tf.dispose([value, ...Object.values(grads)]);
  return lossValue;
}

/** A fresh model, timed over `plan`; with `profile`, a last step runs under it. Everything is disposed. */
export async function runSteps(plan: TimingPlan, profile?: (step: () => void) => Promise<void>): Promise<StepRun> {
  const params = initParams();
  const opt = new AdamW(adamwSchema.parse({ weightDecay: C.weightDecay, decayMinRank: 0 }), params);
  const batch = makeBatch();
  try {
    const firstLoss = await trainStep(params, opt, batch);
    const timing = await timeSteps(() => trainStep(params, opt, batch), { ...plan, warmup: Math.max(0, plan.warmup - 1) });
    if (profile) await profile(() => trainStep(params, opt, batch));
    return { ...timing, firstLoss };
  } finally {
    opt.dispose();
    tf.dispose([...params.values(), batch.inputs, batch.targets]);
  }
}

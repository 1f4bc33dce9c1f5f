// The training loop as named phases: fetch a batch, compute gradients (accumulated over micro-
// batches), guard against NaN/Inf, clip, update, then maybe log, maybe measure, maybe checkpoint.
// It knows nothing of models: a task supplies the parameters, the loss and the batches.
import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { AdamW, adamwSchema } from './adamw.ts';
import { clipWithNorms } from './clip.ts';
import { learningRate, scheduleSchema } from './schedule.ts';

export const loopSchema = z
  .object({
    steps: z.number().int().positive(),
    batchSize: z.number().int().positive().default(8), // examples per micro-batch
    accumulate: z.number().int().positive().default(1), // micro-batches per update
    clipNorm: z.number().positive().optional(),
    schedule: scheduleSchema.default(scheduleSchema.parse({})),
    optimizer: adamwSchema.default(adamwSchema.parse({})),
    logEvery: z.number().int().positive().default(10),
    checkpointEvery: z.number().int().positive().optional(),
    onNonFinite: z.enum(['stop', 'skip']).default('stop'),
  })
  .strict();
export type LoopConfig = z.infer<typeof loopSchema>;

export interface BatchSize {
  examples: number;
  tokens: number;
}

export interface TrainTask<B> {
  params: Map<string, tf.Variable>; // every parameter the loss reads
  trainable: string[]; // names in `params` that the optimizer updates; the rest are frozen
  nextBatch(): Promise<B>; // host-side data; the task converts it to tensors inside `loss`
  loss(batch: B): tf.Scalar; // called inside tf.variableGrads
  size(batch: B): BatchSize;
  groups?: Record<string, string[]>; // named groups of parameters (an assembly's components): `grad_norm/<group>` at log steps, for groups with trainable names
}

/** Something measured every `every` steps and after the last (held-out loss, generation metrics). */
export interface PeriodicMeasure {
  every: number;
  run(step: number): Promise<Record<string, number>>;
}

export interface LoopHooks {
  metrics(step: number, values: Record<string, number>): void;
  periodic?: PeriodicMeasure[];
  checkpoint?(step: number): Promise<void>;
  progress?(step: number, total: number, fields: Record<string, number>): void;
  signal?: AbortSignal;
}

export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly gradNorm: number,
  ) {
    super(`training diverged at step ${step}: loss ${loss}, gradient norm ${gradNorm} (set onNonFinite: skip to skip such batches)`);
    this.name = 'NonFiniteLossError';
  }
}

export class TrainInterrupted extends Error {
  constructor(readonly step: number) {
    super(`training interrupted at step ${step}`);
    this.name = 'TrainInterrupted';
  }
}

/** Mutable loop position, part of every checkpoint. */
export interface LoopPosition {
  step: number; // completed steps (updates applied or skipped)
  skipped: number; // steps skipped for a non-finite loss
  unlogged: UnloggedSums; // so that a loop resumed between two logs logs the same means
}

/** Sums over the updates since training metrics were last logged. */
export interface UnloggedSums {
  updates: number; // steps not skipped
  loss: number;
  gradNorm: number;
}

export function noUnlogged(): UnloggedSums {
  return { updates: 0, loss: 0, gradNorm: 0 };
}

interface StepOutcome {
  loss: number;
  gradNorm: number;
  size: BatchSize;
  dataMs: number; // waiting for batches
  computeMs: number; // gradients, clipping and the update: the tensor work
  skipped: boolean;
  groupNorms?: Record<string, number>; // pre-clip gradient norm per group, at steps that log (`grad_norm/<group>`)
}

/** Sum of per-micro-batch gradients of loss/accumulate, and the mean loss. */
async function accumulateGradients<B>(task: TrainTask<B>, vars: tf.Variable[], accumulate: number) {
  let grads: Map<string, tf.Tensor> | undefined;
  let lossSum = 0;
  let dataMs = 0;
  let computeMs = 0;
  const size: BatchSize = { examples: 0, tokens: 0 };
  for (let micro = 0; micro < accumulate; micro++) {
    const t0 = performance.now();
    const batch = await task.nextBatch();
    dataMs += performance.now() - t0;
    const s = task.size(batch);
    size.examples += s.examples;
    size.tokens += s.tokens;
    const t1 = performance.now();
    const { value, grads: g } = tf.variableGrads(() => tf.tidy(() => tf.div(task.loss(batch), accumulate) as tf.Scalar), vars);
    lossSum += (await value.data())[0] * accumulate; // read asynchronously: GPU backends have no synchronous readback in Node
    value.dispose();
    grads = mergeGradients(grads, g);
    computeMs += performance.now() - t1;
  }
  return { grads: grads ?? new Map<string, tf.Tensor>(), loss: lossSum / accumulate, size, dataMs, computeMs };
}

function mergeGradients(into: Map<string, tf.Tensor> | undefined, add: tf.NamedTensorMap): Map<string, tf.Tensor> {
  if (!into) return new Map(Object.entries(add));
  for (const [name, g] of Object.entries(add)) {
    const prev = into.get(name);
    into.set(name, prev ? tf.add(prev, g) : g);
    if (prev) {
      prev.dispose();
      g.dispose();
    }
  }
  return into;
}

export class TrainLoop<B> {
  readonly optimizer: AdamW;
  readonly position: LoopPosition = { step: 0, skipped: 0, unlogged: noUnlogged() };
  private readonly trainableParams: Map<string, tf.Variable>;
  private readonly groups: [string, string[]][]; // task.groups cut to trainable names, empty groups left out

  constructor(
    readonly config: LoopConfig,
    readonly task: TrainTask<B>,
  ) {
    this.trainableParams = new Map(task.trainable.map((name) => [name, mustGet(task.params, name)]));
    this.optimizer = new AdamW(config.optimizer, this.trainableParams);
    this.groups = Object.entries(task.groups ?? {})
      .map(([group, names]): [string, string[]] => [group, names.filter((n) => this.trainableParams.has(n))])
      .filter(([, names]) => names.length > 0);
  }

  /** Whether the loop logs training metrics after `step` completed steps. */
  private logsAt(step: number): boolean {
    return step % this.config.logEvery === 0 || step === this.config.steps;
  }

  /** One update: gradients, guard, clip, apply. */
  async step(): Promise<StepOutcome> {
    const vars = [...this.trainableParams.values()];
    const { grads, loss, size, dataMs, computeMs } = await accumulateGradients(this.task, vars, this.config.accumulate);
    const named = renameByParameter(grads, this.trainableParams);
    const t0 = performance.now();
    // group norms only at steps that log: read with the global norm, in the readback every step has
    const groups = this.logsAt(this.position.step + 1) ? this.groups : [];
    let groupNorms: Record<string, number> | undefined;
    const outcome = (gradNorm: number, skipped: boolean): StepOutcome => ({ loss, gradNorm, size, dataMs, computeMs: computeMs + performance.now() - t0, skipped, ...(groupNorms ? { groupNorms } : {}) });
    try {
      const norms = await clipWithNorms(named, this.config.clipNorm, groups.map(([, names]) => names));
      const gradNorm = norms.norm;
      if (groups.length > 0) groupNorms = Object.fromEntries(groups.map(([group], i) => [group, norms.groups[i]]));
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        if (this.config.onNonFinite === 'stop') throw new NonFiniteLossError(this.position.step + 1, loss, gradNorm);
        this.position.skipped++;
        return outcome(gradNorm, true);
      }
      const lr = learningRate(this.config.schedule, this.position.step, this.config.steps);
      this.optimizer.apply(this.trainableParams, named, lr);
      const sums = this.position.unlogged;
      Object.assign(sums, { updates: sums.updates + 1, loss: sums.loss + loss, gradNorm: sums.gradNorm + gradNorm });
      return outcome(gradNorm, false);
    } finally {
      for (const g of named.values()) g.dispose();
      this.position.step++;
    }
  }

  /** Train until `config.steps`, starting from the current position (a resumed loop continues). */
  async run(hooks: LoopHooks): Promise<void> {
    const window = new MetricWindow();
    let checkpointed = this.position.step; // a resumed loop starts at a checkpoint
    while (this.position.step < this.config.steps) {
      if (hooks.signal?.aborted) {
        // stopped (Ctrl-C, a cluster's time limit or preemption): keep the steps done so far
        if (hooks.checkpoint && this.position.step > checkpointed) await hooks.checkpoint(this.position.step);
        throw new TrainInterrupted(this.position.step);
      }
      const lr = learningRate(this.config.schedule, this.position.step, this.config.steps);
      const outcome = await this.step();
      window.add(outcome);
      if (await this.afterStep(hooks, window, lr, outcome)) checkpointed = this.position.step;
    }
  }

  /** Log, measure and maybe checkpoint after a step; whether it checkpointed. */
  private async afterStep(hooks: LoopHooks, window: MetricWindow, lr: number, outcome: StepOutcome): Promise<boolean> {
    const { step } = this.position;
    const { checkpointEvery, steps } = this.config;
    const last = step === steps;
    if (this.logsAt(step)) {
      const perGroup = Object.fromEntries(Object.entries(outcome.groupNorms ?? {}).map(([group, norm]) => [`grad_norm/${group}`, norm]));
      const { updates, loss, gradNorm } = this.position.unlogged;
      const means = { 'train/loss': updates > 0 ? loss / updates : NaN, 'train/grad_norm': updates > 0 ? gradNorm / updates : NaN };
      const values = { ...means, ...window.summary(), 'train/lr': lr, 'train/skipped': this.position.skipped, ...perGroup };
      hooks.metrics(step, values);
      hooks.progress?.(step, steps, { loss: values['train/loss'] });
      this.position.unlogged = noUnlogged();
      window.reset();
    }
    for (const p of hooks.periodic ?? []) if (step % p.every === 0 || last) hooks.metrics(step, await p.run(step));
    if (hooks.checkpoint && ((checkpointEvery && step % checkpointEvery === 0) || last)) {
      await hooks.checkpoint(step);
      return true;
    }
    return false;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** tf.variableGrads keys gradients by the tfjs variable name; re-key them by parameter name. */
function renameByParameter(grads: Map<string, tf.Tensor>, params: Map<string, tf.Variable>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, p] of params) {
    const g = grads.get(p.name);
    if (g) out.set(name, g);
  }
  return out;
}

function mustGet<K, V>(map: Map<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`no parameter named ${String(key)}`);
  return value;
}

/** Throughput and time shares between two metric logs (of this process: they restart on resume). */
class MetricWindow {
  private examples = 0;
  private tokens = 0;
  private dataMs = 0;
  private computeMs = 0;
  private start = performance.now();

  add(o: StepOutcome): void {
    this.examples += o.size.examples;
    this.tokens += o.size.tokens;
    this.dataMs += o.dataMs;
    this.computeMs += o.computeMs;
  }

  summary(): Record<string, number> {
    const seconds = Math.max(1e-9, (performance.now() - this.start) / 1000);
    return {
      'train/examples_per_s': this.examples / seconds,
      'train/tokens_per_s': this.tokens / seconds,
      'train/data_share': this.dataMs / 1000 / seconds, // waiting for batches
      'train/compute_share': this.computeMs / 1000 / seconds, // tensor work; the rest is bookkeeping (logging, measuring, checkpoints)
    };
  }

  reset(): void {
    Object.assign(this, { examples: 0, tokens: 0, dataMs: 0, computeMs: 0, start: performance.now() });
  }
}

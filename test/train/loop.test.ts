import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import { initBackend } from '../../src/backend/index.ts';
import { TrainInterrupted, TrainLoop, loopSchema, NonFiniteLossError, type LoopConfig } from '../../src/train/loop.ts';
import { snapshotLoop, restoreLoop, type LoopSnapshot } from '../../src/train/snapshot.ts';
import { learningRate, scheduleSchema } from '../../src/train/schedule.ts';
import { clipByGlobalNorm, clipWithNorms } from '../../src/train/clip.ts';
import { AdamW, adamwSchema } from '../../src/train/adamw.ts';
import { disposeParams, regressionTask } from './fixtures.ts';

before(async () => {
  await initBackend('cpu');
});

const cfg = (over: Partial<z.input<typeof loopSchema>> & { steps: number }): LoopConfig =>
  loopSchema.parse({ schedule: { peak: 0.05, warmupSteps: 5 }, optimizer: { weightDecay: 0 }, ...over });

const noHooks = { metrics: () => {} };

function values(map: Map<string, tf.Variable>, name: string): number[] {
  return Array.from(map.get(name)!.dataSync());
}

test('warm-up then linear decay reaches the peak and ends at endFactor', () => {
  const s = scheduleSchema.parse({ peak: 1e-3, warmupSteps: 4, endFactor: 0.1 });
  // warm-up: (step+1)/4 of the peak
  assert.equal(learningRate(s, 0, 14), 0.25e-3);
  assert.equal(learningRate(s, 3, 14), 1e-3);
  // decay over the 10 remaining steps: at step 9 half-way, 1 - 0.9*0.5 = 0.55 of the peak
  assert.ok(Math.abs(learningRate(s, 9, 14) - 0.55e-3) < 1e-12);
  assert.ok(Math.abs(learningRate(s, 14, 14) - 0.1e-3) < 1e-12);
  assert.equal(learningRate(scheduleSchema.parse({ kind: 'constant', peak: 2 }), 100, 10), 2);
});

test('AdamW first updates match the closed form, with decoupled weight decay on matrices only', () => {
  const task = regressionTask(1);
  const loop = new TrainLoop(loopSchema.parse({ steps: 2, schedule: { kind: 'constant', peak: 0.1 }, optimizer: { weightDecay: 0.5 } }), task);
  const w = task.params.get('w')!;
  w.assign(tf.ones([4, 1]));
  const g = new Map<string, tf.Tensor>([
    ['w', tf.fill([4, 1], 2)],
    ['b', tf.fill([1], -3)],
  ]);
  loop.optimizer.apply(new Map([['w', w], ['b', task.params.get('b')!]]), g, 0.1);
  // step 1: m_hat = g, v_hat = g^2, so the Adam step is g/(|g|+eps) ~ sign(g);
  // w: 1 - 0.1*(1 + 0.5*1) = 0.85 (decay applies: rank 2);  b: 0 - 0.1*(-1) = 0.1 (rank 1: no decay)
  assert.ok(values(task.params, 'w').every((v) => Math.abs(v - 0.85) < 1e-6));
  assert.ok(Math.abs(values(task.params, 'b')[0] - 0.1) < 1e-6);
  loop.dispose();
  disposeParams(task.params);
  for (const t of g.values()) t.dispose();
});

test('the loop learns a linear regression and leaves frozen parameters alone', async () => {
  const task = regressionTask(2);
  const loop = new TrainLoop(cfg({ steps: 300, schedule: { peak: 0.1, warmupSteps: 5, endFactor: 0.1 } }), task);
  const logged: Record<string, number>[] = [];
  await loop.run({ metrics: (_s, v) => logged.push(v) });
  const w = values(task.params, 'w');
  [1.5, -2, 0.5, 3].forEach((t, i) => assert.ok(Math.abs(w[i] - t) < 0.05, `w[${i}]=${w[i]}`));
  assert.deepEqual(values(task.params, 'frozen'), [1]);
  assert.ok(logged[0]['train/loss'] > 10 * logged.at(-1)!['train/loss']);
  for (const m of logged) {
    assert.ok(m['train/compute_share'] > 0 && m['train/data_share'] >= 0, 'time shares are measured');
    assert.ok(m['train/compute_share'] + m['train/data_share'] <= 1.0001, 'the shares of one window add up to at most 1');
  }
  assert.equal(loop.position.step, 300);
  loop.dispose();
  disposeParams(task.params);
});

test('gradient accumulation over 4 micro-batches of 2 equals one batch of 8', async () => {
  const big = regressionTask(3, 8);
  const small = regressionTask(3, 2);
  // the small task's micro-batches 0..3 must hold the rows of the big task's batch 0
  const rows = big.batchAt(0);
  small.nextBatch = async () => {
    const i = small.cursor();
    small.seek(i + 1);
    return { x: rows.x.slice(i * 8, i * 8 + 8), y: rows.y.slice(i * 2, i * 2 + 2), batch: 2 };
  };
  const a = new TrainLoop(cfg({ steps: 1, batchSize: 8 }), big);
  const b = new TrainLoop(cfg({ steps: 1, batchSize: 2, accumulate: 4 }), small);
  const oa = await a.step();
  const ob = await b.step();
  assert.ok(Math.abs(oa.loss - ob.loss) < 1e-5, `${oa.loss} vs ${ob.loss}`);
  assert.ok(Math.abs(oa.gradNorm - ob.gradNorm) < 1e-4 * oa.gradNorm);
  values(big.params, 'w').forEach((v, i) => assert.ok(Math.abs(v - values(small.params, 'w')[i]) < 1e-6));
  for (const [l, t] of [[a, big], [b, small]] as const) {
    l.dispose();
    disposeParams(t.params);
  }
});

test('clipping by global norm scales every gradient by maxNorm/norm and returns the raw norm', async () => {
  const grads = new Map<string, tf.Tensor>([
    ['a', tf.tensor1d([3])],
    ['b', tf.tensor2d([[0, 4]])],
  ]);
  assert.equal(await clipByGlobalNorm(grads, 1), 5); // sqrt(3^2 + 4^2)
  assert.ok(Math.abs(grads.get('a')!.dataSync()[0] - 0.6) < 1e-7);
  assert.deepEqual(Array.from(grads.get('b')!.dataSync()).map((v) => Math.round(v * 1e6) / 1e6), [0, 0.8]);
  assert.equal(await clipByGlobalNorm(grads, 10), 1); // under the limit: unchanged
  assert.equal(await clipByGlobalNorm(new Map(), 1), 0, 'no gradients: norm 0');
  assert.ok(Math.abs(grads.get('a')!.dataSync()[0] - 0.6) < 1e-7);
  for (const g of grads.values()) g.dispose();

  const more = new Map<string, tf.Tensor>([
    ['a', tf.tensor1d([3])],
    ['b', tf.tensor2d([[0, 4]])],
  ]);
  const before = tf.memory().numTensors;
  const r = await clipWithNorms(more, 1, [['a'], ['b'], ['a', 'missing'], []]);
  assert.deepEqual(r, { norm: 5, groups: [3, 4, 3, 0] }, 'pre-clip norms of each group; names without a gradient are left out');
  assert.ok(Math.abs(more.get('b')!.dataSync()[1] - 0.8) < 1e-7, 'clipped as clipByGlobalNorm clips');
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  for (const g of more.values()) g.dispose();
});

test('a non-finite loss stops the stage with its step, or is skipped by config', async () => {
  const task = regressionTask(5, 8, { poison: 3 });
  const loop = new TrainLoop(cfg({ steps: 10 }), task);
  await assert.rejects(loop.run(noHooks), (err: unknown) => err instanceof NonFiniteLossError && err.step === 4 && Number.isNaN(err.loss));
  loop.dispose();
  disposeParams(task.params);

  const task2 = regressionTask(5, 8, { poison: 3 });
  const loop2 = new TrainLoop(cfg({ steps: 10, onNonFinite: 'skip' }), task2);
  await loop2.run(noHooks);
  assert.equal(loop2.position.skipped, 1);
  assert.equal(loop2.optimizer.state.step, 9);
  assert.ok(values(task2.params, 'w').every(Number.isFinite));
  loop2.dispose();
  disposeParams(task2.params);
});

test('tensor memory stays flat over many steps', async () => {
  const task = regressionTask(6);
  task.groups = { weights: ['w'], bias: ['b'] }; // group norms at the log steps too
  const loop = new TrainLoop(cfg({ steps: 400, clipNorm: 1, logEvery: 7 }), task);
  await loop.step();
  const before = tf.memory().numTensors;
  await loop.run(noHooks);
  assert.equal(tf.memory().numTensors, before);
  loop.dispose();
  disposeParams(task.params);
});

/** Hooks that keep the training means each log step reports (the clock-based rates differ from run to run). */
function meansLog(): { hooks: { metrics: (step: number, v: Record<string, number>) => void }; logged: [number, number, number][] } {
  const logged: [number, number, number][] = [];
  return { hooks: { metrics: (step, v) => void (v['train/loss'] !== undefined && logged.push([step, v['train/loss'], v['train/grad_norm']])) }, logged };
}

test('a loop restored from a snapshot between two logs continues bit-identically, and logs the same means', async () => {
  const straight = regressionTask(7);
  const full = new TrainLoop(cfg({ steps: 20, logEvery: 4 }), straight);
  const fullLog = meansLog();
  await full.run(fullLog.hooks);

  const first = regressionTask(7);
  first.groups = { weights: ['w'], bias: ['b'] }; // group norms measured on one side only: no effect on the result
  const half = new TrainLoop(cfg({ steps: 20, logEvery: 4, checkpointEvery: 9 }), first);
  const stop = new AbortController();
  let snap: LoopSnapshot | undefined;
  let cursor = 0;
  const checkpoint = async () => {
    snap ??= await snapshotLoop(half);
    cursor = first.cursor();
    stop.abort(); // as if killed right after the checkpoint at step 9
  };
  await assert.rejects(half.run({ metrics: () => {}, checkpoint, signal: stop.signal }), TrainInterrupted);

  const second = regressionTask(7);
  second.groups = first.groups;
  const resumed = new TrainLoop(cfg({ steps: 20, logEvery: 4 }), second);
  restoreLoop(resumed, { ...snap!, position: JSON.parse(JSON.stringify(snap!.position)) }); // the position as state.json keeps it
  second.seek(cursor);
  const resumedLog = meansLog();
  await resumed.run(resumedLog.hooks);
  assert.deepEqual(values(second.params, 'w'), values(straight.params, 'w'));
  assert.deepEqual(values(second.params, 'b'), values(straight.params, 'b'));
  assert.deepEqual((await snapshotLoop(resumed)).moments.get('v.w')!.data, (await snapshotLoop(full)).moments.get('v.w')!.data);
  assert.deepEqual(resumedLog.logged, fullLog.logged.filter(([step]) => step > 9), 'the means at steps 12, 16 and 20 (step 12\'s over steps 9-12, step 9 taken before the snapshot)');
  for (const [l, t] of [[full, straight], [half, first], [resumed, second]] as const) {
    l.dispose();
    disposeParams(t.params);
  }
});

test('a loop stopped between checkpoints checkpoints where it stopped, and resuming there ends bit-identically', async () => {
  const straight = regressionTask(5);
  const full = new TrainLoop(cfg({ steps: 16, logEvery: 1 }), straight);
  await full.run({ metrics: () => {} });

  const first = regressionTask(5);
  const half = new TrainLoop(cfg({ steps: 16, logEvery: 1, checkpointEvery: 10 }), first);
  const stop = new AbortController();
  const saved: number[] = [];
  let snap: LoopSnapshot | undefined;
  let cursor = 0;
  const checkpoint = async (step: number) => {
    saved.push(step);
    snap = await snapshotLoop(half);
    cursor = first.cursor();
  };
  const metrics = (step: number) => void (step === 13 && stop.abort()); // Ctrl-C, or a cluster's USR1, during step 13
  await assert.rejects(half.run({ metrics, checkpoint, signal: stop.signal }), TrainInterrupted);
  assert.deepEqual(saved, [10, 13], 'the every-10 checkpoint, then one at the stop');

  const second = regressionTask(5);
  const resumed = new TrainLoop(cfg({ steps: 16, logEvery: 1 }), second);
  restoreLoop(resumed, { ...snap!, position: JSON.parse(JSON.stringify(snap!.position)) });
  second.seek(cursor);
  await resumed.run({ metrics: () => {} });
  assert.deepEqual(values(second.params, 'w'), values(straight.params, 'w'));
  assert.deepEqual(values(second.params, 'b'), values(straight.params, 'b'));
  for (const [l, t] of [[full, straight], [half, first], [resumed, second]] as const) {
    l.dispose();
    disposeParams(t.params);
  }
});

/** Norm over `grads` computed on the host, in float64. */
function hostNorm(grads: tf.Tensor[]): number {
  return Math.sqrt(grads.reduce((s, g) => s + Array.from(g.dataSync()).reduce((a, v) => a + v * v, 0), 0));
}

test('grad_norm/<group> at log steps is the pre-clip norm of a direct tf.variableGrads, and the squares add up to the total', async () => {
  const task = regressionTask(8);
  task.groups = { weights: ['w'], bias: ['b', 'frozen'], fixed: ['frozen'] }; // `fixed` has nothing trainable: no key
  const loop = new TrainLoop(cfg({ steps: 5, logEvery: 2, clipNorm: 0.5 }), task);
  const w = task.params.get('w')!;
  const b = task.params.get('b')!;
  for (let step = 1; step <= 5; step++) {
    const batch = task.batchAt(task.cursor());
    const { value, grads } = tf.variableGrads(() => task.loss(batch), [w, b]);
    const expected = { weights: hostNorm([grads[w.name]]), bias: hostNorm([grads[b.name]]) };
    tf.dispose([value, ...Object.values(grads)]);
    const outcome = await loop.step();
    if (step % 2 !== 0 && step !== 5) {
      assert.equal(outcome.groupNorms, undefined, `step ${step} does not log: no group norms measured`);
      continue;
    }
    const got = outcome.groupNorms!;
    assert.deepEqual(Object.keys(got).sort(), ['bias', 'weights']);
    assert.ok(outcome.gradNorm > 0.5, 'the norms are taken before clipping (this one is clipped)');
    for (const k of ['weights', 'bias'] as const) assert.ok(Math.abs(got[k] - expected[k]) <= 1e-5 * expected[k], `step ${step} ${k}: ${got[k]} vs ${expected[k]}`);
    const squares = got.weights ** 2 + got.bias ** 2;
    assert.ok(Math.abs(squares - outcome.gradNorm ** 2) <= 1e-5 * outcome.gradNorm ** 2, `${squares} vs ${outcome.gradNorm ** 2}`);
  }
  loop.dispose();
  disposeParams(task.params);

  const logged: [number, Record<string, number>][] = [];
  const task2 = regressionTask(8);
  task2.groups = task.groups;
  const loop2 = new TrainLoop(cfg({ steps: 5, logEvery: 2 }), task2);
  await loop2.run({ metrics: (step, v) => logged.push([step, v]) });
  assert.deepEqual(logged.map(([step]) => step), [2, 4, 5]);
  for (const [, v] of logged) {
    assert.ok(v['grad_norm/weights'] > 0 && v['grad_norm/bias'] > 0);
    assert.ok(!('grad_norm/fixed' in v));
  }
  loop2.dispose();
  disposeParams(task2.params);
});

test('group norms change no parameter and add no readback', async () => {
  const original = tf.Tensor.prototype.data;
  let reads = 0;
  tf.Tensor.prototype.data = function (this: tf.Tensor) {
    reads++;
    return original.call(this);
  } as typeof original;
  const runOnce = async (groups: Record<string, string[]> | undefined) => {
    const task = regressionTask(9);
    if (groups) task.groups = groups;
    const loop = new TrainLoop(cfg({ steps: 12, logEvery: 3, clipNorm: 0.5 }), task);
    reads = 0;
    await loop.run(noHooks);
    const out = { reads, w: values(task.params, 'w'), b: values(task.params, 'b'), v: (await snapshotLoop(loop)).moments.get('v.w')!.data };
    loop.dispose();
    disposeParams(task.params);
    return out;
  };
  try {
    const plain = await runOnce(undefined);
    const grouped = await runOnce({ weights: ['w'], bias: ['b'] });
    assert.equal(grouped.reads, plain.reads, 'the group norms come back with the global norm');
    assert.equal(plain.reads, 12 * 2, 'one loss and one norm per step');
    assert.deepEqual(grouped.w, plain.w);
    assert.deepEqual(grouped.b, plain.b);
    assert.deepEqual(grouped.v, plain.v);
  } finally {
    tf.Tensor.prototype.data = original;
  }
});

test('an AdamW created and disposed leaves no tensor behind; its moments start at zero', () => {
  const params = new Map([['w', tf.variable(tf.ones([3, 2]))], ['b', tf.variable(tf.ones([2]))]]);
  const before = tf.memory().numTensors;
  const opt = new AdamW(adamwSchema.parse({}), params);
  assert.equal(tf.memory().numTensors, before + 4); // m and v of each parameter, nothing else
  assert.deepEqual(opt.state.m.get('w')!.arraySync(), [[0, 0], [0, 0], [0, 0]]);
  opt.dispose();
  assert.equal(tf.memory().numTensors, before);
  disposeParams(params);
});

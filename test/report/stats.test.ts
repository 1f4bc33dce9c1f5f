import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema, summarize, t975 } from '../../src/report/stats.ts';
import { elapsedAt } from '../../src/report/x-axis.ts';
import { metricMode } from '../../src/report/metric-mode.ts';
import { differingKeys, shortKeys } from '../../src/report/spec-values.ts';

const near = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) < tol, `${a} != ${b}`);

test('EMA is debiased: it starts at the first value; weight 0 returns the values', () => {
  const out = ema([4, 3, 2], 0.5);
  assert.equal(out[0], 4);
  near(out[1], 2.5 / 0.75); // (0.5*0.5*4 + 0.5*3) / (1 - 0.25)
  near(out[2], 2.25 / 0.875);
  assert.deepEqual(ema([4, 3, 2], 0), [4, 3, 2]);
});

test('Student t quantiles: the table, then the expansion matching t(0.975, 40) = 2.021 and t(0.975, 120) = 1.980', () => {
  assert.equal(t975(1), 12.706);
  assert.equal(t975(4), 2.776);
  near(t975(40), 2.021, 1e-3);
  near(t975(120), 1.98, 1e-3);
});

test('bands: min-max, the 95% CI of the mean, none; one seed has no width', () => {
  assert.deepEqual(summarize([1, 2, 6], 'minmax'), { mean: 3, lo: 1, hi: 6 });
  const ci = summarize([1, 2, 6], 'ci95'); // sd = sqrt(7), half = 4.303 * sqrt(7) / sqrt(3)
  near(ci.hi - 3, (4.303 * Math.sqrt(7)) / Math.sqrt(3));
  near(3 - ci.lo, ci.hi - 3);
  assert.deepEqual(summarize([1, 2, 6], 'none'), { mean: 3, lo: 3, hi: 3 });
  assert.deepEqual(summarize([5], 'ci95'), { mean: 5, lo: 5, hi: 5 });
});

test('wall time at a step: linear between logged steps, clamped at the ends', () => {
  const clock = [{ step: 0, wallTime: 100 }, { step: 10, wallTime: 110 }, { step: 20, wallTime: 130 }];
  assert.equal(elapsedAt(clock, 15), 20);
  assert.equal(elapsedAt(clock, 20), 30);
  assert.equal(elapsedAt(clock, 50), 30);
  assert.equal(elapsedAt([], 5), null);
});

test('direction from the metric name', () => {
  assert.deepEqual(metricMode('val/coco/loss'), { mode: 'min', known: true });
  assert.deepEqual(metricMode('vadapter/eval/coco/CIDEr'), { mode: 'max', known: true });
  assert.deepEqual(metricMode('eval/vqa/accuracy/yes/no'), { mode: 'max', known: true }); // per answer type
  assert.deepEqual(metricMode('train/lr'), { mode: 'min', known: false });
  assert.deepEqual(metricMode('train/examples_per_s'), { mode: 'max', known: true });
  assert.deepEqual(metricMode('val/gap'), { mode: 'max', known: true }); // image dependence: larger is better
  assert.deepEqual(metricMode('val/loss_shuffled'), { mode: 'min', known: true });
  assert.deepEqual(metricMode('eval/coco/distinct'), { mode: 'max', known: true });
  assert.deepEqual(metricMode('eval/vqav2/top_answer_share'), { mode: 'min', known: true });
});

test('group keys: leaves that differ, seeds and the sweep block aside; shortest unambiguous names', () => {
  const a = { seed: 0, models: { vit: { preset: 'vit-tiny' }, tlm: { preset: 'lm-tiny' } }, stages: { s: { seed: 1, steps: 10 } }, sweep: { seeds: [0, 1] } };
  const b = { seed: 1, models: { vit: { preset: 'vit-small' }, tlm: { preset: 'lm-small' } }, stages: { s: { seed: 2, steps: 10 } }, sweep: { seeds: [0, 2] } };
  assert.deepEqual(differingKeys([a, b]), ['models.vit.preset', 'models.tlm.preset']);
  assert.deepEqual([...shortKeys(['models.vit.preset', 'models.tlm.preset', 'stages.s.steps']).values()], ['vit.preset', 'tlm.preset', 'steps']);
});

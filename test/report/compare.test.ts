import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, type CompareOptions } from '../../src/report/compare.ts';
import { parseReferences } from '../../src/report/references.ts';
import { summarizeAssembly } from '../../src/models/summary.ts';
import type { Db } from '../../src/track/db.ts';
import { BASELINE_CONFIGS, STEPS, addRun, fingerprint, freshReportDb, logSeries, quickDb, quickTrial } from './helpers.ts';

const BASE: CompareOptions = { metrics: ['val/loss'], x: 'step', smooth: 0, band: 'minmax' };

function run(db: Db, root: string, o: Partial<CompareOptions> = {}) {
  return compare(db, root, { ...BASE, ...o });
}

const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

// The baseline's forward FLOPs per example at the fixture's shape: 2 frames, 8 prompt tokens, maxTokens 10 + end of sequence.
const BASELINE_FWD = summarizeAssembly(BASELINE_CONFIGS, { frames: 2, promptTokens: 8, captionTokens: 11 }).flopsPerExample;

test('the paper arms by default, seeds averaged with a min-max band, steps to the weakest best and the speedup over the baseline', () => {
  const { root, db } = quickDb();
  const c = run(db, root);
  assert.equal(c.experiment, 'quick');
  assert.deepEqual(c.groupBy, []); // the trials differ only in seed
  assert.deepEqual(c.arms.map((a) => [a.name, a.kind, a.members.map((m) => m.seed)]), [['vadapter', 'align-adapter', [0, 1]], ['baseline', 'align-resampler', [0, 1]]]);
  const [m] = c.metrics;
  const vad = m.curves[0];
  assert.deepEqual(vad.points.map((p) => p.mean), [4, 2.75, 1.75, 1.25, 0.75]);
  assert.deepEqual(vad.points.map((p) => [p.lo, p.hi]), [[4, 4], [2.5, 3], [1.5, 2], [1, 1.5], [0.5, 1]]);
  assert.deepEqual(m.curves[1].points.map((p) => p.mean), [4, 3.5, 2.75, 2.25, 1.75]);
  assert.equal(m.mode, 'min');
  assert.equal(m.target, 1.75); // the baseline's best: both arms reach it
  assert.equal(m.targetGiven, false);
  assert.equal(m.baseline, 'baseline');
  const [v, b] = m.rows;
  assert.deepEqual([v.final, v.best, v.bestStep, v.stepsToTarget, v.speedup], [0.75, 0.75, 40, 20, 2]);
  assert.deepEqual(v.finalBand, [0.5, 1], 'the final value carries its band over the two seeds');
  assert.deepEqual([b.final, b.stepsToTarget, b.speedup], [1.75, 40, 1]);
  assert.deepEqual(c.notes, []);
});

test('FLOPs to target = 3 x forward FLOPs x batch x accumulation x steps, from the checkpoint\'s model; n/a without a checkpoint', () => {
  const { root, db } = quickDb();
  const [v, b] = run(db, root).metrics[0].rows;
  assert.equal(b.trainableParams, summarizeAssembly(BASELINE_CONFIGS).trainable);
  assert.equal(b.forwardFlopsPerExample, BASELINE_FWD);
  assert.equal(b.flopsToTarget, 3 * BASELINE_FWD * (3 * 2) * 40);
  assert.deepEqual([v.trainableParams, v.forwardFlopsPerExample, v.flopsToTarget], [null, null, null]);
});

test('a given target and a 95% CI band', () => {
  const { root, db } = quickDb();
  const m = run(db, root, { targets: { 'val/loss': 2.5 }, band: 'ci95' }).metrics[0];
  assert.deepEqual(m.rows.map((r) => [r.stepsToTarget, r.speedup]), [[20, 1.5], [30, 1]]);
  const at10 = m.curves[0].points[1]; // seeds 3 and 2.5: half-width t(0.975, 1) x sd / sqrt(2) = 12.706 x 0.25
  near(at10.lo, 2.75 - 12.706 * 0.25);
  near(at10.hi, 2.75 + 12.706 * 0.25);
});

test('a score from the evaluate stage (`<stage>/eval/coco/CIDEr`) is the arm\'s curve, higher is better', () => {
  const { root, db } = quickDb();
  const m = run(db, root, { metrics: ['eval/coco/CIDEr'] }).metrics[0];
  assert.equal(m.mode, 'max');
  assert.deepEqual(m.curves.map((k) => k.points.map((p) => [p.step, p.mean])), [[[20, 0.3125], [40, 0.5625]], [[20, 0.125], [40, 0.3125]]]);
  assert.equal(m.target, 0.3125);
  assert.deepEqual(m.rows.map((r) => [r.stepsToTarget, r.speedup]), [[20, 2], [40, 1]]);
});

test('EMA smoothing is applied to each seed before the mean', () => {
  const { root, db } = quickDb();
  const points = run(db, root, { smooth: 0.5 }).metrics[0].curves[0].points;
  // seed 0: 4, 3 -> 4, (0.5*2 + 0.5*3) / 0.75 = 10/3; seed 1: 4, 2.5 -> 4, 3
  assert.equal(points[0].mean, 4);
  near(points[1].mean, (10 / 3 + 3) / 2);
});

test('x as examples (batch x accumulation per step), FLOPs (an arm without a model is left out, with a note) and wall time', () => {
  const { root, db } = quickDb();
  const examples = run(db, root, { x: 'examples' }).metrics[0].curves;
  assert.deepEqual(examples.map((k) => k.points[1].x), [40, 60]);
  const flops = run(db, root, { x: 'flops' });
  assert.deepEqual(flops.metrics[0].curves.map((k) => k.arm), ['baseline']);
  assert.equal(flops.metrics[0].curves[0].points[4].x, 3 * BASELINE_FWD * 6 * 40);
  assert.deepEqual(flops.notes, ['vadapter: no val/loss with a known flops']);
  const wall = [[100, 110, 130, 160, 200], [100, 120, 140, 170, 220]];
  for (const seed of [0, 1]) logSeries(db, fingerprint('Q1', seed, 'baseline'), 'val/loss', STEPS, [4, 3, 2, 1, 0], wall[seed]);
  const time = run(db, root, { x: 'time', stages: ['baseline'] }).metrics[0].curves[0].points;
  assert.deepEqual(time.map((p) => p.x), [0, 15, 35, 65, 110]); // seconds since each seed's first step, averaged
});

test('sweep trials are grouped by the keys their specs differ on; speedups pair arms of the same group; --where and --group-by', () => {
  const { root, db } = freshReportDb();
  const trials = ['vit-tiny', 'vit-small'].flatMap((preset) => [0, 1].map((seed) => {
    const t = quickTrial(seed, { models: { vit: { preset } } });
    return { ...t, assignments: { 'models.vit.preset': preset, seed } };
  }));
  addRun(db, { id: 'S1', experiment: 'scaling', startedAt: '2025-01-02T00:00:00.000Z', trials });
  const losses: Record<string, number[]> = { vadapter: [4, 3, 2, 1, 1], baseline: [4, 3.5, 3, 2, 1] };
  trials.forEach((t, i) => {
    const slow = t.assignments['models.vit.preset'] === 'vit-small' ? 1 : 0; // vit-small's baseline needs one more eval to reach 1
    for (const arm of ['vadapter', 'baseline']) logSeries(db, fingerprint('S1', i, arm), 'val/loss', STEPS, arm === 'baseline' && slow ? [4, 3.5, 3, 3, 2] : losses[arm]);
  });
  const c = run(db, root, { experiment: 'scaling' });
  assert.deepEqual(c.groupBy, ['models.vit.preset']);
  assert.deepEqual(c.arms.map((a) => [a.name, a.members.length]), [
    ['vadapter (preset=vit-tiny)', 2], ['baseline (preset=vit-tiny)', 2], ['vadapter (preset=vit-small)', 2], ['baseline (preset=vit-small)', 2],
  ]);
  const m = run(db, root, { experiment: 'scaling', targets: { 'val/loss': 2 } }).metrics[0];
  assert.deepEqual(m.rows.map((r) => [r.stepsToTarget, r.speedup]), [[20, 1.5], [30, 1], [20, 2], [40, 1]]);
  const small = run(db, root, { experiment: 'scaling', where: ['models.vit.preset=vit-small'] });
  assert.deepEqual(small.arms.map((a) => a.name), ['vadapter', 'baseline']);
  const merged = run(db, root, { experiment: 'scaling', groupBy: [], stages: ['vadapter'] });
  assert.deepEqual(merged.arms.map((a) => [a.name, a.members.length]), [['vadapter', 4]]);
});

test('a trial run again counts once: the latest run\'s series replaces it', () => {
  const { root, db } = quickDb();
  addRun(db, { id: 'Q2', experiment: 'quick', startedAt: '2025-01-03T00:00:00.000Z', trials: [quickTrial(0)] });
  logSeries(db, fingerprint('Q2', 0, 'vadapter'), 'val/loss', STEPS, [4, 4, 4, 4, 4]);
  logSeries(db, fingerprint('Q2', 0, 'baseline'), 'val/loss', STEPS, [4, 4, 4, 4, 4]);
  const c = run(db, root);
  assert.deepEqual(c.arms[0].members.map((m) => [m.runId, m.seed]), [['Q2', 0], ['Q1', 1]]);
  assert.deepEqual(c.metrics[0].curves[0].points.map((p) => p.mean), [4, 3.25, 2.75, 2.5, 2.25]);
});

test('an output shared by trials (same fingerprint) is one member, not two seeds', () => {
  const { root, db } = quickDb();
  addRun(db, { id: 'Q3', experiment: 'quick', startedAt: '2025-01-04T00:00:00.000Z', trials: [quickTrial(1, { note: 'another spec' })] });
  db.prepare("UPDATE stages SET fingerprint = ? WHERE run_id = 'Q3' AND name = 'vadapter'").run(fingerprint('Q1', 1, 'vadapter'));
  const c = run(db, root, { groupBy: [], stages: ['vadapter'] });
  assert.deepEqual(c.arms[0].members.map((m) => [m.runId, m.seed]), [['Q1', 0], ['Q3', 1]]);
  assert.deepEqual(c.metrics[0].curves[0].points.map((p) => p.mean), [4, 2.75, 1.75, 1.25, 0.75]);
});

test('user errors name what exists: unknown metric, experiment, stage, baseline; bad --where and --smooth', () => {
  const { root, db } = quickDb();
  assert.throws(() => run(db, root, { metrics: ['val/los'] }), /no compared arm has metric "val\/los" \(did you mean "val\/loss"\?\); they log: eval\/coco\/CIDEr, val\/loss$/);
  assert.throws(() => run(db, root, { experiment: 'quik' }), /no experiment "quik" \(did you mean "quick"\?\); known: quick/);
  assert.throws(() => run(db, root, { stages: ['vadaptr'] }), /no stage "vadaptr" in the selected runs \(did you mean "vadapter"\?\)/);
  assert.throws(() => run(db, root, { baseline: 'stage1' }), /--baseline stage1: not a compared stage; compared: vadapter, baseline/);
  assert.throws(() => run(db, root, { where: ['models.vit.preset'] }), /--where expects key=value/);
  assert.throws(() => run(db, root, { where: ['models.vit.size=1'] }), /no selected trial has a value at "models.vit.size"/);
  assert.throws(() => run(db, root, { smooth: 1 }), /--smooth expects an EMA weight in \[0, 1\), got 1/);
});

test('an explicit stage list and an unknown direction: lower is taken as better, with a note', () => {
  const { root, db } = quickDb();
  logSeries(db, fingerprint('Q1', 0, 'stage1'), 'train/widgets', [10, 20], [3, 1]);
  const c = run(db, root, { stages: ['stage1'], metrics: ['train/widgets'] });
  assert.equal(c.metrics[0].rows[0].best, 1);
  assert.equal(c.metrics[0].modeGuessed, true);
  assert.match(c.notes[0], /train\/widgets: lower is taken as better/);
  assert.equal(run(db, root, { stages: ['stage1'], metrics: ['train/widgets'], modes: { 'train/widgets': 'max' } }).metrics[0].rows[0].best, 3);
});

/** quickDb plus what the evaluate stage and the alignment stages may log beside the metrics: blind priors, the loss with shuffled images. */
function referenceDb(o: { blindCider?: boolean; shuffled?: boolean } = {}) {
  const { root, db } = quickDb();
  for (const seed of [0, 1]) {
    const evalFp = fingerprint('Q1', seed, 'eval');
    for (const arm of ['vadapter', 'baseline']) {
      logSeries(db, evalFp, `${arm}/eval/vqav2/accuracy`, [40], [40 + seed]);
      logSeries(db, evalFp, `${arm}/eval/vqav2/blind_accuracy`, [40], [arm === 'vadapter' ? 30 + seed : 33]); // 30, 31, 33, 33: mean 31.75
      if (o.blindCider) logSeries(db, evalFp, `${arm}/eval/coco/blind_CIDEr`, [40], [0.1]);
    }
    if (o.shuffled) logSeries(db, fingerprint('Q1', seed, 'vadapter'), 'val/loss_shuffled', STEPS, [4, 3.5, 3, 3, 3 - seed]); // baseline: none
  }
  return { root, db };
}

test('automatic references: the image-blind prior beside accuracy (and CIDEr) and the shuffled-image loss beside val/loss, only where the key exists', () => {
  const metrics = ['val/loss', 'eval/coco/CIDEr', 'eval/vqav2/accuracy'];
  const { root, db } = referenceDb();
  const [loss, cider, acc] = run(db, root, { metrics }).metrics;
  assert.deepEqual(loss.references, [], 'no val/loss_shuffled logged');
  assert.deepEqual(cider.references, [], 'no blind_CIDEr logged');
  assert.equal(acc.references.length, 1);
  const prior = acc.references[0];
  assert.equal(prior.kind, 'line');
  if (prior.kind !== 'line') return;
  assert.deepEqual([prior.value, prior.source, prior.seeds, prior.arms, prior.range, prior.auto], [31.75, 'eval/vqav2/blind_accuracy', 4, 2, [30, 33], true]);
  assert.equal(prior.text, 'image-blind prior 31.75 (eval/vqav2/blind_accuracy, mean over 4 series (the seeds of 2 arms), range 30-33)');
  assert.deepEqual(run(db, root, { metrics, autoReferences: false }).metrics.map((m) => m.references), [[], [], []], '--no-auto-reference');

  const more = referenceDb({ blindCider: true, shuffled: true });
  const [loss2, cider2] = run(more.db, more.root, { metrics }).metrics;
  assert.deepEqual(cider2.references.map((r) => [r.kind, r.kind === 'line' ? r.value : null, r.label]), [['line', 0.1, 'image-blind prior']]);
  assert.equal(loss2.references.length, 1);
  const shuffled = loss2.references[0];
  assert.equal(shuffled.kind, 'curves');
  if (shuffled.kind !== 'curves') return;
  assert.deepEqual(shuffled.curves.map((c) => [c.arm, c.seeds, c.points.map((p) => p.mean)]), [['vadapter', 2, [4, 3.5, 3, 3, 2.5]]], 'a curve per arm that logged it, seeds averaged');
  assert.deepEqual(shuffled.curves[0].points.at(-1), { step: 40, x: 40, mean: 2.5, lo: 2, hi: 3 });
});

test('--reference: a given value with a label, another metric\'s final value over the seeds; unknown keys name what exists', () => {
  const { root, db } = referenceDb({ shuffled: true });
  const references = parseReferences(['val/loss=1.5:floor', 'val/loss=val/loss_shuffled:images shuffled at the end', 'eval/coco/CIDEr=0.34'], ['val/loss', 'eval/coco/CIDEr']);
  const [loss, cider] = run(db, root, { metrics: ['val/loss', 'eval/coco/CIDEr'], references }).metrics;
  assert.deepEqual(loss.references.map((r) => [r.kind, r.text]), [
    ['line', 'floor 1.5'],
    ['line', 'images shuffled at the end 2.5 (val/loss_shuffled, mean over 2 seeds, range 2-3)'], // the last value of each vadapter seed: 3 and 2
  ], 'the automatic curve of the same key is left out');
  assert.deepEqual(cider.references.map((r) => r.text), ['reference 0.34']);
  assert.throws(() => run(db, root, { references: parseReferences(['val/loss=val/loss_shufled'], ['val/loss']) }),
    /--reference val\/loss=val\/loss_shufled: no arm charted for val\/loss has metric "val\/loss_shufled" \(did you mean "val\/loss_shuffled"\?\)/);
});

test('--y-scale: the zoomed domain is in the comparison; log falls back to linear with a note where a value is <= 0', () => {
  const { root, db } = quickDb();
  // x 0..40, so the curves from x 4 on: vadapter means 2.75..0.75 with min-max bands 0.5..3, baseline 3.5..1.75; pad 5% of 3.
  const m = run(db, root, { yScales: { 'val/loss': 'zoom' } }).metrics[0];
  assert.equal(m.yScale, 'zoom');
  near(m.yDomain![0], 0.5 - 0.15);
  near(m.yDomain![1], 3.5 + 0.15);
  assert.equal(run(db, root).metrics[0].yDomain, null);
  assert.equal(run(db, root, { yScales: { 'val/loss': 'log' } }).metrics[0].yScale, 'log');
  logSeries(db, fingerprint('Q1', 0, 'stage1'), 'train/widgets', [10, 20], [3, 0]);
  const c = run(db, root, { stages: ['stage1'], metrics: ['train/widgets'], modes: { 'train/widgets': 'min' }, yScales: { 'train/widgets': 'log' } });
  assert.equal(c.metrics[0].yScale, 'linear');
  assert.deepEqual(c.notes, ['train/widgets: a log y axis needs values > 0 (the chart has 0); drawn linear']);
});

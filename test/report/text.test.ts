import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../src/report/compare.ts';
import type { ArmCurve } from '../../src/report/curves.ts';
import { parseModes, parseTargets, splitList } from '../../src/report/options.ts';
import { sparklines } from '../../src/report/sparkline.ts';
import { comparisonCsv, comparisonMarkdown, formatCount, formatValue, markdownTable } from '../../src/report/table-text.ts';
import { quickDb } from './helpers.ts';

function curve(arm: string, xs: number[], means: number[]): ArmCurve {
  return { arm, seeds: 1, points: xs.map((x, i) => ({ step: x, x, mean: means[i], lo: means[i], hi: means[i] })) };
}

test('sparklines share the x and y ranges; columns outside an arm\'s range are blank', () => {
  // x 0..30 in 4 bins (centres 3.75, 11.25, 18.75, 26.25), y 0..3 in 8 heights.
  const lines = sparklines([curve('a', [0, 10, 20, 30], [3, 2, 1, 0]), curve('bb', [0, 10], [3, 3])], 'step', 4);
  assert.deepEqual(lines, [
    '    step 0 .. 30; heights 0 (▁) .. 3 (█)',
    'a   ▇▅▄▂  3 → 0', // 2.625, 1.875, 1.125, 0.375 -> levels 6.1, 4.4, 2.6, 0.9 of 7
    'bb  ██    3 → 3',
  ]);
});

test('numbers: 4 significant digits, SI counts, n/a', () => {
  assert.deepEqual([formatValue(2.34567), formatValue(0.0001234), formatValue(1234567), formatValue(null)], ['2.346', '1.234e-4', '1.235e+6', 'n/a']);
  assert.deepEqual([formatCount(104256), formatCount(10755809280), formatCount(950), formatCount(null)], ['104K', '10.8G', '950', 'n/a']);
});

test('Markdown and CSV tables from a comparison', () => {
  const { root, db } = quickDb();
  const c = compare(db, root, { metrics: ['val/loss'], x: 'step', smooth: 0, band: 'minmax' });
  const md = comparisonMarkdown(c).split('\n');
  assert.equal(md[0], '### val/loss');
  assert.match(md[2], /^val\/loss: lower is better; target 1\.75 \(the weakest arm's best\); speedup = baseline's steps to target \/ the arm's/);
  assert.equal(md[6], '| vadapter | 2 | 40 | 0.75 (0.5-1) | 0.75 (40) | 20 | n/a | 2.00x | n/a | n/a |'); // final with its min-max over the 2 seeds
  assert.equal(markdownTable(['a|b'], [['x']]), '| a\\|b |\n| --- |\n| x |');
  const csv = comparisonCsv(c).trim().split('\n');
  assert.equal(csv.length, 3);
  assert.equal(csv[1], 'val/loss,min,1.75,vadapter,vadapter,align-adapter,2,40,0.75,0.5,1,0.75,40,20,,2,,');
  assert.match(csv[2], /^val\/loss,min,1\.75,baseline,baseline,align-resampler,2,40,1\.75,1\.5,2,1\.75,40,40,\d+,1,\d+,\d+$/);
});

test('per-metric options: bare values need one metric (targets) or apply to all (modes); keys must be compared metrics', () => {
  assert.deepEqual(parseTargets(['2.5'], ['val/loss']), { 'val/loss': 2.5 });
  assert.deepEqual(parseTargets(['val/loss=2', 'eval/coco/CIDEr=0.5'], ['val/loss', 'eval/coco/CIDEr']), { 'val/loss': 2, 'eval/coco/CIDEr': 0.5 });
  assert.throws(() => parseTargets(['2'], ['a', 'b']), /--target 2: with several metrics, name one \(--target KEY=2\)/);
  assert.throws(() => parseTargets(['c=1'], ['a']), /"c" is not one of the metrics compared \(a\)/);
  assert.throws(() => parseTargets(['a=x'], ['a']), /expected a number, got "x"/);
  assert.deepEqual(parseModes(['max'], ['a', 'b']), { a: 'max', b: 'max' });
  assert.throws(() => parseModes(['a=up'], ['a']), /expected min or max, got "up"/);
  assert.deepEqual(splitList(['a,b', ' c ', '']), ['a', 'b', 'c']);
});

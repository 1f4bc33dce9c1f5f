import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../src/report/compare.ts';
import type { ArmCurve } from '../../src/report/curves.ts';
import { parseModes, parseTargets, parseYScales, splitList } from '../../src/report/options.ts';
import { parseReferences } from '../../src/report/references.ts';
import { sparklines } from '../../src/report/sparkline.ts';
import { comparisonCsv, comparisonMarkdown, formatCount, formatValue, markdownTable, referenceLines, tableCells } from '../../src/report/table-text.ts';
import { fingerprint, logSeries, quickDb, STEPS } from './helpers.ts';

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
  assert.equal(csv[1], 'val/loss,min,1.75,vadapter,vadapter,align-adapter,2,40,0.75,0.5,1,0.75,40,20,,2,,,');
  assert.match(csv[2], /^val\/loss,min,1\.75,baseline,baseline,align-resampler,2,40,1\.75,1\.5,2,1\.75,40,40,\d+,1,\d+,\d+,$/);
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

test('references in the tables: a row each, a line under the table, CSV rows of kind reference', () => {
  const { root, db } = quickDb();
  for (const seed of [0, 1]) {
    for (const arm of ['vadapter', 'baseline']) logSeries(db, fingerprint('Q1', seed, 'eval'), `${arm}/eval/coco/blind_CIDEr`, [40], [0.25 + seed / 4]);
    logSeries(db, fingerprint('Q1', seed, 'vadapter'), 'val/loss_shuffled', STEPS, [4, 3.5, 3, 3, 3 - seed]);
  }
  const metrics = ['val/loss', 'eval/coco/CIDEr'];
  const references = parseReferences(['eval/coco/CIDEr=0.34:given prior'], metrics);
  const c = compare(db, root, { metrics, x: 'step', smooth: 0, band: 'minmax', references });
  const [loss, cider] = c.metrics;
  assert.deepEqual(tableCells(loss).slice(2), [['vadapter images shuffled', '2', '40', '2.5 (2-3)', '2.5 (40)', '', '', '', '', '']]);
  assert.deepEqual(referenceLines(loss), ['reference: images shuffled (val/loss_shuffled, a dashed curve per arm; last point): vadapter 2.5']);
  assert.deepEqual(tableCells(cider).slice(2), [['reference: given prior', '', '', '0.34', '', '', '', '', '', ''], ['reference: image-blind prior', '4', '', '0.375 (0.25-0.5)', '', '', '', '', '', '']]);
  assert.deepEqual(referenceLines(cider), ['reference: given prior 0.34', 'reference: image-blind prior 0.375 (eval/coco/blind_CIDEr, mean over 4 series (the seeds of 2 arms), range 0.25-0.5)']);
  const md = comparisonMarkdown(c);
  assert.match(md, /^\| reference: image-blind prior \| 4 \| {2}\| 0\.375 \(0\.25-0\.5\) \|/m);
  assert.match(md, /\n\nreference: image-blind prior 0\.375 \(eval\/coco\/blind_CIDEr, mean over 4 series \(the seeds of 2 arms\), range 0\.25-0\.5\)\n/);
  const csv = comparisonCsv(c).trim().split('\n').filter((l) => l.includes(',reference,'));
  assert.deepEqual(csv, [
    'val/loss,min,1.75,vadapter images shuffled,vadapter,reference,2,40,2.5,2,3,2.5,40,,,,,,val/loss_shuffled',
    'eval/coco/CIDEr,max,0.3125,given prior,,reference,,,0.34,,,,,,,,,,given',
    'eval/coco/CIDEr,max,0.3125,image-blind prior,,reference,4,,0.375,0.25,0.5,,,,,,,,eval/coco/blind_CIDEr',
  ]);
});

test('--y-scale and --reference arguments: per metric or for all; malformed entries name the argument', () => {
  assert.deepEqual(parseYScales(['zoom'], ['a', 'b']), { a: 'zoom', b: 'zoom' });
  assert.deepEqual(parseYScales(['a=log', 'zoom'], ['a', 'b']), { a: 'log', b: 'zoom' }, 'KEY= wins over a bare value wherever it stands');
  assert.throws(() => parseYScales(['a=logg'], ['a']), /--y-scale a=logg: expected linear, log, zoom \(or KEY=one of them\), got "logg"/);
  assert.throws(() => parseYScales(['c=log'], ['a']), /--y-scale c=log: "c" is not one of the metrics compared \(a\)/);
  const m = ['eval/coco/CIDEr', 'eval/vqav2/accuracy'];
  assert.deepEqual(parseReferences(['eval/coco/CIDEr=0.34:image-blind prior'], m), [{ metric: 'eval/coco/CIDEr', value: 0.34, key: null, label: 'image-blind prior', entry: 'eval/coco/CIDEr=0.34:image-blind prior' }]);
  assert.deepEqual(parseReferences(['eval/vqav2/accuracy=eval/vqav2/blind_accuracy'], m).map((r) => [r.value, r.key, r.label]), [[null, 'eval/vqav2/blind_accuracy', null]]);
  assert.deepEqual(parseReferences(['0.5:floor'], ['a']).map((r) => [r.metric, r.value, r.label]), [['a', 0.5, 'floor']], 'a bare value with one metric');
  assert.throws(() => parseReferences(['0.34'], m), /--reference 0\.34: with several metrics, name one \(--reference KEY=0\.34\)/);
  assert.throws(() => parseReferences(['eval/coco/CIDEr='], m), /--reference eval\/coco\/CIDEr=: no value; expected KEY=VALUE or KEY=OTHER_KEY/);
  assert.throws(() => parseReferences(['eval/coco/CIDEr=0.3:'], m), /--reference eval\/coco\/CIDEr=0\.3:: empty label after ":"/);
  assert.throws(() => parseReferences(['eval/coco/CIDEr=0.3x'], m), /--reference eval\/coco\/CIDEr=0\.3x: expected a number or a metric key, got "0\.3x"/);
  assert.throws(() => parseReferences(['=0.3'], m), /--reference =0\.3: no metric before "="/);
  assert.throws(() => parseReferences(['val/loss=0.3'], m), /--reference val\/loss=0\.3: "val\/loss" is not one of the metrics compared/);
});

// Charts with more arms than the palette has colours: every arm's line must still look different
// (a ten-arm ablation table once drew two pairs of arms in the same solid colour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartSpec, PALETTE } from '../../src/report/chart.ts';
import type { Comparison, MetricComparison } from '../../src/report/compare.ts';
import { renderSvg } from '../../src/report/render.ts';

function metricWithArms(n: number): MetricComparison {
  const curves = Array.from({ length: n }, (_, i) => ({
    arm: `arm-${i}`,
    seeds: 1,
    points: [0, 50, 100].map((step) => ({ step, x: step, mean: 2 - i / 10 - step / 100, lo: 0, hi: 0 })),
  }));
  return { key: 'val/loss', mode: 'min', modeGuessed: false, target: null, targetGiven: false, baseline: null, curves, rows: [] };
}

const COMPARISON = { xTitle: 'training step', smooth: 0, band: 'none' } as Comparison;

/** stroke and stroke-dasharray of each drawn line, in the order of the arms. */
async function lineStyles(n: number): Promise<string[]> {
  const svg = await renderSvg(chartSpec(metricWithArms(n), COMPARISON));
  const lines = [...svg.matchAll(/<path ([^>]*aria-roledescription="line mark"[^>]*)>/g)];
  return lines.map(([, attrs]) => {
    const stroke = /stroke="([^"]+)"/.exec(attrs)?.[1];
    const dash = /stroke-dasharray="([^"]+)"/.exec(attrs)?.[1] ?? 'solid';
    return `${stroke} ${dash === '1,0' ? 'solid' : dash}`;
  });
}

test('up to 8 arms are solid lines in the 8 palette colours', async () => {
  const styles = await lineStyles(8);
  assert.deepEqual(styles, PALETTE.map((c) => `${c} solid`));
});

test('arms past the palette reuse its colours dashed: 10 arms draw 10 different lines', async () => {
  const styles = await lineStyles(10);
  assert.equal(styles.length, 10);
  assert.equal(new Set(styles).size, 10, styles.join(' | '));
  assert.deepEqual(styles.slice(8).map((s) => s.split(' ')[0]), PALETTE.slice(0, 2));
  assert.ok(styles.slice(8).every((s) => !s.endsWith('solid')), styles.slice(8).join(' | '));
});

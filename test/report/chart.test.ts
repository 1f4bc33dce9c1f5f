// Charts with more arms than the palette has colours: every arm's line must still look different
// (a ten-arm ablation table once drew two pairs of arms in the same solid colour). The y axis as
// log or zoomed (hand-made series, hand-computed domains), and reference lines and curves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartSpec, PALETTE, REFERENCE_DASH } from '../../src/report/chart.ts';
import type { Comparison, MetricComparison } from '../../src/report/compare.ts';
import type { ArmCurve } from '../../src/report/curves.ts';
import type { Reference } from '../../src/report/references.ts';
import { renderSvg } from '../../src/report/render.ts';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { zoomDomain } from '../../src/report/y-scale.ts';

function metricWithArms(n: number): MetricComparison {
  const curves = Array.from({ length: n }, (_, i) => ({
    arm: `arm-${i}`,
    seeds: 1,
    points: [0, 50, 100].map((step) => ({ step, x: step, mean: 2 - i / 10 - step / 100, lo: 0, hi: 0 })),
  }));
  return { key: 'val/loss', mode: 'min', modeGuessed: false, target: null, targetGiven: false, baseline: null, curves, rows: [], references: [], yScale: 'linear', yDomain: null };
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

// x 0..100: both losses spike at x 0 (10 and 8), then settle between 1.8 and 3.2 (x >= 10, the last 90% of x).
const SPIKE: ArmCurve[] = [
  { arm: 'vadapter', seeds: 1, points: [10, 3, 2.5, 2.2, 2.1, 2, 1.95, 1.9, 1.85, 1.82, 1.8].map((mean, i) => ({ step: i * 10, x: i * 10, mean, lo: mean, hi: mean })) },
  { arm: 'baseline', seeds: 1, points: [8, 3.2, 2.7, 2.4, 2.3, 2.2, 2.1, 2.05, 2, 1.95, 1.9].map((mean, i) => ({ step: i * 10, x: i * 10, mean, lo: mean, hi: mean })) },
];

function spikeMetric(o: Partial<MetricComparison> = {}): MetricComparison {
  return { ...metricWithArms(0), curves: SPIKE, ...o };
}

type Layer = { mark: { type: string; clip?: boolean; strokeDash?: number[] }; encoding: Record<string, { scale?: { type?: string; domain?: number[]; nice?: boolean }; datum?: number; value?: unknown }> };
const layersOf = (m: MetricComparison) => (chartSpec(m, COMPARISON) as unknown as { layer: Layer[] }).layer;
const yScales = (m: MetricComparison) => layersOf(m).map((l) => l.encoding.y?.scale);
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);

/** The y scale of the compiled chart, as Vega runs it. */
async function drawnY(m: MetricComparison): Promise<{ type: string; domain: number[] }> {
  const view = new View(parse(compile(chartSpec(m, COMPARISON)).spec), { renderer: 'none' });
  try {
    await view.runAsync();
    const y = view.scale('y') as { type: string; domain: () => number[] };
    return { type: y.type, domain: y.domain() };
  } finally {
    view.finalize();
  }
}

test('--y-scale log: every layer shares a log y scale (not niced to powers of 10), and the axis says so', async () => {
  const m = spikeMetric({ yScale: 'log' });
  for (const scale of yScales(m)) assert.deepEqual(scale, { type: 'log', nice: false });
  assert.ok(yScales(spikeMetric()).every((s) => s?.type === undefined), 'linear by default');
  assert.deepEqual(await drawnY(m), { type: 'log', domain: [1.8, 10] });
  assert.match(await renderSvg(chartSpec(m, COMPARISON)), /Y-axis titled 'val\/loss' for a log scale/);
});

test('--y-scale zoom: the y domain is the range after the first 10% of x, padded by 5%; the early spike is clipped', async () => {
  // x >= 10: lowest 1.8 (vadapter at 100), highest 3.2 (baseline at 10); pad 5% of 1.4 = 0.07.
  const m = spikeMetric({ yScale: 'zoom' });
  const [lo, hi] = zoomDomain(m)!;
  near(lo, 1.73);
  near(hi, 3.27);
  for (const scale of yScales(m)) assert.deepEqual(scale, { zero: false, nice: false, domain: [lo, hi] });
  assert.ok(layersOf(m).every((l) => l.mark.clip === true), 'every mark is clipped to the zoomed axis');
  assert.ok(layersOf(spikeMetric()).every((l) => !l.mark.clip), 'a linear axis clips nothing');
  assert.deepEqual(await drawnY(m), { type: 'linear', domain: [lo, hi] });
  assert.ok((await drawnY(spikeMetric())).domain[1] >= 10, 'linear: the spike in view');
  assert.match(await renderSvg(chartSpec(m, COMPARISON)), /y fitted to x ≥ 10 \(earlier points clipped\)/);
  // A target and a reference line outside that range widen it, so that they stay drawn.
  const wider = zoomDomain(spikeMetric({ target: 1.5, references: [line(3.5, 'prior 3.5')] }))!;
  near(wider[0], 1.5 - 0.1);
  near(wider[1], 3.5 + 0.1);
});

function line(value: number, text: string): Reference {
  return { kind: 'line', label: 'prior', value, source: null, auto: false, seeds: 0, arms: 0, range: null, text };
}

test('a reference line is a dashed rule at its value with its label; a reference curve is its arm\'s colour, dashed', async () => {
  const shuffled: Reference = { kind: 'curves', label: 'images shuffled', source: 'val/loss_shuffled', auto: true, curves: [{ ...SPIKE[0], points: SPIKE[0].points.map((p) => ({ ...p, mean: p.mean + 0.5 })) }], text: '' };
  const m = spikeMetric({ references: [line(2.25, 'image-blind prior 2.25 (eval/x/blind_accuracy, mean over 2 seeds)'), shuffled] });
  const layers = layersOf(m);
  const rule = layers.find((l) => l.mark.type === 'rule');
  assert.deepEqual([rule?.encoding.y.datum, rule?.mark.strokeDash], [2.25, REFERENCE_DASH]);
  const label = layers.find((l) => l.mark.type === 'text');
  assert.deepEqual([label?.encoding.y.datum, label?.encoding.text.value], [2.25, 'image-blind prior 2.25 (eval/x/blind_accuracy, mean over 2 seeds)']);
  const svg = await renderSvg(chartSpec(m, COMPARISON));
  assert.match(svg, />image-blind prior 2\.25 \(eval\/x\/blind_accuracy, mean over 2 seeds\)</);
  assert.equal([...svg.matchAll(/<line [^>]*stroke-dasharray="9,4"/g)].length, 1, 'one reference rule');
  const lines = [...svg.matchAll(/<path aria-label="[^"]*arm: ([^"]*)" role="graphics-symbol" aria-roledescription="line mark"[^>]*stroke="([^"]+)"[^>]*stroke-dasharray="([^"]+)"/g)].map(([, arm, stroke, dash]) => `${arm} ${stroke} ${dash}`);
  assert.deepEqual(lines, [`vadapter ${PALETTE[0]} 1,0`, `baseline ${PALETTE[1]} 1,0`, `vadapter images shuffled ${PALETTE[0]} 4,3`]);
});

// report.html: self-contained (no scripts, nothing fetched), with one inline chart per metric; in
// headless Chromium (Debian's package, skipped where it is absent) each chart draws one line per arm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compare } from '../../src/report/compare.ts';
import { writeReport } from '../../src/report/write.ts';
import { quickDb } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** val/loss over three stages (3 lines), CIDEr over the two arms that have it (2 lines). */
async function writeFixtureReport(): Promise<string> {
  const { root, db } = quickDb();
  const c = compare(db, root, {
    stages: ['stage1', 'vadapter', 'baseline'], metrics: ['val/loss', 'eval/coco/CIDEr'], x: 'step', smooth: 0, band: 'minmax',
    yScales: { 'val/loss': 'zoom', 'eval/coco/CIDEr': 'zoom' }, references: [{ metric: 'eval/coco/CIDEr', value: 0.34, key: null, label: 'image-blind prior', entry: '' }],
  });
  db.close();
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-report-html-'));
  await writeReport(dir, c);
  return dir;
}

test('report.html inlines one SVG chart per metric, has no scripts and fetches nothing; PNGs are written beside it', async () => {
  const dir = await writeFixtureReport();
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.equal(html.match(/<svg /g)?.length, 2);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|url\((?!#)|(src|href)="(https?:)?\/\//i); // url(#...): a clip path of the same chart
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map(([, id]) => id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique on the page');
  for (const [, ref] of html.matchAll(/url\(#([^)]+)\)/g)) assert.ok(ids.includes(ref), `url(#${ref}) refers to an id of the page`);
  assert.match(html, /<a href="val-loss\.png">PNG<\/a>/);
  for (const file of ['val-loss.png', 'eval-coco-CIDEr.png']) {
    const png = readFileSync(join(dir, file));
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(png.readUInt32BE(16) > 1000, 'rendered at 2x the chart size'); // IHDR width
  }
  assert.match(html, /<h3>baseline<\/h3>[\s\S]*accumulate: 2/); // the arm's stage spec
  assert.match(html, /<p class="reference">reference: image-blind prior 0\.34<\/p><\/section>/, 'the reference under the CIDEr table');
  assert.match(html, /<text [^>]*>image-blind prior 0\.34<\/text>/, 'and labelled on its chart');
  assert.match(html, /y axis zoomed to [\d.]+-[\d.]+ \(the curves after the first 10% of x; earlier points clipped\)/, 'the zoomed loss axis, in its caption');
});

// Appended to a copy of the page: what the browser laid out, per chart.
const PROBE = `<script>
const charts = [...document.querySelectorAll('section.metric')].map((s) => ({
  metric: s.dataset.metric,
  width: Math.round(s.querySelector('svg').getBoundingClientRect().width),
  lines: [...s.querySelectorAll('g.mark-line.role-mark path')].filter((p) => p.getTotalLength() > 0).length,
  bands: s.querySelectorAll('g.mark-area.role-mark path').length,
}));
const out = document.createElement('pre');
out.id = 'probe-out';
out.textContent = JSON.stringify(charts);
document.body.append(out);
</script>`;

test('in headless Chromium every chart renders, one line and one band per arm', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, async () => {
  const dir = await writeFixtureReport();
  const probe = join(dir, 'probe.html');
  writeFileSync(probe, readFileSync(join(dir, 'report.html'), 'utf8').replace('</body>', `${PROBE}</body>`));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
  const r = spawnSync(CHROMIUM, [...flags, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'vadapter-chromium-'))}`, '--dump-dom', pathToFileURL(probe).href], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const found = /<pre id="probe-out">(.*?)<\/pre>/s.exec(r.stdout);
  assert.ok(found, `no probe output in the dumped DOM:\n${r.stdout.slice(0, 2000)}`);
  const charts = JSON.parse(found[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  assert.deepEqual(charts.map((c: { metric: string; lines: number; bands: number }) => [c.metric, c.lines, c.bands]), [['val/loss', 3, 3], ['eval/coco/CIDEr', 2, 2]]);
  for (const c of charts) assert.ok(c.width > 400, `${c.metric} drawn ${c.width} px wide`);
});

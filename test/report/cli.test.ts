// `vadapter compare` through the real binary, on a database written by the fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickDb } from './helpers.ts';

const BIN = new URL('../../bin/vadapter.js', import.meta.url).pathname;

function vadapter(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'compare', ...args], { encoding: 'utf8' });
}

function fixtureRoot(): string {
  const { root, db } = quickDb();
  db.close();
  return root;
}

test('the terminal view: caption, a sparkline per arm and the table', () => {
  const r = vadapter(['--root', fixtureRoot()]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'experiment quick, run Q1; arms by stage; x: training step');
  assert.ok(lines.includes("val/loss: lower is better; target 1.75 (the weakest arm's best); speedup = baseline's steps to target / the arm's; no smoothing; band: min-max over seeds"));
  assert.match(r.stdout, /^vadapter {2}█[▁-█]+▁ {2}4 → 0\.75$/m);
  assert.match(r.stdout, /^baseline +2 +40 +1\.75 \(1\.5-2\) +1\.75 \(40\) +40 +10\.8G +1\.00x +104K +14\.9M$/m);
});

test('--json with several metrics, a target per metric and a band; --group-by none', () => {
  const r = vadapter(['--root', fixtureRoot(), '--metric', 'val/loss,eval/coco/CIDEr', '--target', 'val/loss=2.5', '--band', 'none', '--group-by', 'none', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.deepEqual(c.groupBy, []);
  assert.deepEqual(c.metrics.map((m: { key: string; target: number }) => [m.key, m.target]), [['val/loss', 2.5], ['eval/coco/CIDEr', 0.3125]]);
  assert.deepEqual(c.metrics[0].rows.map((row: { speedup: number }) => row.speedup), [1.5, 1]);
  assert.deepEqual(c.metrics[0].curves[0].points[1], { step: 10, x: 10, mean: 2.75, lo: 2.75, hi: 2.75 });
});

test('--out writes report.html and each chart as SVG and PNG; the Markdown still goes to stdout', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'vadapter-compare-out-')), 'report');
  const r = vadapter(['--root', fixtureRoot(), '--markdown', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\| vadapter \| 2 \| 40 \| 0\.75 \(0\.5-1\) \|/m);
  assert.equal(r.stderr, `wrote ${join(out, 'report.html')}, ${join(out, 'val-loss.svg')}, ${join(out, 'val-loss.png')}\n`);
  for (const f of ['report.html', 'val-loss.svg', 'val-loss.png']) assert.ok(existsSync(join(out, f)), f);
});

test('user errors exit 2 with the reason', () => {
  const root = fixtureRoot();
  const bad = vadapter(['--root', root, '--metric', 'val/los']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /✖ no compared arm has metric "val\/los" \(did you mean "val\/loss"\?\)/);
  const two = vadapter(['--root', root, '--csv', '--json']);
  assert.equal(two.status, 2);
  assert.match(two.stderr, /choose one of --json, --csv and --markdown/);
  const none = vadapter(['--root', join(root, 'missing')]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no tracking database under .*missing/);
});

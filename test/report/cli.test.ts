// `vadapter compare` through the real binary, on a database written by the fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, logSeries, quickDb, STEPS } from './helpers.ts';

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

test('--y-scale, --reference and --no-auto-reference reach the comparison', () => {
  const { root, db } = quickDb();
  for (const seed of [0, 1]) logSeries(db, fingerprint('Q1', seed, 'vadapter'), 'val/loss_shuffled', STEPS, [4, 4, 4, 4, 4]);
  db.close();
  const r = vadapter(['--root', root, '--y-scale', 'val/loss=zoom', '--reference', 'val/loss=1.5:floor', '--no-auto-reference', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const [m] = JSON.parse(r.stdout).metrics;
  assert.equal(m.yScale, 'zoom');
  assert.equal(m.yDomain.length, 2);
  assert.deepEqual(m.references.map((x: { kind: string; text: string }) => [x.kind, x.text]), [['line', 'floor 1.5']], 'no automatic val/loss_shuffled curve');
});

test('bad --y-scale and malformed --reference exit 2 with a message naming the argument', () => {
  const root = fixtureRoot();
  const scale = vadapter(['--root', root, '--y-scale', 'val/loss=loglog']);
  assert.equal(scale.status, 2);
  assert.match(scale.stderr, /✖ --y-scale val\/loss=loglog: expected linear, log, zoom \(or KEY=one of them\), got "loglog"/);
  const ref = vadapter(['--root', root, '--reference', 'val/loss=:a label']);
  assert.equal(ref.status, 2);
  assert.match(ref.stderr, /✖ --reference val\/loss=:a label: no value; expected KEY=VALUE or KEY=OTHER_KEY, each with an optional :label/);
});

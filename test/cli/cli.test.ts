import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const BIN = new URL('../../bin/vadapter.js', import.meta.url).pathname;

function vadapter(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

test('--version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }).trim(), pkg.version);
});

test('--help lists the doctor command', () => {
  const r = vadapter(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /doctor\s+check the installation/);
});

test('an unknown command fails with exit code 2 and a suggestion', () => {
  const r = vadapter(['doctr']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /doctor/);
});

test('doctor --json reports backends, the selection and a matmul figure', () => {
  const r = vadapter(['doctor', '--json'], { VADAPTER_BACKEND: 'cpu' });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(
    report.backends.map((b: { name: string }) => b.name),
    ['tensorflow', 'webgpu', 'wasm', 'cpu'],
  );
  assert.equal(report.selected, 'cpu');
  assert.ok(report.matmulGflops > 0);
  for (const b of report.backends) {
    assert.equal(typeof b.available, 'boolean');
    if (!b.available) assert.ok(b.reason.length > 0, `${b.name} says why it is unavailable`);
  }
  assert.equal(report.ffmpeg.source, 'npm', 'the ffmpeg npm ci installs');
  assert.match(report.ffmpeg.version, /^ffmpeg version /);
  assert.equal(report.backends.find((b: { name: string }) => b.name === 'wasm').available, true);
});

test('an unknown backend is a clear error naming its source', () => {
  const r = vadapter(['doctor'], { VADAPTER_BACKEND: 'wsam' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown backend "wsam" \(from \$VADAPTER_BACKEND\).*did you mean "wasm"/);
});

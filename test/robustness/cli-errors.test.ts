// The CLI's promises on ordinary accidents, checked on the real command line (bin/vadapter.js as a
// child process): a user's mistake or a damaged file prints one line naming the option or file and
// exits 2, before anything is written; a bug prints `internal error` and how to report it, exit 1;
// a closed stdout ends quietly; `plan` writes nothing, not even the synthetic data `run` would make.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNTH_SETS } from '../../src/data/synth/sets.ts';
import { openDb } from '../../src/track/db.ts';
import { MIGRATIONS } from '../../src/track/migrations.ts';
import { createRun, finishRun } from '../../src/track/runs.ts';
import { BIN, ENV, finished, tempDir, writeSpec, type Result } from '../exec/helpers.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

/** Without $VADAPTER_DEBUG, whatever the caller's environment says, unless `env` sets it. */
function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const { VADAPTER_DEBUG: _debug, ...base } = ENV;
  return finished(spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** A tracking DB under `root` holding finished runs with these ids, oldest first. */
function dbWithRuns(root: string, ids: string[]): void {
  const db = openDb(root);
  for (const id of ids) {
    createRun(db, { id, experiment: 'e', specPath: 'e.yaml', overrides: [], plugins: [], codeVersion: 'c', gitCommit: null, gitDirty: null, versions: {}, jobs: 1 }, []);
    finishRun(db, id, 'done');
  }
  db.close();
}

const REPORT_LINE = '  this is a bug in vadapter, not in your input: please report it with the command you ran and the stack trace that VADAPTER_DEBUG=1 prints\n';

test('run --jobs abc, 0 and -1: the option and what it expects, exit 2, nothing written', async () => {
  const dir = scratch();
  const spec = writeSpec(dir, '  a: { kind: linreg, steps: 2 }\n');
  const root = join(dir, 'runs');
  for (const [value, shown] of [['abc', '"abc"'], ['0', '0'], ['-1', '-1'], ['1.5', '1.5']]) {
    const r = await cli(['run', spec, '--root', root, '--jobs', value]);
    assert.equal(r.stderr, `✖ --jobs: expected a positive integer, got ${shown}\n`, `--jobs ${value}`);
    assert.equal(r.code, 2, `--jobs ${value}`);
    assert.equal(r.stdout, '');
  }
  assert.equal(existsSync(root), false, 'no runs root, no database');
});

test('every numeric option goes through the same check', async () => {
  const cases: [string[], string][] = [
    [['model', 'summary', 'vadapter', '--frames', '-3'], '--frames: expected a positive integer, got -3'],
    [['run', 'x.yaml', '--progress-every', '0'], '--progress-every: expected a positive number, got 0'],
    [['status', '--limit', '0'], '--limit: expected a positive integer, got 0'],
    [['diagnose', 'prefix', 'x.yaml', '--trial', '-1'], '--trial: expected a non-negative integer, got -1'],
    [['diagnose', 'prefix', 'x.yaml', '--steps', 'many'], '--steps: expected a positive integer, got "many"'],
    [['gc', '--keep-best', '-1'], '--keep-best: expected a non-negative integer, got -1'],
    [['compare', '--smooth', '1'], '--smooth: expected a number in [0, 1), got 1'],
    [['stage', 'exec', '--run', 'r', '--stage', 's', '--trial', '2', '--trial', '3'], '--trial: expected a non-negative integer, got 2 values (2, 3); give it once'],
    [['run', 'x.yaml', '--jobs'], 'Not enough arguments following: jobs'],
    [['status', '--backend', 'wsam'], 'unknown backend "wsam" (from --backend) (did you mean "wasm"?); expected one of: auto, tensorflow, webgpu, wasm, cpu'],
    [['status', '--bogus'], 'Unknown argument: bogus'],
  ];
  for (const [args, message] of cases) {
    const r = await cli([...args, '--root', join(scratch(), 'runs')]);
    assert.equal(r.stderr, `✖ ${message}\n`, args.join(' '));
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
});

test('status --run nope names the database and the latest runs, exit 2', async () => {
  const empty = join(scratch(), 'runs');
  const none = await cli(['status', '--root', empty, '--run', 'nope']);
  assert.equal(none.stderr, `✖ no run "nope" in ${join(empty, 'vadapter.db')}; there are no runs yet\n`);
  assert.equal(none.code, 2);
  assert.equal(existsSync(empty), false, 'status creates nothing');

  const root = join(scratch(), 'runs');
  dbWithRuns(root, ['r1', 'r2', 'r3', 'r4']);
  const r = await cli(['status', '--root', root, '--run', 'nope']);
  assert.equal(r.stderr, `✖ no run "nope" in ${join(root, 'vadapter.db')}; the latest: r4, r3, r2 (\`vadapter status\` lists more)\n`);
  assert.equal(r.code, 2);
});

test('a vadapter.db of garbage is named, left as it is, exit 2', async () => {
  const root = scratch();
  const file = join(root, 'vadapter.db');
  let x = 12345;
  const garbage = Buffer.from(Array.from({ length: 4096 }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24)));
  writeFileSync(file, garbage);
  for (const args of [['status'], ['run', writeSpec(scratch(), '  a: { kind: linreg, steps: 2 }\n')]]) {
    const r = await cli([...args, '--root', root]);
    assert.equal(r.stderr, `✖ ${file}: not a vadapter database (file is not a database); move it away or pass --root\n`, args[0]);
    assert.equal(r.code, 2, args[0]);
  }
  assert.deepEqual(readFileSync(file), garbage);
  assert.deepEqual(readdirSync(root), ['vadapter.db']);
});

test('a vadapter.db from a newer schema is named, exit 2', async () => {
  const root = scratch();
  const db = openDb(root);
  db.pragma('user_version = 999');
  db.close();
  const r = await cli(['status', '--root', root]);
  assert.equal(r.stderr, `✖ ${join(root, 'vadapter.db')}: schema version 999 is newer than this vadapter knows (${MIGRATIONS.length}): written by a newer vadapter; upgrade it, or pass --root\n`);
  assert.equal(r.code, 2);
});

test('a closed stdout (status | head -c 1) ends quietly with exit 0', async () => {
  const root = scratch();
  dbWithRuns(root, Array.from({ length: 2000 }, (_, i) => `run-${String(i).padStart(4, '0')}`)); // ~150 KB of table: more than a pipe holds
  const { VADAPTER_DEBUG: _debug, ...env } = ENV;
  const child = spawn(process.execPath, [BIN, 'status', '--root', root, '--limit', '2000'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let read = 0;
  child.stdout.once('data', (chunk: Buffer) => {
    read = chunk.length;
    child.stdout.destroy();
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(read > 0, 'the reader saw output before it closed');
  assert.equal(stderr, '');
  assert.doesNotMatch(stderr, /EPIPE/);
  assert.equal(code, 0);
});

test('an internal error says so and how to report it, exit 1; the stack only with VADAPTER_DEBUG=1', async () => {
  const dir = scratch();
  const plugin = join(dir, 'broken-kind.mjs');
  writeFileSync(plugin, `export default {
  kind: 'broken', configSchema: {}, totalSteps: () => 1, run: async () => {},
  get describe() { throw new TypeError('describe exploded'); },
};\n`);
  const r = await cli(['stage', 'kinds', '--plugin', plugin]);
  assert.equal(r.stderr, `✖ internal error: TypeError: describe exploded\n${REPORT_LINE}`);
  assert.equal(r.code, 1);

  const debug = await cli(['stage', 'kinds', '--plugin', plugin], { VADAPTER_DEBUG: '1' });
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /^✖ internal error: TypeError: describe exploded\nTypeError: describe exploded\n {4}at get describe /);
  assert.ok(debug.stderr.endsWith(REPORT_LINE));
});

test('plan names the synthetic data run would generate and writes none of it', async () => {
  const dir = scratch();
  const spec = join(dir, 'synth.yaml');
  writeFileSync(spec, `name: synthplan
data:
  synthetic: { root: data, scale: tiny, seed: 0 }
models:
  vit: { preset: vit-tiny, layers: 1, width: 32, mlp: 64, heads: 2 }
  text: { preset: lm-tiny, vocab: 128, layers: 1, width: 32, mlp: 64, heads: 2, kvHeads: 2 }
stages:
  vision: { kind: pretrain-vision, text: text, steps: 2 }
`);
  const data = join(dir, 'data');
  const root = join(dir, 'runs');
  const r = await cli(['plan', spec, '--root', root]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[1], `would generate synthetic data: ${[...SYNTH_SETS.map((s) => s.name), 'tokenizer.json'].join(', ')} under ${data}`);
  assert.match(lines.find((l) => l.startsWith('vision '))!, /run \(needs data\) +needs data: .*\/webli, .*\/vtp, .*\/smit, .*\/tokenizer\.json do not exist/);
  assert.doesNotMatch(r.stdout, /missing data/, 'run makes these, so they are not listed as missing');
  assert.equal(existsSync(data), false, 'no synthetic data generated');
  assert.equal(existsSync(root), false, 'no runs root');

  const json = await cli(['plan', spec, '--root', root, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const planned = JSON.parse(json.stdout) as { wouldGenerate: { root: string; datasets: string[]; tokenizer: string | null }[] };
  assert.deepEqual(planned.wouldGenerate.map((p) => [p.root, p.datasets, p.tokenizer]), [[data, SYNTH_SETS.map((s) => s.name), join(data, 'tokenizer.json')]]);
  assert.equal(existsSync(data), false);

  const synth = await cli(['data', 'synth', '--scale', 'tiny', '--seed', '0', '--out', data, '--json']);
  assert.equal(synth.code, 0, synth.stderr);
  const after = await cli(['plan', spec, '--root', root]);
  assert.equal(after.code, 0, after.stderr);
  assert.doesNotMatch(after.stdout, /would generate|needs data/, 'once generated, nothing is pending');
});

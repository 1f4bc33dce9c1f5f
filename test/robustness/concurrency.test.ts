// Concurrent use of one root: two runs of overlapping sweeps at once (after a killed run left its
// lock behind), many trials of two runs sharing one upstream output at a high --jobs, gc while a
// run goes, three processes writing metrics into one database, and eight processes racing for a
// store lock whose owner died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { checkpointDamage } from '../../src/ckpt/digest.ts';
import { collectGarbage } from '../../src/exec/gc.ts';
import { liveCheckpoints } from '../../src/track/checkpoints.ts';
import { openDb } from '../../src/track/db.ts';
import { finished, query, runJson, start, tempDir, vadapter, waitFor, writeSpec } from '../exec/helpers.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Run a TypeScript module body in a fresh process (from the repository root); resolves to its exit code. */
function script(body: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', body, ...args], { cwd: REPO, stdio: 'inherit' });
    child.on('exit', resolve);
  });
}

function lastCheckpoints(root: string): { fingerprint: string; step: number; sha256: string }[] {
  return query(root, "SELECT c.fingerprint, c.step, c.sha256 FROM checkpoints c JOIN checkpoint_tags t ON t.checkpoint_id = c.id AND t.tag = 'last' ORDER BY c.fingerprint");
}

function metrics(root: string): { fingerprint: string; key: string; step: number; value: number }[] {
  return query(root, 'SELECT fingerprint, key, step, value FROM metrics ORDER BY fingerprint, key, step');
}

/** How many stage processes worked on each output (a process that found it done records `cached` without starting). */
function attemptsPerOutput(root: string, runs: string[]): number[] {
  const rows = query<{ n: number }>(root, `SELECT COUNT(*) AS n FROM stages WHERE started_at IS NOT NULL AND run_id IN (${runs.map(() => '?').join(', ')})
    GROUP BY fingerprint ORDER BY fingerprint`, ...runs);
  return rows.map((r) => r.n);
}

function maxCheckpointStep(root: string): number {
  try {
    return query<{ s: number | null }>(root, 'SELECT MAX(step) AS s FROM checkpoints')[0].s ?? 0;
  } catch {
    return 0; // the database is not there yet
  }
}

test('two runs of overlapping sweeps at once, after a killed run left its lock: each shared stage is computed once, both finish', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, `  base: { kind: linreg, steps: 40, every: 10, delayMs: 25 }
  other: { kind: linreg, steps: 30, every: 10 }
  leaf: { kind: linreg, steps: 4, every: 2, init: base }
`);
  const victim = start(['run', spec, '--root', root, 'seed=1'], { detached: true });
  const killed = finished(victim);
  await waitFor(() => maxCheckpointStep(root) >= 10, 60_000, 'a checkpoint of base');
  process.kill(-victim.pid!, 'SIGKILL'); // leaves base's store lock behind, its owner dead
  await killed;

  const [a, b] = await Promise.all([
    finished(start(['run', spec, '--root', root, 'seed=1', '-j', '2', '--json'])),
    finished(start(['run', spec, '--root', root, 'seed=1,2', '-j', '3', '--json'])),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const runs = [a, b].map((r) => JSON.parse(r.stdout).runId as string);
  assert.deepEqual(attemptsPerOutput(root, runs), [1, 1, 1, 1, 1, 1], 'six outputs (3 stages x seeds 1, 2), each worked on by one process');
  const perOutput = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM metrics GROUP BY fingerprint ORDER BY n');
  assert.deepEqual(perOutput.map((r) => r.n), [8, 8, 60, 60, 80, 80], 'every step x 2 keys once');
  assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM checkpoints')[0].n, 2 * (4 + 3 + 2));

  const reference = join(dir, 'reference');
  const straight = await runJson(spec, reference, ['seed=1,2']);
  assert.equal(straight.result.code, 0, straight.result.stderr);
  assert.deepEqual(lastCheckpoints(root), lastCheckpoints(reference), 'the same final checkpoints as one uninterrupted run');
  assert.deepEqual(metrics(root), metrics(reference));
});

test('trials of two runs sharing one upstream output, 12 jobs each: every trial starts from its final checkpoint', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, `  base: { kind: linreg, steps: 12, every: 4, delayMs: 20 }
  shared: { kind: linreg, steps: 8, every: 4, init: base, delayMs: 20 }
  leaf: { kind: linreg, steps: 2, init: shared }
`);
  const rates = (from: number) => Array.from({ length: 12 }, (_, i) => ((from + i) / 1000).toFixed(3)).join(',');
  const [a, b] = await Promise.all([10, 30].map((from) => finished(start(['run', spec, '--root', root, `+stages.leaf.lr=${rates(from)}`, '-j', '12', '--json']))));
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const runs = [a, b].map((r) => JSON.parse(r.stdout).runId as string);
  assert.deepEqual(query(root, "SELECT status, COUNT(*) AS n FROM stages WHERE name = 'leaf' GROUP BY status"), [{ status: 'done', n: 24 }]);
  const shared = query<{ fingerprint: string; step: number; sha256: string }>(root,
    "SELECT c.fingerprint, c.step, c.sha256 FROM checkpoints c JOIN checkpoint_tags t ON t.checkpoint_id = c.id AND t.tag = 'last' JOIN stages s ON s.fingerprint = c.fingerprint WHERE s.name = 'shared' LIMIT 1")[0];
  const starts = query(root, "SELECT upstream_fingerprint AS fingerprint, step, sha256, COUNT(*) AS n FROM edges WHERE upstream_stage = 'shared' GROUP BY 1, 2, 3");
  assert.deepEqual(starts, [{ ...shared, n: 24 }], 'all 24 leaves started from the final checkpoint of shared');
  assert.deepEqual(attemptsPerOutput(root, runs).filter((n) => n !== 1), [], 'base and shared computed once for both runs');
});

test('gc during a run deletes nothing the run uses: it ends as a run without gc does', async () => {
  const dir = tempDir();
  const spec = writeSpec(dir, `  a: { kind: linreg, steps: 12, every: 1, delayMs: 30 }
  b: { kind: linreg, steps: 12, every: 1, init: a, delayMs: 30 }
  c: { kind: linreg, steps: 12, every: 1, init: b, delayMs: 30 }
`);
  const reference = join(dir, 'reference');
  const straight = await runJson(spec, reference);
  assert.equal(straight.result.code, 0, straight.result.stderr);

  const root = join(dir, 'runs');
  const running = finished(start(['run', spec, '--root', root]));
  const ended = { yet: false };
  void running.finally(() => (ended.yet = true));
  await waitFor(() => maxCheckpointStep(root) >= 1, 60_000, 'a first checkpoint');
  const db = openDb(root);
  let freed = 0;
  let cliRuns = 0;
  const cli = (async () => {
    for (; !ended.yet; cliRuns++) assert.equal((await vadapter(['gc', '--root', root, '--keep-best', '0'])).code, 0);
  })();
  while (!ended.yet) {
    freed += collectGarbage(db, { root, keepBest: 0, dryRun: false }).freed.length;
    await sleep(5);
  }
  await cli;
  const result = await running;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(freed > 0 && cliRuns > 0, `gc ran while the run went (${freed} checkpoints freed in-process, ${cliRuns} vadapter gc)`);
  assert.deepEqual(query(root, 'SELECT name, status FROM stages ORDER BY id'), ['a', 'b', 'c'].map((name) => ({ name, status: 'done' })));
  for (const c of liveCheckpoints(db)) assert.equal(checkpointDamage(join(root, c.path), c), null, `${c.path} intact`);
  const edges = query<{ fingerprint: string; step: number }>(root, 'SELECT upstream_fingerprint AS fingerprint, step FROM edges ORDER BY 1');
  for (const e of edges) assert.ok(liveCheckpoints(db, e.fingerprint).some((c) => c.step === e.step), `the checkpoint ${e.fingerprint}@${e.step} a stage started from is kept`);
  db.close();
  assert.deepEqual(lastCheckpoints(root), lastCheckpoints(reference), 'the same final checkpoints');
  assert.deepEqual(metrics(root), metrics(reference), 'the same metrics');
});

const WRITER = `
import { openDb } from './src/track/db.ts';
import { MetricWriter } from './src/track/metrics.ts';
const [root, fp] = process.argv.slice(1);
const w = new MetricWriter(openDb(root), fp, 50);
for (let step = 0; step < 3000; step++) w.log(step, { loss: step / 7, other: step * ${Math.PI} });
w.flush();
`;

test('3 processes writing 6000 metric rows each into one database at once lose nothing', async () => {
  const root = join(tempDir(), 'runs');
  openDb(root).close();
  const writers = ['a', 'b', 'c'].map((fp) => script(WRITER, [root, fp]));
  assert.deepEqual(await Promise.all(writers), [0, 0, 0]);
  const expected = ['a', 'b', 'c'].flatMap((fingerprint) =>
    ['loss', 'other'].flatMap((key) => Array.from({ length: 3000 }, (_, step) => ({ fingerprint, key, step, value: key === 'loss' ? step / 7 : step * Math.PI }))));
  assert.deepEqual(metrics(root), expected, '18000 rows, each value as written');
});

const LOCKER = `
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireStoreLock, exclusiveIn } from './src/exec/store-lock.ts';
import { openDb } from './src/track/db.ts';
const [root, dir, out, at] = process.argv.slice(1);
const db = openDb(root);
while (Date.now() < Number(at)); // all contenders arrive at once
const release = await acquireStoreLock(dir, new AbortController().signal, exclusiveIn(db));
const from = Date.now();
await sleep(150);
appendFileSync(out, JSON.stringify([from, Date.now()]) + '\\n');
release();
`;

test('eight processes racing for a store lock whose owner died hold it one at a time', async () => {
  const root = join(tempDir(), 'runs');
  const dir = join(root, 'store', '0123456789abcdef');
  const out = join(root, 'held.jsonl');
  openDb(root).close();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: 2 ** 22 + 4321, host: hostname() })); // no such process
  const at = String(Date.now() + 4000);
  assert.deepEqual(await Promise.all(Array.from({ length: 8 }, () => script(LOCKER, [root, dir, out, at]))), Array(8).fill(0));
  const spans = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as [number, number]).sort((x, y) => x[0] - y[0]);
  assert.equal(spans.length, 8);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 1][1], `holder ${i + 1} took the lock at ${spans[i][0]}, before holder ${i} let go at ${spans[i - 1][1]}`);
});

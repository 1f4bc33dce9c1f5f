import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { query, runJson, tempDir, vadapter, writeSpec } from './helpers.ts';

const STAGES = `  base: { kind: linreg, steps: 12, every: 4 }
  tune: { kind: linreg, steps: 6, every: 3, init: base }
  other: { kind: linreg, steps: 5 }
`;

test('a run trains every stage; the second is all cached; a changed key re-runs exactly it and its dependents', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, STAGES);

  const first = await runJson(spec, root);
  assert.equal(first.result.code, 0, first.result.stderr);
  assert.deepEqual(first.statuses, { '0/base': 'done', '0/tune': 'done', '0/other': 'done' });
  const metricRows = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM metrics')[0].n;
  assert.equal(metricRows, (12 + 6 + 5) * 2, 'loss and w0 at every step of every stage');
  const edge = query<{ upstream_stage: string; step: number; sha256: string }>(root, "SELECT upstream_stage, step, sha256 FROM edges WHERE role = 'init'")[0];
  const baseLast = query<{ sha256: string }>(root, "SELECT c.sha256 FROM checkpoints c JOIN checkpoint_tags t ON t.checkpoint_id = c.id AND t.tag = 'last' WHERE c.fingerprint = ?", first.summary.stages[0].fingerprint)[0];
  assert.deepEqual(edge, { upstream_stage: 'base', step: 12, sha256: baseLast.sha256 }, 'tune started from base at its last step, by hash');

  const second = await runJson(spec, root);
  assert.equal(second.result.code, 0, second.result.stderr);
  assert.deepEqual(second.statuses, { '0/base': 'cached', '0/tune': 'cached', '0/other': 'cached' });
  const started = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM stages WHERE run_id = ? AND started_at IS NOT NULL', second.summary.runId)[0].n;
  assert.equal(started, 0, 'nothing ran');
  assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM metrics')[0].n, metricRows);
  console.log(`second (all cached) run took ${second.summary.seconds.toFixed(2)} s inside the runner`);

  const plan = await vadapter(['plan', spec, 'stages.base.steps=10', '--root', root, '--json']);
  assert.equal(plan.code, 0, plan.stderr);
  const planned = JSON.parse(plan.stdout).trials[0].stages as { stage: string; action: string; reasons: string[] }[];
  assert.deepEqual(planned.map((s) => [s.stage, s.action]), [['base', 'run'], ['tune', 'run'], ['other', 'cached']]);
  assert.match(planned[0].reasons[0], /config\.steps: 12 -> 10$/);
  assert.match(planned[1].reasons[0], /upstream init changed/);

  const third = await runJson(spec, root, ['stages.base.steps=10']);
  assert.equal(third.result.code, 0, third.result.stderr);
  assert.deepEqual(third.statuses, { '0/base': 'done', '0/tune': 'done', '0/other': 'cached' });
  const runDirLog = readFileSync(join(root, third.summary.runId, 'logs', 't0.tune.log'), 'utf8');
  assert.match(runDirLog, /done: w = /);
});

test('a sweep runs stages shared by its trials once; the other trials reuse them', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, STAGES);
  const { result, summary, statuses } = await runJson(spec, root, ['stages.other.steps=3,4', '--jobs', '2']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(statuses, {
    '0/base': 'done', '0/tune': 'done', '0/other': 'done',
    '1/base': 'cached', '1/tune': 'cached', '1/other': 'done',
  });
  const outputs = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM outputs')[0].n;
  assert.equal(outputs, 4);
  const twin = query<{ cached_from: string }>(root, "SELECT cached_from FROM stages WHERE trial = 1 AND name = 'base'")[0];
  assert.equal(twin.cached_from, summary.runId);
});

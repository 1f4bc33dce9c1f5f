import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished, query, runJson, start, tempDir, vadapter, waitFor, writeSpec } from './helpers.ts';

const STAGES = `  base: { kind: linreg, steps: 16, every: 4, delayMs: 120 }
  tune: { kind: linreg, steps: 4, every: 2, init: base }
`;

interface Final {
  fingerprint: string;
  sha256: string;
}

function finals(root: string): Final[] {
  return query<Final>(root, `SELECT c.fingerprint, c.sha256 FROM checkpoints c JOIN checkpoint_tags t ON t.checkpoint_id = c.id AND t.tag = 'last' ORDER BY c.fingerprint`);
}

function metrics(root: string): { fingerprint: string; key: string; step: number; value: number }[] {
  return query(root, 'SELECT fingerprint, key, step, value FROM metrics ORDER BY fingerprint, key, step');
}

function checkpointStep(root: string): number {
  try {
    return query<{ s: number | null }>(root, 'SELECT MAX(step) AS s FROM checkpoints')[0].s ?? 0;
  } catch {
    return 0; // the database is not there yet
  }
}

test('a run killed with SIGKILL mid-stage resumes from its last checkpoint and ends bit-identical', async () => {
  const dir = tempDir();
  const spec = writeSpec(dir, STAGES);
  const reference = join(dir, 'reference');
  const killed = join(dir, 'killed');

  const straight = await runJson(spec, reference);
  assert.equal(straight.result.code, 0, straight.result.stderr);

  const victim = start(['run', spec, '--root', killed], { detached: true });
  const closed = finished(victim);
  await waitFor(() => checkpointStep(killed) >= 8, 60_000, 'a checkpoint at step 8');
  process.kill(-victim.pid!, 'SIGKILL'); // the run and its stage process, as a power cut would
  await closed;
  const before = checkpointStep(killed);
  assert.ok(before >= 8 && before < 16, `killed mid-stage (last checkpoint at step ${before})`);

  const plan = JSON.parse((await vadapter(['plan', spec, '--root', killed, '--json'])).stdout);
  assert.deepEqual(plan.trials[0].stages.map((s: { action: string }) => s.action), ['resume', 'run']);
  assert.equal(plan.trials[0].stages[0].resumeFrom.step, before);
  assert.deepEqual(plan.trials[0].stages[0].reasons, [`an earlier attempt (interrupted) checkpointed step ${before}`], 'the dead process is noticed');

  const again = await runJson(spec, killed);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.deepEqual(again.statuses, { '0/base': 'done', '0/tune': 'done' });
  assert.match(readFileSync(join(killed, again.summary.runId, 'logs', 't0.base.log'), 'utf8'), new RegExp(`resuming after step ${before}`));

  assert.deepEqual(finals(killed), finals(reference), 'the same final checkpoints, byte for byte');
  assert.deepEqual(metrics(killed), metrics(reference), 'the same metrics, each step once');
  const runs = query<{ status: string }>(killed, 'SELECT status FROM runs ORDER BY started_at');
  assert.deepEqual(runs.map((r) => r.status), ['interrupted', 'done'], 'the killed run is marked interrupted');
});

test('Ctrl-C stops a run cleanly: the stage is marked interrupted and resumable, nothing is left locked', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, STAGES);
  const child = start(['run', spec, '--root', root], { detached: true });
  const closed = finished(child);
  await waitFor(() => checkpointStep(root) >= 4, 60_000, 'a first checkpoint');
  process.kill(-child.pid!, 'SIGINT'); // what the terminal sends to the foreground group
  const result = await closed;
  assert.equal(result.code, 130, result.stderr);
  const stages = query<{ name: string; status: string }>(root, 'SELECT name, status FROM stages ORDER BY id');
  assert.deepEqual(stages, [{ name: 'base', status: 'interrupted' }, { name: 'tune', status: 'interrupted' }]);
  assert.deepEqual(query(root, 'SELECT status FROM runs'), [{ status: 'interrupted' }]);
  const fp = query<{ fingerprint: string }>(root, "SELECT fingerprint FROM stages WHERE name = 'base'")[0].fingerprint;
  assert.equal(existsSync(join(root, 'store', fp, '.lock')), false);
  const plan = JSON.parse((await vadapter(['plan', spec, '--root', root, '--json'])).stdout);
  assert.equal(plan.trials[0].stages[0].action, 'resume');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJobs, type JobOutcome } from '../../src/exec/scheduler.ts';

const JOBS = [
  { id: 'a', deps: [] },
  { id: 'b', deps: ['a'] },
  { id: 'c', deps: ['b'] },
  { id: 'd', deps: [] },
  { id: 'e', deps: ['d', 'external'] },
];

function starter(outcomes: Record<string, JobOutcome>, log: string[], active = { now: 0, max: 0 }) {
  return async (id: string): Promise<JobOutcome> => {
    log.push(id);
    active.max = Math.max(active.max, ++active.now);
    await new Promise((r) => setTimeout(r, 5));
    active.now--;
    return outcomes[id] ?? 'done';
  };
}

test('jobs run after their dependencies, up to the concurrency limit', async () => {
  const log: string[] = [];
  const active = { now: 0, max: 0 };
  const results = await runJobs(JOBS, starter({}, log, active), { concurrency: 2 });
  assert.deepEqual([...results.values()], ['done', 'done', 'done', 'done', 'done']);
  assert.ok(log.indexOf('a') < log.indexOf('b') && log.indexOf('b') < log.indexOf('c') && log.indexOf('d') < log.indexOf('e'));
  assert.equal(active.max, 2);
});

test('a failure skips only what depends on it, transitively', async () => {
  const log: string[] = [];
  const results = await runJobs(JOBS, starter({ a: 'failed' }, log), { concurrency: 1 });
  assert.deepEqual(Object.fromEntries(results), { a: 'failed', b: 'skipped', c: 'skipped', d: 'done', e: 'done' });
  assert.deepEqual(log.sort(), ['a', 'd', 'e']);
});

test('after an abort nothing new starts and the rest is reported interrupted', async () => {
  const controller = new AbortController();
  const log: string[] = [];
  const results = await runJobs(JOBS, async (id) => {
    log.push(id);
    controller.abort();
    return 'interrupted';
  }, { concurrency: 1, signal: controller.signal });
  assert.deepEqual(log, ['a']);
  assert.deepEqual([...results.values()].sort(), ['interrupted', 'interrupted', 'interrupted', 'interrupted', 'interrupted']);
});

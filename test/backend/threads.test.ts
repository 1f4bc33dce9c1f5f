// The wasm backend on several threads ($VADAPTER_THREADS): the threaded build really runs a pool of
// that size, trains to the same bits as one thread, and bad values are clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requestedThreads, threadsPerJob, MAX_THREADS } from '../../src/backend/wasm/threads.ts';
import { UserError } from '../../src/util/errors.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/threaded-steps.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/vadapter.js', import.meta.url));

function steps(threads: string): { threads: number; losses: number[]; digest: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, VADAPTER_THREADS: threads }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('two threads: the pool has 2 threads and training ends bit-identical to one thread', () => {
  const one = steps('1');
  const two = steps('2');
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  assert.ok(one.losses.every((l, i) => i === 0 || l < one.losses[i - 1]), `the loss should fall every step: ${one.losses}`);
  assert.deepEqual(two.losses, one.losses);
  assert.equal(two.digest, one.digest);
});

test('threads come from $VADAPTER_THREADS, else a Slurm job\'s CPUs per task, else 1; jobs share the cores', () => {
  assert.equal(requestedThreads({}), 1);
  assert.equal(requestedThreads({ VADAPTER_THREADS: '3' }), 3);
  assert.equal(requestedThreads({ SLURM_CPUS_PER_TASK: '4' }), 4);
  assert.equal(requestedThreads({ SLURM_CPUS_PER_TASK: '64' }), MAX_THREADS);
  assert.equal(requestedThreads({ VADAPTER_THREADS: '1', SLURM_CPUS_PER_TASK: '4' }), 1);
  for (const bad of ['0', 'two', '1.5', String(MAX_THREADS + 1)]) {
    assert.throws(() => requestedThreads({ VADAPTER_THREADS: bad }), (e: unknown) => e instanceof UserError && new RegExp(`VADAPTER_THREADS: expected an integer from 1 to ${MAX_THREADS}, got "${bad.replace('.', '\\.')}"`).test(e.message));
  }
  assert.deepEqual([threadsPerJob(1, 2), threadsPerJob(2, 2), threadsPerJob(3, 2), threadsPerJob(2, 16), threadsPerJob(1, 64)], [2, 1, 1, 8, MAX_THREADS]);
});

test('a bad $VADAPTER_THREADS is an exit-2 error naming the variable, without a stack trace', () => {
  const r = spawnSync(process.execPath, [BIN, 'doctor'], { env: { ...process.env, VADAPTER_THREADS: 'many', VADAPTER_BACKEND: 'wasm' }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /\$VADAPTER_THREADS: expected an integer from 1 to 8, got "many"/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

// The Slurm executor against a real Slurm (scripts/slurm-dev-cluster.sh starts a one-node one; CI
// runs it before the tests). Without Slurm these tests say so and skip, except in CI, where they fail.
// Every stage is the linreg test kind, whose result (its weights, loss curve and checkpoints) is
// exact, so "the same result" is checked to the byte against the local executor.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { slurmAvailable } from '../../src/exec/slurm/commands.ts';
import { isProcessAlive } from '../../src/util/liveness.ts';
import { finished, query, runJson, start, tempDir, vadapter, waitFor, writeSpec } from './helpers.ts';

const SLURM = slurmAvailable();
const skip = SLURM || process.env.CI ? false : 'no Slurm here: scripts/slurm-dev-cluster.sh starts a one-node Slurm';

function needSlurm(): void {
  if (!SLURM) assert.fail('CI must have Slurm: .ci/run starts it with scripts/slurm-dev-cluster.sh');
}

const CHAIN = `  a: { kind: linreg, steps: 12, every: 4 }
  b: { kind: linreg, steps: 12, every: 4, init: a }
  c: { kind: linreg, steps: 12, every: 4, init: b }
`;

/** Everything a run computed, as comparable text: metric values and checkpoint digests by fingerprint. */
function results(root: string): { metrics: string; checkpoints: string } {
  const metrics = query<{ fingerprint: string; key: string; step: number; value: number }>(root, 'SELECT fingerprint, key, step, value FROM metrics ORDER BY 1, 2, 3');
  const checkpoints = query<{ fingerprint: string; step: number; sha256: string }>(root, 'SELECT fingerprint, step, sha256 FROM checkpoints WHERE deleted_at IS NULL ORDER BY 1, 2');
  return { metrics: JSON.stringify(metrics), checkpoints: JSON.stringify(checkpoints) };
}

function jobOf(root: string, stage: string): { job_id: string; state: string | null; store: string } | undefined {
  return query<{ job_id: string; state: string | null; store: string }>(root, 'SELECT job_id, state, store FROM cluster_jobs WHERE stage = ? ORDER BY submitted_at DESC LIMIT 1', stage)[0];
}

/** The job of `stage` while the controller may still be creating the database (its file can exist before its tables). */
function jobSoFar(root: string, stage: string): ReturnType<typeof jobOf> {
  if (!existsSync(join(root, 'vadapter.db'))) return undefined;
  try {
    return jobOf(root, stage);
  } catch (err) {
    if (/no such table/.test((err as Error).message)) return undefined;
    throw err;
  }
}

function progressStep(root: string, stage: string): number {
  const job = jobSoFar(root, stage);
  if (!job) return -1;
  try {
    return (JSON.parse(readFileSync(join(root, job.store, 'progress.json'), 'utf8')) as { progress?: { step: number } }).progress?.step ?? -1;
  } catch {
    return -1;
  }
}

/** The stage as its job recorded it in its own store: status and process. */
function storeStage(root: string, stage: string): { status: string; pid: number } | null {
  const job = jobOf(root, stage);
  if (!job) return null;
  const db = new Database(join(root, job.store, 'store.db'), { readonly: true });
  try {
    return (db.prepare('SELECT status, pid FROM stages WHERE name = ?').get(stage) as { status: string; pid: number } | undefined) ?? null;
  } finally {
    db.close();
  }
}

/** A local run of the same spec in a fresh root: the reference result. */
async function localResults(spec: string): Promise<{ metrics: string; checkpoints: string }> {
  const root = tempDir();
  const { result } = await runJson(spec, root);
  assert.equal(result.code, 0, result.stderr);
  return results(root);
}

test('a three-stage graph runs as Slurm jobs in dependency order, with the local executor\'s exact results', { skip, timeout: 180_000 }, async () => {
  needSlurm();
  const dir = tempDir();
  const spec = writeSpec(dir, `${CHAIN}  d: { kind: linreg, steps: 6, every: 3 }\n`);
  const root = join(dir, 'runs');
  const { result, statuses } = await runJson(spec, root, ['--executor', 'slurm']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(statuses, { '0/a': 'done', '0/b': 'done', '0/c': 'done', '0/d': 'done' });
  assert.match(result.stderr, /submitted 0\/b as slurm job \d+ \(after \d+\)/);
  const rows = query<{ name: string; started_at: string; ended_at: string; host: string }>(root, 'SELECT name, started_at, ended_at, host FROM stages ORDER BY id');
  const at = Object.fromEntries(rows.map((r) => [r.name, r]));
  assert.ok(at.b.started_at >= at.a.ended_at && at.c.started_at >= at.b.ended_at, 'each stage starts after its upstream ended');
  const jobs = query<{ stage: string; job_id: string; state: string }>(root, 'SELECT stage, job_id, state FROM cluster_jobs ORDER BY stage');
  assert.deepEqual(jobs.map((j) => [j.stage, j.state]), [['a', 'COMPLETED'], ['b', 'COMPLETED'], ['c', 'COMPLETED'], ['d', 'COMPLETED']]);
  assert.equal(new Set(jobs.map((j) => j.job_id)).size, 4, 'one job per stage');
  assert.deepEqual(results(root), await localResults(spec));
  // the edge of b names a's final checkpoint, merged from a's job store into the root database
  const edge = query<{ upstream_stage: string; step: number }>(root, "SELECT e.upstream_stage, e.step FROM edges e JOIN stages s ON s.id = e.stage_id WHERE s.name = 'b'");
  assert.deepEqual(edge.map((e) => [e.upstream_stage, e.step]), [['a', 12]]);
  // a second run submits nothing: everything is cached
  const again = await runJson(spec, root, ['--executor', 'slurm']);
  assert.deepEqual(Object.values(again.statuses), ['cached', 'cached', 'cached', 'cached']);
  assert.doesNotMatch(again.result.stderr, /submitted/);
});

test('plan --executor slurm prints each job\'s batch script; a bad resource key is a positioned error', { skip, timeout: 60_000 }, async () => {
  const dir = tempDir();
  const spec = writeSpec(dir, `  a: { kind: linreg, steps: 4 }\n  b: { kind: linreg, steps: 4, init: a, slurm: { time: "00:10:00", cpus: 2, gpus: 1 } }\n`, 'fake', 'executor: { kind: slurm, partition: debug, grace: 30 }\n');
  const plan = await vadapter(['plan', spec, '--root', join(dir, 'runs')]);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /## 0\/b: sbatch --dependency=afterok:<job of 0\/a>/);
  assert.match(plan.stdout, /#SBATCH --partition=debug\n#SBATCH --time=00:10:00\n#SBATCH --cpus-per-task=2\n#SBATCH --gres=gpu:1\n#SBATCH --signal=B:USR1@30/);
  assert.match(plan.stdout, /stage exec --root \S+ --run '<run>' --trial 0 --stage b --job-store/);
  const badExecutor = writeSpec(dir, `  a: { kind: linreg, steps: 4 }\n`, 'bad1', 'executor: { kind: slurm, time: "ten minutes" }\n');
  const badStage = writeSpec(dir, `  a: { kind: linreg, steps: 4, slurm: { gpu: 1 } }\n`, 'bad2');
  for (const [spec, message] of [[badExecutor, /bad1\.yaml:3:\d+: executor\.time: a Slurm time/], [badStage, /bad2\.yaml:4:\d+: stages\.a\.slurm\.gpu: unknown key "gpu" \(did you mean "gpus"\?\)/]] as const) {
    const r = await vadapter(['plan', spec, '--root', join(dir, 'runs')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  }
});

test('a job killed mid-stage (scancel --signal=KILL) resumes from its checkpoint on re-run, ending as an uninterrupted run', { skip, timeout: 240_000 }, async () => {
  needSlurm();
  const dir = tempDir();
  const spec = writeSpec(dir, `  a: { kind: linreg, steps: 40, every: 5, delayMs: 150 }\n  b: { kind: linreg, steps: 6, every: 3, init: a }\n`);
  const root = join(dir, 'runs');
  const first = await vadapter(['run', spec, '--root', root, '--executor', 'slurm', '--detach', '--json']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).status, 'running');
  await waitFor(() => progressStep(root, 'a') >= 12, 60_000, 'stage a past step 12');
  execFileSync('scancel', ['--signal=KILL', jobOf(root, 'a')!.job_id]);
  await waitFor(() => !/\S/.test(execFileSync('squeue', ['-h', '-j', `${jobOf(root, 'a')!.job_id},${jobOf(root, 'b')!.job_id}`], { encoding: 'utf8' })), 60_000, 'the jobs to leave the queue');
  const status = await vadapter(['status', '--root', root, '--json']);
  const report = JSON.parse(status.stdout) as { run: { status: string; stageRows: { stage: string; status: string; step: number; job: { state: string } }[] } };
  const a = report.run.stageRows.find((s) => s.stage === 'a')!;
  assert.equal(a.status, 'interrupted');
  assert.equal(a.job.state, 'CANCELLED');
  assert.ok(a.step >= 12 && a.step < 40, `stopped mid-stage at ${a.step}`);
  assert.equal(report.run.stageRows.find((s) => s.stage === 'b')!.status, 'skipped');
  assert.equal(report.run.status, 'interrupted');
  const again = await runJson(spec, root, ['--executor', 'slurm']);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.equal(again.summary.stages.find((s) => s.stage === 'a')!.action, 'resume');
  assert.deepEqual(Object.values(again.statuses), ['done', 'done']);
  // this kind checkpoints every 5 steps: killed at step 12 or later, it resumes from step 10 or later
  const resumedAt = Number(/resuming after step (\d+)/.exec(readFileSync(join(root, again.summary.runId, 'logs', 't0.a.log'), 'utf8'))?.[1]);
  assert.ok(resumedAt >= 10 && resumedAt <= a.step && resumedAt % 5 === 0, `killed at step ${a.step}, resumed after step ${resumedAt}`);
  assert.deepEqual(results(root), await localResults(spec));
});

test('a running job requeued (scontrol requeue, the preemption path) or warned of its time limit (USR1) ends bit-identical', { skip, timeout: 300_000 }, async () => {
  needSlurm();
  for (const how of ['requeue', 'usr1'] as const) {
    const dir = tempDir();
    const spec = writeSpec(dir, `  a: { kind: linreg, steps: 40, every: 10, delayMs: 150 }\n  b: { kind: linreg, steps: 6, every: 3, init: a }\n`);
    const root = join(dir, 'runs');
    const controller = finished(start(['run', spec, '--root', root, '--executor', 'slurm', '--json']));
    await waitFor(() => progressStep(root, 'a') >= 13, 60_000, 'stage a past step 13');
    const id = jobOf(root, 'a')!.job_id;
    if (how === 'requeue') execFileSync('scontrol', ['requeue', id]);
    else execFileSync('scancel', ['--signal=USR1', '--batch', id]);
    // Slurm holds a requeued job back for a while (BeginTime); once the stopped process has recorded
    // its end and the job is queued again, let it start at once. Not within the second of the
    // requeue, though: slurmd revokes the job's credential at a one-second resolution and refuses a
    // relaunch whose credential dates from that same second ("Job credential revoked": the job FAILS).
    await waitFor(() => storeStage(root, 'a')?.status === 'interrupted', 60_000, 'stage a to stop and record it');
    await waitFor(() => !isProcessAlive(storeStage(root, 'a')!.pid), 60_000, 'the stopped process to exit');
    await waitFor(() => /PENDING/.test(execFileSync('squeue', ['-h', '-j', id, '-o', '%T'], { encoding: 'utf8' })), 60_000, 'the job to be requeued');
    await sleep(1500);
    execFileSync('scontrol', ['update', `JobId=${id}`, 'StartTime=now']);
    const result = await controller;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`slurm job ${id} runs again \\(restart 1\\)`));
    const log = readFileSync(join(root, JSON.parse(result.stdout).runId, 'logs', 't0.a.log'), 'utf8');
    assert.match(log, /restart 1\)/);
    if (how === 'usr1') assert.match(log, new RegExp(`time limit near: requeueing slurm job ${id}`));
    // stopped mid-stage and resumed from its last checkpoint (this kind checkpoints every 10 steps)
    const resumedAt = Number(/resuming after step (\d+)/.exec(log)?.[1]);
    assert.ok(resumedAt >= 10 && resumedAt < 40, `${how}: resumed after step ${resumedAt}`);
    assert.deepEqual(results(root).metrics, (await localResults(spec)).metrics, how);
  }
});

test('a failing stage: Slurm cancels exactly its dependents, other branches finish, the log tail is shown', { skip, timeout: 180_000 }, async () => {
  needSlurm();
  const dir = tempDir();
  const spec = writeSpec(dir, `  a: { kind: linreg, steps: 8, every: 4, failAt: 3 }\n  b: { kind: linreg, steps: 4, init: a }\n  c: { kind: linreg, steps: 4, init: b }\n  d: { kind: linreg, steps: 4 }\n  e: { kind: linreg, steps: 4, init: d }\n`);
  const root = join(dir, 'runs');
  const { result, statuses } = await runJson(spec, root, ['--executor', 'slurm']);
  assert.equal(result.code, 1);
  assert.deepEqual(statuses, { '0/a': 'failed', '0/b': 'skipped', '0/c': 'skipped', '0/d': 'done', '0/e': 'done' });
  assert.match(result.stderr, /✖ a failed/);
  assert.match(result.stderr, /\| .*failing at step 3 as configured/);
  const jobs = Object.fromEntries(query<{ stage: string; state: string; reason: string | null }>(root, 'SELECT stage, state, reason FROM cluster_jobs').map((j) => [j.stage, j]));
  assert.equal(jobs.a.state, 'FAILED');
  for (const s of ['b', 'c']) assert.deepEqual([jobs[s].state, jobs[s].reason], ['CANCELLED', 'DependencyNeverSatisfied'], s);
  const skipped = query<{ name: string; error: string }>(root, "SELECT name, error FROM stages WHERE status = 'skipped' ORDER BY name");
  assert.match(skipped[0].error, /slurm cancelled job \d+: upstream a did not finish/);
  // re-running resubmits only what is not done: a, b and c
  const fixed = writeSpec(dir, `  a: { kind: linreg, steps: 8, every: 4 }\n  b: { kind: linreg, steps: 4, init: a }\n  c: { kind: linreg, steps: 4, init: b }\n  d: { kind: linreg, steps: 4 }\n  e: { kind: linreg, steps: 4, init: d }\n`);
  const again = await runJson(fixed, root, ['--executor', 'slurm']);
  assert.equal(again.result.code, 0, again.result.stderr);
  assert.deepEqual(again.statuses, { '0/a': 'done', '0/b': 'done', '0/c': 'done', '0/d': 'cached', '0/e': 'cached' });
});

test('two controllers on one root: a shared stage is computed once and no row is lost', { skip, timeout: 240_000 }, async () => {
  needSlurm();
  const dir = tempDir();
  const shared = '  a: { kind: linreg, steps: 12, every: 4, delayMs: 100 }\n';
  const one = writeSpec(dir, `${shared}  b: { kind: linreg, steps: 8, every: 4, init: a }\n`, 'one');
  const two = writeSpec(dir, `${shared}  c: { kind: linreg, steps: 8, every: 4, init: a, lr: 0.02 }\n`, 'two');
  const root = join(dir, 'runs');
  const [r1, r2] = await Promise.all([runJson(one, root, ['--executor', 'slurm']), runJson(two, root, ['--executor', 'slurm'])]);
  assert.equal(r1.result.code, 0, r1.result.stderr);
  assert.equal(r2.result.code, 0, r2.result.stderr);
  const a = query<{ n: number }>(root, "SELECT count(*) AS n FROM metrics m JOIN stages s ON s.fingerprint = m.fingerprint AND s.name = 'a' AND s.run_id = ?", r1.summary.runId)[0].n;
  assert.equal(a, 24, 'loss and w0 at each of a\'s 12 steps');
  const computedA = [r1, r2].map((r) => r.statuses['0/a']);
  assert.ok(computedA.includes('done') && computedA.every((s) => s === 'done' || s === 'cached'), computedA.join(', '));
  const [l1, l2] = [await localResults(one), await localResults(two)];
  const union = (x: string, y: string) => JSON.stringify([...new Map([...JSON.parse(x), ...JSON.parse(y)].map((r: { fingerprint: string; key?: string; step: number }) => [`${r.fingerprint}/${r.key ?? ''}/${r.step}`, r])).values()].sort((p, q) => (JSON.stringify(p) < JSON.stringify(q) ? -1 : 1)));
  const got = results(root);
  const sorted = (x: string) => JSON.stringify([...JSON.parse(x)].sort((p, q) => (JSON.stringify(p) < JSON.stringify(q) ? -1 : 1)));
  assert.equal(sorted(got.metrics), union(l1.metrics, l2.metrics));
  assert.equal(sorted(got.checkpoints), union(l1.checkpoints, l2.checkpoints));
});

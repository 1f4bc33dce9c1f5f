// The crash campaign: experiments/smoke.yaml run once straight through (the reference), then, in a
// second root, killed with SIGKILL (the `run` process and its stage processes, as a power cut would)
// as a stage has recorded its first checkpoint short of the end, then at 19 seeded random moments of
// the reference's timeline, re-run after each kill, then run to completion. Every checkpoint, metric,
// edge and artifact must equal the reference's, each once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { checkpointDamage } from '../../src/ckpt/digest.ts';
import { Rng } from '../../src/util/rng.ts';
import { finished, query, start, tempDir } from '../exec/helpers.ts';

const SMOKE = fileURLToPath(new URL('../../experiments/smoke.yaml', import.meta.url));
const KILLS = 20;
const SEED = 14;
const POLL_MS = 20;
/** Metrics measured with the clock (throughput, time shares): present at the same steps, values differ. */
const WALL_CLOCK_KEYS = ['train/examples_per_s', 'train/tokens_per_s', 'train/data_share', 'train/compute_share'];

function runArgs(root: string, data: string): string[] {
  return ['run', SMOKE, `data.synthetic.root=${data}`, '--root', root, '--jobs', '2'];
}

interface StageSpan {
  name: string;
  start: number; // seconds after the run process was spawned
  end: number;
}

/** Where in the reference a moment falls: in the stage running then (the one started last), or as the next one starts. */
interface Target {
  moment: number;
  stage: string | null; // null: before any stage started
  offset: number; // seconds after that stage started (or after spawning, for null)
}

function targetOf(moment: number, spans: StageSpan[]): Target {
  const latest = (list: StageSpan[]) => list.sort((a, b) => b.start - a.start)[0];
  const running = latest(spans.filter((s) => s.start <= moment && moment < s.end));
  if (running) return { moment, stage: running.name, offset: moment - running.start };
  const next = spans.filter((s) => s.start > moment).sort((a, b) => a.start - b.start)[0];
  if (next) return { moment, stage: next.name, offset: 0 };
  return spans.some((s) => s.start <= moment) ? { moment, stage: latest(spans).name, offset: moment - latest(spans).start } : { moment, stage: null, offset: moment };
}

function safeQuery<T>(root: string, sql: string, ...params: unknown[]): T[] {
  try {
    return query<T>(root, sql, ...params);
  } catch {
    return []; // the database is not there yet
  }
}

/** Stage `name` of the run with process `pid`: when it started (ms since the epoch) and whether it has ended; null while pending. */
function stageState(root: string, pid: number, name: string): { startedAt: number; ended: boolean } | null {
  const row = safeQuery<{ status: string; started_at: string | null }>(root,
    'SELECT s.status, s.started_at FROM stages s JOIN runs r ON r.id = s.run_id WHERE r.pid = ? AND s.name = ? ORDER BY r.started_at DESC LIMIT 1', pid, name)[0];
  if (!row || row.status === 'pending') return null;
  return { startedAt: row.started_at ? Date.parse(row.started_at) : Date.now(), ended: row.status !== 'running' };
}

/**
 * What a kill waits for once its moment has come: nothing, the next checkpoint write or database
 * commit to begin, or (the campaign's first kill, so that a mid-stage resume is exercised however
 * slow the machine) a stage's next checkpoint short of its last step to be recorded.
 */
type Trigger = 'time' | 'checkpoint write' | 'database write' | 'mid-stage checkpoint';
const EVENT_WAIT_MS = 2000; // no such event within this long (an evaluation writes no checkpoint): kill anyway
const MID_STAGE_WAIT_MS = 120_000;

function drawTrigger(rng: Rng): Trigger {
  const u = rng.float();
  return u < 0.5 ? 'time' : u < 0.75 ? 'checkpoint write' : 'database write';
}

interface Kill {
  target: Target;
  trigger: Trigger;
  landed: boolean; // the run was still going when the signal came
  after: number; // seconds after spawning
  doing: string; // what the killed run was doing, from the database and the store
}

/** A probe that is true once the event happened since the probe was made. */
function eventProbe(root: string, trigger: Trigger): () => boolean {
  if (trigger === 'time') return () => true;
  if (trigger === 'mid-stage checkpoint') {
    const recorded = () => safeQuery<{ n: number }>(root,
      "SELECT COUNT(*) AS n FROM checkpoints c JOIN stages s ON s.fingerprint = c.fingerprint WHERE s.status = 'running' AND c.step < s.total_steps")[0]?.n ?? 0;
    const before = recorded();
    return () => recorded() > before;
  }
  if (trigger === 'checkpoint write') {
    const before = new Set(unfinishedWrites(root));
    return () => unfinishedWrites(root).some((p) => !before.has(p));
  }
  const wal = join(root, 'vadapter.db-wal');
  const stamp = () => (existsSync(wal) ? `${statSync(wal).mtimeMs}/${statSync(wal).size}` : '');
  const before = stamp();
  return () => stamp() !== before;
}

async function killAt(target: Target, trigger: Trigger, root: string, data: string): Promise<Kill> {
  const earlier = new Set(unfinishedWrites(root)); // left by earlier kills
  const spawned = Date.now();
  const child = start(runArgs(root, data), { detached: true });
  const ended = { yet: false };
  const closed = finished(child).finally(() => (ended.yet = true));
  // the moment: that long into the target stage, or as it ends if it ends sooner (a resumed stage does)
  const due = () => {
    if (target.stage === null) return Date.now() >= spawned + target.offset * 1000;
    const state = stageState(root, child.pid!, target.stage);
    return state !== null && (state.ended || Date.now() >= state.startedAt + target.offset * 1000);
  };
  while (!ended.yet && !due()) await sleep(POLL_MS);
  const happened = eventProbe(root, trigger);
  const giveUp = Date.now() + (trigger === 'mid-stage checkpoint' ? MID_STAGE_WAIT_MS : EVENT_WAIT_MS);
  while (!ended.yet && !happened() && Date.now() < giveUp) await sleep(1);
  const after = (Date.now() - spawned) / 1000;
  if (!ended.yet) process.kill(-child.pid!, 'SIGKILL'); // the run and its stage processes
  const end = await closed;
  const cut = unfinishedWrites(root).filter((p) => !earlier.has(p));
  return { target, trigger, landed: end.code === null, after, doing: describeKilled(root, child.pid!, cut) };
}

/** The stages of the killed run left running, with their last recorded step, and a checkpoint write it cut short. */
function describeKilled(root: string, pid: number, cut: string[]): string {
  const rows = safeQuery<{ name: string; step: number | null }>(root,
    "SELECT s.name, s.step FROM stages s JOIN runs r ON r.id = s.run_id WHERE r.pid = ? AND s.status = 'running' ORDER BY s.id", pid);
  const parts = rows.map((r) => `${r.name} at step ${r.step ?? 0}`);
  if (cut.length > 0) parts.push(`checkpoint write cut short: ${cut.join(', ')}`);
  return parts.length > 0 ? parts.join(', ') : 'no stage running (planning, recording or between stages)';
}

/** Temporary checkpoint directories (`.step-N.tmp-PID`): writes in progress, or cut short by a kill. */
function unfinishedWrites(root: string): string[] {
  return storeEntries(root).filter((p) => p.split('/').at(-1)!.startsWith('.step-'));
}

/** Checkpoint directories under the store, relative to the root (hidden ones: writes cut short). */
function storeEntries(root: string): string[] {
  const store = join(root, 'store');
  if (!existsSync(store)) return [];
  return readdirSync(store).flatMap((fp) => {
    const ckpt = join(store, fp, 'ckpt');
    return existsSync(ckpt) ? readdirSync(ckpt).map((name) => relative(root, join(ckpt, name))) : [];
  });
}

/** Everything a run leaves that must not depend on how often it was killed. */
function outcome(root: string) {
  const checkpoints = query<{ fingerprint: string; step: number; path: string; files: string; sha256: string; bytes: number; score: number | null }>(root,
    'SELECT fingerprint, step, path, files, sha256, bytes, score FROM checkpoints WHERE deleted_at IS NULL ORDER BY fingerprint, step');
  for (const c of checkpoints) assert.equal(checkpointDamage(join(root, c.path), { ...c, files: JSON.parse(c.files) }), null, `${c.path} holds what the database records`);
  const clock = WALL_CLOCK_KEYS.map(() => '?').join(', ');
  return {
    checkpoints,
    directories: storeEntries(root).filter((p) => !p.split('/').at(-1)!.startsWith('.')).sort(),
    tags: query(root, 'SELECT c.fingerprint, c.step, t.tag FROM checkpoint_tags t JOIN checkpoints c ON c.id = t.checkpoint_id ORDER BY 1, 2, 3'),
    metricRows: query(root, 'SELECT fingerprint, key, COUNT(*) AS n, MIN(step) AS first, MAX(step) AS last FROM metrics GROUP BY fingerprint, key ORDER BY 1, 2'),
    metricSteps: query(root, 'SELECT fingerprint, key, step FROM metrics ORDER BY 1, 2, 3'),
    metricValues: query(root, `SELECT fingerprint, key, step, value FROM metrics WHERE key NOT IN (${clock}) ORDER BY 1, 2, 3`, ...WALL_CLOCK_KEYS),
    edges: query(root, 'SELECT fingerprint, role, upstream_stage, upstream_fingerprint, step, sha256, path FROM edges ORDER BY 1, 2'),
    artifacts: query(root, 'SELECT fingerprint, name, path, sha256, bytes FROM artifacts ORDER BY 1, 2'),
    outputs: query(root, 'SELECT fingerprint, kind, status, step FROM outputs ORDER BY 1'),
  };
}

test('the smoke pipeline killed with SIGKILL mid-stage and at 19 random moments ends identical to an uninterrupted run', async () => {
  const began = Date.now();
  const dir = tempDir();
  const data = join(dir, 'data');
  const reference = join(dir, 'reference');
  const crashed = join(dir, 'crashed');

  const spawned = Date.now();
  const straight = await finished(start(runArgs(reference, data)));
  const duration = (Date.now() - spawned) / 1000;
  assert.equal(straight.code, 0, straight.stderr);
  const spans: StageSpan[] = query<{ name: string; started_at: string; ended_at: string }>(reference, 'SELECT name, started_at, ended_at FROM stages ORDER BY id')
    .map((s) => ({ name: s.name, start: (Date.parse(s.started_at) - spawned) / 1000, end: (Date.parse(s.ended_at) - spawned) / 1000 }));
  console.log(`reference: ${duration.toFixed(1)} s; ${spans.map((s) => `${s.name} ${s.start.toFixed(1)}-${s.end.toFixed(1)} s`).join(', ')}`);

  // 20 moments of the reference's timeline in order; one that comes after its attempt ended (the
  // pipeline finished first) is replaced by a fresh draw, which then kills a run of cached stages.
  const rng = Rng.derive(SEED, 'crash-campaign');
  const draw = () => ({ moment: rng.float() * duration, trigger: drawTrigger(rng) });
  const queue = [{ moment: 0, trigger: 'mid-stage checkpoint' as Trigger }, ...Array.from({ length: KILLS - 1 }, draw).sort((a, b) => a.moment - b.moment)];
  const kills: Kill[] = [];
  for (let i = 0; i < queue.length && kills.filter((k) => k.landed).length < KILLS && i < 2 * KILLS; i++) {
    const kill = await killAt(targetOf(queue[i].moment, spans), queue[i].trigger, crashed, data);
    kills.push(kill);
    if (!kill.landed) queue.push(draw());
    const t = kill.target;
    const where = t.stage === null ? `${t.offset.toFixed(2)} s after starting` : `${t.offset.toFixed(2)} s into ${t.stage}`;
    console.log(`kill ${kills.length} (moment ${t.moment.toFixed(2)} s: ${where}, then the next ${kill.trigger}) ${kill.landed ? `at ${kill.after.toFixed(2)} s: ${kill.doing}` : 'missed: the run had ended'}`);
    if (existsSync(join(crashed, 'vadapter.db'))) assert.deepEqual(query(crashed, 'PRAGMA quick_check'), [{ quick_check: 'ok' }], `the database is intact after kill ${kills.length}`);
  }
  const landed = kills.filter((k) => k.landed);
  assert.equal(landed.length, KILLS, 'every kill hit a running run');

  const last = await finished(start(runArgs(crashed, data)));
  assert.equal(last.code, 0, last.stderr);
  const runs = query<{ status: string }>(crashed, 'SELECT status FROM runs ORDER BY started_at, id');
  assert.equal(runs.at(-1)!.status, 'done');
  assert.equal(runs.filter((r) => r.status === 'running').length, 0, 'every killed run is marked interrupted');
  const resumed = readdirSync(crashed).filter((d) => existsSync(join(crashed, d, 'logs')))
    .flatMap((d) => readdirSync(join(crashed, d, 'logs')).map((f) => readFileSync(join(crashed, d, 'logs', f), 'utf8')))
    .filter((log) => /resumed at step \d+/.test(log)).length;
  assert.ok(resumed > 0, 'some stage resumed mid-way from a checkpoint');

  const want = outcome(reference);
  const got = outcome(crashed);
  for (const key of Object.keys(want) as (keyof typeof want)[]) assert.deepEqual(got[key], want[key], `${key} equal to the uninterrupted run's`);
  const during = (what: RegExp) => landed.filter((k) => what.test(k.doing)).length;
  console.log(`kills during: a training or evaluate stage ${during(/ at step /)}, evaluation ${during(/eval at step/)}, a checkpoint write ${during(/cut short/)}, ` +
    `no stage ${during(/no stage running/)}`);
  console.log(`${landed.length} kills survived, ${resumed} mid-stage resumes; compared ${want.checkpoints.length} checkpoints, ${want.metricSteps.length} metric rows ` +
    `(${want.metricValues.length} by value), ${want.edges.length} edges, ${want.artifacts.length} artifacts; campaign took ${((Date.now() - began) / 1000).toFixed(0)} s`);
});

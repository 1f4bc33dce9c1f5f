import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb, schemaVersion } from '../../src/track/db.ts';
import { MIGRATIONS } from '../../src/track/migrations.ts';
import { MetricWriter, metricSeries, latestMetrics } from '../../src/track/metrics.ts';
import { latestCheckpoint, liveCheckpoints, markCheckpointDeleted, recordCheckpoint } from '../../src/track/checkpoints.ts';
import { addRun, freshDb, freshRoot } from './helpers.ts';
import { getRun, listRuns, markAbandonedRuns } from '../../src/track/runs.ts';

test('opening migrates a fresh database to the latest schema in WAL mode; reopening changes nothing', () => {
  const root = freshRoot();
  const db = openDb(root);
  assert.equal(schemaVersion(db), MIGRATIONS.length);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  const again = openDb(root);
  assert.equal(schemaVersion(again), MIGRATIONS.length);
  const tables = (again.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  assert.deepEqual(tables, ['artifacts', 'checkpoint_tags', 'checkpoints', 'cluster_jobs', 'edges', 'experiments', 'metrics', 'outputs', 'runs', 'stages', 'trials']);
});

test('a database from a newer vadapter is refused', () => {
  const { root, db } = freshDb();
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  db.close();
  assert.throws(() => openDb(root), /newer than this vadapter knows/);
});

test('metrics replayed after a resume overwrite instead of duplicating; NaN is stored as NULL', () => {
  const { db } = freshDb();
  const w = new MetricWriter(db, 'fp1', 3);
  for (let step = 1; step <= 5; step++) w.log(step, { loss: 10 - step });
  w.flush();
  const replay = new MetricWriter(db, 'fp1');
  for (let step = 3; step <= 6; step++) replay.log(step, { loss: 100 + step, acc: NaN });
  replay.flush();
  assert.deepEqual(metricSeries(db, 'fp1', 'loss'), [
    { step: 1, value: 9 }, { step: 2, value: 8 }, { step: 3, value: 103 }, { step: 4, value: 104 }, { step: 5, value: 105 }, { step: 6, value: 106 },
  ]);
  assert.deepEqual(latestMetrics(db, 'fp1'), { loss: 106, acc: null });
});

test('checkpoints: last follows the highest step, best the best score; deleted ones drop out', () => {
  const { db } = freshDb();
  const save = (step: number, score: number) =>
    recordCheckpoint(db, { fingerprint: 'fp', step, path: `store/fp/ckpt/${step}`, files: ['a'], sha256: `h${step}`, bytes: 10, score, scoreMode: 'min', tags: step === 2 ? ['keep'] : [] });
  save(1, 0.5);
  save(2, 0.1);
  const third = save(3, 0.3);
  assert.deepEqual(third.tags, ['last']);
  assert.deepEqual(liveCheckpoints(db, 'fp').map((c) => [c.step, c.tags]), [[1, []], [2, ['best', 'keep']], [3, ['last']]]);
  markCheckpointDeleted(db, third.id);
  assert.equal(latestCheckpoint(db, 'fp')?.step, 2);
  save(4, 0.05);
  assert.deepEqual(liveCheckpoints(db, 'fp').map((c) => [c.step, c.tags]), [[1, []], [2, ['keep']], [4, ['best', 'last']]]);
});

test('a run left running by a dead process is marked interrupted, a live one is not', () => {
  const { db } = freshDb();
  const live = addRun(db);
  const dead = addRun(db);
  db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(2 ** 22 + 12345, dead);
  db.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(process.ppid, live);
  assert.deepEqual(markAbandonedRuns(db), [dead]);
  assert.equal(getRun(db, dead)?.status, 'interrupted');
  assert.equal(getRun(db, live)?.status, 'running');
  assert.equal(listRuns(db).length, 2);
});

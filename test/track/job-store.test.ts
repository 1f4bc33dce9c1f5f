// Job stores (track/job-store.ts): seeded from the root database with what a stage reads, merged
// back with what it produced, as often as the controller likes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStoreDb, type Db } from '../../src/track/db.ts';
import { mergeJobStore, seedJobStore } from '../../src/track/job-store.ts';
import { ensureOutput, getOutput, setOutputStatus } from '../../src/track/outputs.ts';
import { insertStages, getStage, updateStage } from '../../src/track/stages.ts';
import { liveCheckpoints, markCheckpointDeleted, recordCheckpoint } from '../../src/track/checkpoints.ts';
import { MetricWriter, metricSeries } from '../../src/track/metrics.ts';
import { recordEdges } from '../../src/track/lineage.ts';
import { addRun, freshDb } from './helpers.ts';

function stage(name: string, fingerprint: string, dependsOn: string[] = []) {
  return { trial: 0, name, kind: 'k', fingerprint, action: 'run' as const, reason: '', cachedFrom: null, resumedFromStep: null, dependsOn, upstream: {}, status: 'pending' as const, totalSteps: 4, logPath: null };
}

function checkpoint(db: Db, fingerprint: string, step: number, sha = `sha-${step}`) {
  return recordCheckpoint(db, { fingerprint, step, path: `store/${fingerprint}/ckpt/${step}`, files: ['a'], sha256: sha, bytes: 1, score: null, scoreMode: null, tags: ['mine'] });
}

function setup() {
  const { root, db } = freshDb();
  const run = addRun(db);
  for (const fp of ['up', 'own']) ensureOutput(db, { fingerprint: fp, kind: 'k', inputs: { fp }, totalSteps: 4 });
  const ids = insertStages(db, run, [stage('a', 'up'), stage('b', 'own', ['a'])]);
  setOutputStatus(db, 'up', 'done', ids.get('0/a'));
  checkpoint(db, 'up', 4);
  const store = openStoreDb(join(root, 'jobs', 'b', 'store.db'));
  seedJobStore(store, db.name, run, 0);
  return { root, db, run, ids, store, storePath: store.name };
}

test('a seeded store holds the run, its trial\'s stages, and the outputs and checkpoints they read; nothing else', () => {
  const { db, run, store } = setup();
  const other = addRun(db, 'other');
  insertStages(db, other, [stage('x', 'unrelated')]);
  assert.equal(store.pragma('journal_mode', { simple: true }), 'delete');
  assert.deepEqual((store.prepare('SELECT name FROM stages ORDER BY id').all() as { name: string }[]).map((r) => r.name), ['a', 'b']);
  assert.equal(getStage(store, run, 0, 'b')!.id, getStage(db, run, 0, 'b')!.id, 'the same ids as the root');
  assert.equal(getOutput(store, 'up')!.status, 'done');
  assert.deepEqual(liveCheckpoints(store, 'up').map((c) => [c.step, c.sha256, c.tags]), [[4, 'sha-4', ['last', 'mine']]]);
});

test('merging copies what the stage produced; a second merge changes nothing; gc\'s deletions and newer states survive', () => {
  const { db, run, ids, store, storePath } = setup();
  const b = getStage(store, run, 0, 'b')!;
  // the job: runs b, logs, checkpoints twice, records an edge and its end
  updateStage(store, b.id, { status: 'running', step: 0 });
  const w = new MetricWriter(store, 'own');
  for (let s = 1; s <= 4; s++) w.log(s, { loss: 1 / s });
  w.flush();
  checkpoint(store, 'own', 2);
  checkpoint(store, 'own', 4);
  recordEdges(store, [{ fingerprint: 'own', stageId: b.id, role: 'init', upstreamStage: 'a', upstreamFingerprint: 'up', step: 4, sha256: 'sha-4', path: 'p' }]);
  setOutputStatus(store, 'own', 'done', b.id);
  updateStage(store, b.id, { status: 'done', step: 4, endedAt: new Date().toISOString() });
  store.close();

  const scope = { fingerprint: 'own', stageId: ids.get('0/b')!, lineage: true };
  const snapshot = () => JSON.stringify({
    stage: getStage(db, run, 0, 'b'), output: getOutput(db, 'own'), loss: metricSeries(db, 'own', 'loss'),
    ckpts: liveCheckpoints(db, 'own').map((c) => [c.step, c.tags]), edges: db.prepare('SELECT role, upstream_stage, step FROM edges').all(),
  });
  assert.equal(mergeJobStore(db, storePath, scope), true);
  const once = snapshot();
  assert.equal(getStage(db, run, 0, 'b')!.status, 'done');
  assert.equal(getOutput(db, 'own')!.status, 'done');
  assert.deepEqual(metricSeries(db, 'own', 'loss').map((p) => p.value), [1, 0.5, 1 / 3, 0.25]);
  assert.deepEqual(liveCheckpoints(db, 'own').map((c) => [c.step, c.tags]), [[2, ['mine']], [4, ['last', 'mine']]]);
  mergeJobStore(db, storePath, scope);
  assert.equal(snapshot(), once, 'idempotent');

  // gc deletes step 2 in the root; a later merge of the same store does not bring it back
  markCheckpointDeleted(db, liveCheckpoints(db, 'own')[0].id);
  mergeJobStore(db, storePath, scope);
  assert.deepEqual(liveCheckpoints(db, 'own').map((c) => c.step), [4]);
  // an output the root knows in a newer state is not moved back by an older store
  db.prepare("UPDATE outputs SET status = 'running', updated_at = '9999-01-01T00:00:00.000Z' WHERE fingerprint = 'own'").run();
  mergeJobStore(db, storePath, scope);
  assert.equal(getOutput(db, 'own')!.status, 'running');
  assert.equal(mergeJobStore(db, join(storePath, 'missing.db'), scope), false);
});

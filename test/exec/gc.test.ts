import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { checkpointDirName, writeCheckpointDir } from '../../src/exec/checkpoint-dir.ts';
import { collectGarbage } from '../../src/exec/gc.ts';
import { liveCheckpoints, recordCheckpoint } from '../../src/track/checkpoints.ts';
import { recordEdges } from '../../src/track/lineage.ts';
import { storeDir } from '../../src/track/root.ts';
import type { Db } from '../../src/track/db.ts';
import { freshDb } from '../track/helpers.ts';

function save(db: Db, root: string, fp: string, step: number, score: number): void {
  const dir = join(storeDir(root, fp), 'ckpt', checkpointDirName(step));
  const w = writeCheckpointDir(dir, { 'model.bin': new Uint8Array(1000 * step) });
  recordCheckpoint(db, { fingerprint: fp, step, path: `store/${fp}/ckpt/${checkpointDirName(step)}`, files: w.files, sha256: w.sha256, bytes: w.bytes, score, scoreMode: 'min', tags: [] });
}

test('gc keeps the last, the best k and referenced checkpoints, frees the rest and unrecorded directories', () => {
  const { root, db } = freshDb();
  [5, 1, 4, 3, 2].forEach((score, i) => save(db, root, 'aaaa', i + 1, score));
  save(db, root, 'bbbb', 1, 1);
  save(db, root, 'bbbb', 2, 2);
  writeFileSync(join(storeDir(root, 'bbbb'), '.lock'), JSON.stringify({ pid: process.pid, host: hostname() }));
  recordEdges(db, [{ fingerprint: 'cccc', stageId: null, role: 'init', upstreamStage: 'a', upstreamFingerprint: 'aaaa', step: 3, sha256: 'x', path: null }]);
  mkdirSync(join(storeDir(root, 'aaaa'), 'ckpt', '.step-00000006.tmp-1'), { recursive: true });
  writeCheckpointDir(join(storeDir(root, 'aaaa'), 'ckpt', checkpointDirName(99)), { 'model.bin': 'left by a killed attempt' });

  const dry = collectGarbage(db, { root, keepBest: 1, dryRun: true });
  assert.deepEqual(dry.freed.map((f) => f.path).sort(), [
    'store/aaaa/ckpt/.step-00000006.tmp-1',
    'store/aaaa/ckpt/step-00000001',
    'store/aaaa/ckpt/step-00000004',
    'store/aaaa/ckpt/step-00000099',
  ]);
  assert.equal(dry.freedBytes, 1000 + 4000 + 'left by a killed attempt'.length);
  assert.equal(dry.kept, 5, 'steps 2 (best), 3 (referenced), 5 (last) of aaaa and both of the locked bbbb');
  assert.ok(existsSync(join(storeDir(root, 'aaaa'), 'ckpt', checkpointDirName(1))), 'a dry run frees nothing');

  const real = collectGarbage(db, { root, keepBest: 1, dryRun: false });
  assert.equal(real.freedBytes, dry.freedBytes);
  assert.equal(existsSync(join(storeDir(root, 'aaaa'), 'ckpt', checkpointDirName(1))), false);
  assert.deepEqual(liveCheckpoints(db, 'aaaa').map((c) => [c.step, c.tags]), [[2, ['best']], [3, []], [5, ['last']]]);
  assert.deepEqual(collectGarbage(db, { root, keepBest: 1, dryRun: false }).freed, []);
  assert.equal(collectGarbage(db, { root, keepBest: 0, dryRun: true }).freed.length, 1, 'with k = 0 the best goes too');
});

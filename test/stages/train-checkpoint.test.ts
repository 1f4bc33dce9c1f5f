// A training checkpoint records which kernels computed it; resuming on others warns (their float
// rounding differs, so the run no longer ends bit-identical to an uninterrupted one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointFiles, kernelsWarning, readTrainCheckpoint } from '../../src/stages/training/train-checkpoint.ts';
import { noUnlogged } from '../../src/train/loop.ts';

test('a checkpoint written on some kernels reads back with its parameters, moments, position and kernels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vadapter-ckpt-'));
  const owned = new Map([['lm.w', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]);
  const snapshot = { params: owned, moments: new Map([['m.lm.w', { shape: [2, 3], data: new Float32Array(6).fill(0.5) }]]), optimizerStep: 7, position: { step: 7, skipped: 1, unlogged: noUnlogged() } };
  for (const [file, content] of Object.entries(checkpointFiles(owned, snapshot, { configs: {} as never, sources: {} }, { shard: 3 }, 'wasm+native'))) writeFileSync(join(dir, file), content);
  const back = readTrainCheckpoint(dir);
  assert.equal(back.kernels, 'wasm+native');
  assert.deepEqual(back.data, { shard: 3 });
  assert.equal(back.snapshot.optimizerStep, 7);
  assert.deepEqual(Array.from(back.snapshot.params.get('lm.w')!.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(back.snapshot.moments.get('m.lm.w')!.data), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
});

test('resuming on other kernels than the checkpoint\'s warns; the same kernels, or a checkpoint that does not say, do not', () => {
  assert.equal(kernelsWarning('wasm+native', 'wasm+native'), undefined);
  assert.equal(kernelsWarning(undefined, 'wasm'), undefined);
  assert.match(kernelsWarning('wasm+native', 'wasm')!, /computed with the wasm\+native kernels and this process runs wasm: training continues, but does not end bit-identical/);
});

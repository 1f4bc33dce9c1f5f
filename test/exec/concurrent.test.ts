import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { finished, query, start, tempDir, writeSpec } from './helpers.ts';

test('two runs at once on one root lose no metric, and compute a shared stage once', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, '  base: { kind: linreg, steps: 40, every: 10 }\n  other: { kind: linreg, steps: 30, every: 10 }\n');
  const [a, b] = await Promise.all([
    finished(start(['run', spec, '--root', root, 'seed=1', '-j', '2'])),
    finished(start(['run', spec, '--root', root, 'seed=1,2', '-j', '2'])),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const perOutput = query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM metrics GROUP BY fingerprint ORDER BY n');
  assert.deepEqual(perOutput.map((r) => r.n), [60, 60, 80, 80], 'four outputs (2 stages x seeds 1, 2), every step x 2 keys once');
  const statuses = query<{ status: string; n: number }>(root, 'SELECT status, COUNT(*) AS n FROM stages GROUP BY status ORDER BY status');
  assert.deepEqual(statuses, [{ status: 'cached', n: 2 }, { status: 'done', n: 4 }], 'the seed-1 stages ran in one run and were reused by the other');
  assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM checkpoints')[0].n, 14);
});

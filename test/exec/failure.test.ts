import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { query, tempDir, vadapter, writeSpec } from './helpers.ts';

test('a failing stage stops its dependents only, and the report shows its log tail', async () => {
  const dir = tempDir();
  const root = join(dir, 'runs');
  const spec = writeSpec(dir, `  base: { kind: linreg, steps: 6, failAt: 3 }
  tune: { kind: linreg, steps: 2, init: base }
  other: { kind: linreg, steps: 2 }
`);
  const human = await vadapter(['run', spec, '--root', root]);
  assert.equal(human.code, 1, human.stderr);
  assert.match(human.stdout, /✖ base failed in /);
  assert.match(human.stdout, /\| stage base failed: Error: failing at step 3 as configured/);
  assert.match(human.stdout, /✔ other done in /);
  const rows = query<{ name: string; status: string; error: string | null }>(root, 'SELECT name, status, error FROM stages ORDER BY id');
  assert.deepEqual(rows.map((r) => [r.name, r.status]), [['base', 'failed'], ['tune', 'skipped'], ['other', 'done']]);
  assert.match(rows[0].error ?? '', /^Error: failing at step 3 as configured/);
  assert.equal(rows[1].error, 'upstream base did not finish');

  const status = JSON.parse((await vadapter(['status', '--root', root, '--json'])).stdout);
  assert.equal(status.runs[0].status, 'failed');
  assert.deepEqual(status.run.stageRows.map((s: { status: string }) => s.status), ['failed', 'skipped', 'done']);
  assert.equal(status.run.stageRows[0].step, 3);
  assert.ok(status.run.stageRows[0].metrics.loss > 0);
});

test('a bad spec fails before anything runs, with positioned errors and exit code 2', async () => {
  const dir = tempDir();
  const spec = writeSpec(dir, '  stage1: { kind: linreg, steps: 2 }\n  stage2:\n    kind: linreg\n    steps: ten\n    init: stage3\n');
  const r = await vadapter(['run', spec, '--root', join(dir, 'runs'), 'stages.stage1.stpes=3']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'override stages.stage1.stpes=3: stages.stage1.stpes: no key "stages.stage1.stpes" in the spec (did you mean "stages.stage1.steps"?)\n'.replace(/^/, '✖ '));
  const r2 = await vadapter(['run', spec, '--root', join(dir, 'runs')]);
  assert.equal(r2.code, 2);
  const name = spec.startsWith(process.cwd()) ? spec.slice(process.cwd().length + 1) : spec;
  assert.equal(r2.stderr, `✖ ${name}:7:5: stages.stage2.steps: expected a positive integer, got "ten"\n`);
  const r3 = await vadapter(['run', spec, '--root', join(dir, 'runs'), '++stages.stage2.steps=4']);
  assert.equal(r3.stderr, `✖ ${name}:8:5: stages.stage2.init: stage "stage2" refers to "stage3", which is not a stage (did you mean "stage1"?)\n`);
});

// A dataset directory that does not exist yet: `plan` still shows the graph, marking the stages that
// read it; `run` refuses to start, naming the spec key, where it is written and the directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { emptyDataset } from '../fixtures/empty-dataset.ts';
import { query, runJson, tempDir, vadapter, writeSpec } from './helpers.ts';

function specWithMissingData() {
  const dir = tempDir();
  const web = join(dir, 'datasets', 'web');
  const other = join(dir, 'datasets', 'other');
  const stages = `  prep: { kind: linreg, steps: 3 }\n  fit: { kind: linreg, steps: 3, init: prep, dataset: ${web} }\n  other: { kind: linreg, steps: 3, dataset: ${other} }\n`;
  const spec = writeSpec(dir, stages, 'fake', `data:\n  train: { web: ${web} }\n`);
  return { spec, root: join(dir, 'runs'), web, other };
}

interface Planned { stage: string; action: string; reasons: string[]; needsData: { dir: string; key: string | null; file?: string; line?: number; col?: number }[] }

test('plan fingerprints a missing dataset directory as missing and marks the stages that read it, naming the key and the directory', async () => {
  const { spec, root, web, other } = specWithMissingData();
  const json = await vadapter(['plan', spec, '--root', root, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const stages = JSON.parse(json.stdout).trials[0].stages as Planned[];
  assert.deepEqual(stages.map((s) => [s.stage, s.action, s.needsData.map((m) => [m.key, m.dir, m.line, m.col])]), [
    ['prep', 'run', []],
    ['fit', 'run', [['data.train.web', web, 4, 12]]], // data: first: the key that names it, where it is written
    ['other', 'run', [['stages.other.dataset', other, 8, 36]]], // else the stage's own key
  ]);
  assert.equal(stages[1].reasons[0], `needs data: ${web} does not exist`);

  const text = await vadapter(['plan', spec, '--root', root]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^fit +linreg +[0-9a-f]{16} +run \(needs data\) +needs data: /m);
  assert.match(text.stdout, /^prep +linreg +[0-9a-f]{16} +run +no earlier run/m);
  assert.ok(text.stdout.includes(`missing data (\`vadapter run\` refuses to start until it exists):\n  ${spec}:4:12: data.train.web: ${web} does not exist (read by stage fit): create it with \`vadapter data import\` (docs/data.md) or point data.train.web at an existing dataset\n`), text.stdout);
});

test('run refuses to start while a dataset is missing (exit 2, nothing recorded), and runs once it exists', async () => {
  const { spec, root, web, other } = specWithMissingData();
  const refused = await vadapter(['run', spec, '--root', root]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.deepEqual(refused.stderr.trim().split('\n'), [
    `✖ ${spec}:4:12: data.train.web: ${web} does not exist (read by stage fit): create it with \`vadapter data import\` (docs/data.md) or point data.train.web at an existing dataset`,
    `✖ ${spec}:8:36: stages.other.dataset: ${other} does not exist (read by stage other): create it with \`vadapter data import\` (docs/data.md) or point stages.other.dataset at an existing dataset`,
  ]);
  assert.equal(query<{ n: number }>(root, 'SELECT COUNT(*) AS n FROM runs')[0].n, 0, 'no run recorded');

  emptyDataset(web, 'image-text');
  emptyDataset(other, 'video-text');
  const { result, statuses } = await runJson(spec, root);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(statuses, { '0/prep': 'done', '0/fit': 'done', '0/other': 'done' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { loadSpec } from '../../src/config/load.ts';
import { specDir } from './helpers.ts';

const STAGES = 'stages:\n  a: { kind: k }\n';

test('data paths are relative to the file that writes them; overrides to the working directory', () => {
  const dir = specDir({
    'exp/x.yaml': `include: ../shared/data.yaml\ndata:\n  tokenizer: tok/tokenizer.json\n  synthetic: { root: ../datasets/synth }\n${STAGES}`,
    'shared/data.yaml': 'data:\n  train: { webli: ../datasets/webli }\n  eval: { coco: /abs/coco }\n',
  });
  const data = loadSpec(join(dir, 'exp/x.yaml')).trials[0].spec.data;
  assert.equal(data.tokenizer, join(dir, 'exp/tok/tokenizer.json'));
  assert.equal(data.synthetic?.root, join(dir, 'datasets/synth'));
  assert.equal(data.synthetic?.scale, 'small');
  assert.deepEqual(data.train, { webli: join(dir, 'datasets/webli') });
  assert.deepEqual(data.eval, { coco: '/abs/coco' });
  const overridden = loadSpec(join(dir, 'exp/x.yaml'), ['data.train.webli=rel/webli']).trials[0].spec.data;
  assert.deepEqual(overridden.train, { webli: resolve('rel/webli') });
});

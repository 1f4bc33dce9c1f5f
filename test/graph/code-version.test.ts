import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_VERSION_ENV, codeVersion, hashCode } from '../../src/graph/code-version.ts';
import { specDir } from '../config/helpers.ts';

test('the code hash follows the contents of src/ and the plugins, not file times', () => {
  const root = specDir({ 'package.json': '{"version": "1.0.0"}', 'src/a.ts': 'export const a = 1;\n', 'src/sub/b.ts': 'export const b = 2;\n', 'plugin.ts': 'x' });
  const plugin = join(root, 'plugin.ts');
  const first = hashCode(root, '1.0.0', [plugin]);
  assert.match(first, /^[0-9a-f]{16}$/);
  writeFileSync(join(root, 'src/a.ts'), 'export const a = 1;\n');
  assert.equal(hashCode(root, '1.0.0', [plugin]), first, 'rewriting the same content keeps the hash');
  writeFileSync(join(root, 'src/sub/b.ts'), 'export const b = 3;\n');
  const second = hashCode(root, '1.0.0', [plugin]);
  assert.notEqual(second, first, 'an edit under src/ changes the hash');
  writeFileSync(plugin, 'y');
  assert.notEqual(hashCode(root, '1.0.0', [plugin]), second, 'an edited plugin changes the hash');
  assert.notEqual(hashCode(root, '1.0.1', [plugin]), hashCode(root, '1.0.0', [plugin]), 'the package version is part of it');
});

test('$VADAPTER_CODE_VERSION pins the id; outside git the commit is unknown', () => {
  const root = specDir({ 'package.json': '{"version": "2.0.0"}', 'src/a.ts': '1' });
  const saved = process.env[CODE_VERSION_ENV];
  try {
    process.env[CODE_VERSION_ENV] = 'pinned-1';
    const v = codeVersion([], root);
    assert.deepEqual(v, { id: 'pinned-1', packageVersion: '2.0.0', gitCommit: null, gitDirty: null, pinned: true });
    delete process.env[CODE_VERSION_ENV];
    assert.equal(codeVersion([], root).id, hashCode(root, '2.0.0', []));
  } finally {
    if (saved === undefined) delete process.env[CODE_VERSION_ENV];
    else process.env[CODE_VERSION_ENV] = saved;
  }
});

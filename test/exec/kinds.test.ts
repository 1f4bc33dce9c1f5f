import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadKinds } from '../../src/exec/kinds.ts';
import { StageKindRegistry, loadPlugin } from '../../src/stages/registry.ts';
import { UserError } from '../../src/util/errors.ts';
import { linreg } from '../fixtures/linreg-kind.ts';
import { PLUGIN, tempDir } from './helpers.ts';

test('a plugin registers its kinds; loading it twice is harmless; built-ins not asked for are not imported', async () => {
  const registry = await loadKinds([PLUGIN, PLUGIN], ['linreg'], new StageKindRegistry());
  assert.deepEqual(registry.names(), ['linreg']);
  assert.equal(registry.get('linreg'), linreg);
  assert.match(registry.entries()[0].source, /^plugin .*linreg-kind\.ts$/);
});

test('two kinds of one name are an error naming both sources', () => {
  const registry = new StageKindRegistry();
  registry.register(linreg, 'plugin a.ts');
  assert.throws(() => registry.register({ ...linreg }, 'plugin b.ts'), /stage kind "linreg" is registered twice: by plugin a\.ts and by plugin b\.ts/);
});

test('an unknown kind is an error listing the known ones, with a did-you-mean and a position', () => {
  const registry = new StageKindRegistry();
  registry.register(linreg);
  assert.throws(
    () => registry.get('linrge', { file: 'x.yaml', line: 3, col: 9, path: ['stages', 'a', 'kind'] }),
    (err: unknown) => err instanceof UserError && err.message === 'x.yaml:3:9: stages.a.kind: unknown stage kind "linrge" (did you mean "linreg"?); known kinds: linreg',
  );
});

test('a module that is not a plugin is refused with its path', async () => {
  const dir = tempDir();
  const file = join(dir, 'not-a-plugin.ts');
  writeFileSync(file, 'export const x = 1;\n');
  await assert.rejects(loadPlugin(file, new StageKindRegistry()), /not-a-plugin\.ts: a plugin must export `stageKinds`/);
  await assert.rejects(loadPlugin(join(dir, 'missing.ts'), new StageKindRegistry()), /missing\.ts: plugin .*missing\.ts could not be loaded/);
});

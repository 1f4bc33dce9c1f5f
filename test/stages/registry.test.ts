// Plugins declare their kinds' references as data: a kind still written against the old contract
// (`references` as a function of the config) is refused when the plugin loads, saying what to write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StageKindRegistry, loadPlugin } from '../../src/stages/registry.ts';
import { specDir } from '../config/helpers.ts';

test('a plugin kind whose references are not a declaration is refused, with an example of one', async () => {
  const dir = specDir({});
  const file = join(dir, 'old-kind.mjs');
  writeFileSync(file, "export default { kind: 'old', configSchema: {}, references: (c) => ({ init: c.init }), totalSteps: () => 1, run: async () => {} };\n");
  await assert.rejects(loadPlugin(file, new StageKindRegistry()), (err: Error) => err.message === `${file}: stage kind "old": \`references\` must declare each config key naming a stage, e.g. { init: { produces: ['lm'], optional: true } } (docs/runner.md)`);
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';

const BIN = new URL('../../bin/vadapter.js', import.meta.url).pathname;
const tmp = tempDir();
after(() => tmp.cleanup());

function vadapter(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
}

test('data synth, then data inspect --verify, report the datasets; a flipped byte fails verification', () => {
  const root = join(tmp.dir, 'synth');
  const synth = vadapter(['data', 'synth', '--scale', 'tiny', '--out', root, '--only', 'webli', 'coco', '--json']);
  assert.equal(synth.status, 0, synth.stderr);
  const result = JSON.parse(synth.stdout);
  assert.deepEqual(result.generated, ['webli', 'coco']);
  assert.equal(result.tokenizer, join(root, 'tokenizer.json'));

  const inspect = vadapter(['data', 'inspect', join(root, 'coco'), '--json', '--verify']);
  assert.equal(inspect.status, 0, inspect.stderr);
  const report = JSON.parse(inspect.stdout);
  assert.deepEqual([report.kind, report.rows, report.verified.ok], ['caption-eval', 12, true]);
  assert.deepEqual(report.fields.map((f: { name: string }) => f.name), ['key', 'image', 'captions']);
  assert.equal(report.sample.captions.length, 5);
  assert.deepEqual([report.sample.image.format, report.sample.image.width, report.sample.image.height], ['jpeg', 64, 64]);

  const shard = join(root, 'coco', 'shard-00000.arrow');
  const bytes = readFileSync(shard);
  bytes[Math.floor(bytes.length / 2)] ^= 0xff;
  writeFileSync(shard, bytes);
  const bad = vadapter(['data', 'inspect', join(root, 'coco'), '--verify']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /✖ .*coco\/shard-00000\.arrow: sha256 does not match the manifest's [0-9a-f]{64}/);
});

test('data errors are one line naming the input, with exit code 2', () => {
  const missing = vadapter(['data', 'import', 'coco', '--annotations', join(tmp.dir, 'nope.json'), '--images', tmp.dir, '--out', join(tmp.dir, 'out')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^✖ .*nope\.json: cannot read: ENOENT\n$/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../src/data/dataset.ts';
import { readManifest } from '../../src/data/manifest.ts';
import { VERIFY_CACHE_FILE, type VerifyMode } from '../../src/data/verify.ts';
import { dataSchema } from '../../src/config/schema.ts';
import { tempDir, writeImageText } from './helpers.ts';

async function readAll(dir: string, verify: VerifyMode): Promise<number> {
  const ds = await Dataset.open(dir, { verify });
  let n = 0;
  try {
    for await (const row of ds.rows()) n += row.key ? 1 : 0;
  } finally {
    await ds.close();
  }
  return n;
}

let writes = 0;

/** Flip a byte inside the first PNG of the shard (the structure stays valid); each rewrite gets a later mtime. */
function flipImageByte(shard: string): void {
  const bytes = readFileSync(shard);
  bytes[bytes.indexOf(Buffer.from('IDAT')) + 8] ^= 0x01;
  writeFileSync(shard, bytes);
  const t = Date.now() / 1000 + ++writes;
  utimesSync(shard, t, t);
}

test('first-use hashes a shard once and remembers it by size and mtime; a rewritten shard is hashed again', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await writeImageText(dir, 4);
    const shard = join(dir, 'shard-00000.arrow');
    assert.equal(existsSync(join(dir, VERIFY_CACHE_FILE)), false);
    assert.equal(await readAll(dir, 'first-use'), 4);
    const cache = JSON.parse(readFileSync(join(dir, VERIFY_CACHE_FILE), 'utf8'));
    assert.deepEqual(cache['shard-00000.arrow'], { bytes: statSync(shard).size, mtimeMs: statSync(shard).mtimeMs, sha256: readManifest(dir).shards[0].sha256 });

    flipImageByte(shard); // damage that kept size and mtime (the record says the new mtime): first-use trusts its record, always does not
    cache['shard-00000.arrow'].mtimeMs = statSync(shard).mtimeMs;
    writeFileSync(join(dir, VERIFY_CACHE_FILE), JSON.stringify(cache));
    assert.equal(await readAll(dir, 'first-use'), 4);
    await assert.rejects(readAll(dir, 'always'), /shard-00000\.arrow: sha256 does not match the manifest's [0-9a-f]{64}: the file's is [0-9a-f]{64}/);

    flipImageByte(shard); // the original bytes, a new mtime: hashed again, and intact
    assert.equal(await readAll(dir, 'first-use'), 4);
    flipImageByte(shard);
    await assert.rejects(readAll(dir, 'first-use'), /shard-00000\.arrow: sha256 does not match/);
  } finally {
    cleanup();
  }
});

test('never reads damaged content without hashing; the structure is still checked', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await writeImageText(dir, 4);
    const shard = join(dir, 'shard-00000.arrow');
    flipImageByte(shard);
    assert.equal(await readAll(dir, 'never'), 4);
    assert.equal(existsSync(join(dir, VERIFY_CACHE_FILE)), false);
    const bytes = readFileSync(shard);
    bytes.fill(0, bytes.length - 6);
    writeFileSync(shard, bytes);
    await assert.rejects(readAll(dir, 'never'), /shard-00000\.arrow: not an Arrow IPC file \(or truncated\): it does not end with "ARROW1"/);
  } finally {
    cleanup();
  }
});

test('data.verify accepts first-use, always and never', () => {
  assert.equal(dataSchema.parse({ verify: 'always' }).verify, 'always');
  assert.equal(dataSchema.parse({}).verify, undefined);
  assert.throws(() => dataSchema.parse({ verify: 'sometimes' }));
});

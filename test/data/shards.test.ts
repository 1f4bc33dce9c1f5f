import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, RecordBatch, Schema, Table, tableToIPC, Utf8, vectorFromArray, Int32 } from 'apache-arrow';
import { Dataset } from '../../src/data/dataset.ts';
import { computeFingerprint, datasetFingerprint, readManifest, writeManifest } from '../../src/data/manifest.ts';
import { writeDataset } from '../../src/data/writer.ts';
import { sha256Hex } from '../../src/util/hash.ts';
import { UserError } from '../../src/util/errors.ts';
import { tempDir, writeImageText } from './helpers.ts';

async function allRows(dir: string) {
  const ds = await Dataset.open(dir);
  try {
    const out = [];
    for await (const r of ds.rows()) out.push(r);
    return out;
  } finally {
    await ds.close();
  }
}

async function rejectsWith(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

test('rows written across shards and record batches read back identical, with a manifest that adds up', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = join(dir, 'ds');
    const rows = await writeImageText(target, 10);
    const m = readManifest(target);
    assert.equal(m.kind, 'image-text');
    assert.deepEqual(m.shards.map((s) => s.rows), [8, 2]);
    assert.equal(m.totalRows, 10);
    assert.equal(m.batchRows, 4);
    for (const s of m.shards) {
      const bytes = readFileSync(join(target, s.file));
      assert.equal(s.bytes, bytes.length);
      assert.equal(s.sha256, sha256Hex(bytes));
    }
    assert.equal(m.fingerprint, computeFingerprint(m));
    const back = await allRows(target);
    assert.deepEqual(back.map((r) => r.key), rows.map((r) => r.key));
    assert.deepEqual(back.map((r) => r.caption), rows.map((r) => r.caption));
    assert.deepEqual(Buffer.from(back[9].image as Uint8Array), rows[9].image);
    assert.deepEqual(readdirSync(dir), ['ds'], 'no staging directory is left behind');
  } finally {
    cleanup();
  }
});

test('the fingerprint depends on the content only, and is read from the manifest alone', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await writeImageText(join(dir, 'a'), 6);
    await writeImageText(join(dir, 'b'), 6);
    await writeImageText(join(dir, 'c'), 7);
    assert.equal(datasetFingerprint(join(dir, 'a')), datasetFingerprint(join(dir, 'b')));
    assert.notEqual(datasetFingerprint(join(dir, 'a')), datasetFingerprint(join(dir, 'c')));
    truncateSync(join(dir, 'a', 'shard-00000.arrow'), 10); // not read: the fingerprint comes from the manifest
    assert.equal(datasetFingerprint(join(dir, 'a')), datasetFingerprint(join(dir, 'b')));
  } finally {
    cleanup();
  }
});

test('a truncated shard is an error naming the file and both sizes', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await writeImageText(dir, 10);
    const shard = join(dir, 'shard-00001.arrow');
    const size = readFileSync(shard).length;
    truncateSync(shard, size - 40);
    await rejectsWith(allRows(dir), new RegExp(`shard-00001\\.arrow: truncated: ${size - 40} bytes, the manifest says ${size}`));
  } finally {
    cleanup();
  }
});

test('a shard that is not an Arrow file is named, even when its size matches the manifest', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await writeImageText(dir, 4);
    const shard = join(dir, 'shard-00000.arrow');
    writeFileSync(shard, Buffer.alloc(readFileSync(shard).length, 7));
    await rejectsWith(allRows(dir), /shard-00000\.arrow: not an Arrow IPC file: it does not start with "ARROW1"/);
  } finally {
    cleanup();
  }
});

/** Replace the dataset's only shard with `table`, updating the manifest as a careless tool would. */
function replaceShard(dir: string, table: Table): void {
  const bytes = tableToIPC(table, 'file');
  writeFileSync(join(dir, 'shard-00000.arrow'), bytes);
  const m = readManifest(dir);
  m.shards = [{ file: 'shard-00000.arrow', rows: table.numRows, sha256: sha256Hex(bytes), bytes: bytes.length }];
  m.totalRows = table.numRows;
  m.fingerprint = computeFingerprint(m);
  writeManifest(dir, m);
}

test('missing columns and wrong column types are listed with the file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await writeImageText(dir, 2);
    const schema = new Schema([new Field('key', new Utf8()), new Field('caption', new Int32())]);
    const batch = new RecordBatch(schema, new Table({ key: vectorFromArray(['a', 'b'], new Utf8()), caption: vectorFromArray([1, 2], new Int32()) }).batches[0].data);
    replaceShard(dir, new Table([batch]));
    await assert.rejects(allRows(dir), (err: UserError) => {
      assert.deepEqual(
        err.issues.map((i) => [i.path?.[0], i.message]),
        [
          ['image', 'missing column (kind image-text requires binary)'],
          ['caption', 'expected utf8, found Int32'],
        ],
      );
      assert.ok(err.issues.every((i) => i.file === join(dir, 'shard-00000.arrow')));
      return true;
    });
  } finally {
    cleanup();
  }
});

test('a manifest edited by hand is caught by its fingerprint and totals', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await writeImageText(dir, 6);
    const m = readManifest(dir);
    writeManifest(dir, { ...m, totalRows: 7 });
    assert.throws(() => readManifest(dir), /dataset\.json: totalRows: totalRows is 7 but the shards hold 6 rows/);
    writeManifest(dir, { ...m, shards: [{ ...m.shards[0], sha256: 'f'.repeat(64) }] });
    assert.throws(() => readManifest(dir), /fingerprint: fingerprint does not match the shard checksums/);
    writeManifest(dir, { ...m, kind: 'image-txt' as never });
    assert.throws(() => readManifest(dir), /kind: unknown dataset kind "image-txt" .*did you mean "image-text"/);
  } finally {
    cleanup();
  }
});

test('a failed write leaves the previous dataset untouched and no staging directory', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const target = join(dir, 'ds');
    await writeImageText(target, 6);
    const before = readFileSync(join(target, 'dataset.json'), 'utf8');
    async function* failing() {
      yield { key: 'x', image: new Uint8Array([1]), caption: 'x' };
      throw new Error('importer failed');
    }
    await assert.rejects(writeDataset(target, { kind: 'image-text', name: 'test', batchRows: 1 }, failing()), /importer failed/);
    assert.equal(readFileSync(join(target, 'dataset.json'), 'utf8'), before);
    assert.equal((await allRows(target)).length, 6);
    assert.deepEqual(readdirSync(dir), ['ds']);
  } finally {
    cleanup();
  }
});

test('a directory that is not a dataset is never overwritten', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await assert.rejects(writeImageText(dir, 2), /exists and is not a dataset directory \(no dataset\.json\); refusing to overwrite it/);
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
    assert.ok(!existsSync(join(dir, 'dataset.json')));
  } finally {
    cleanup();
  }
});

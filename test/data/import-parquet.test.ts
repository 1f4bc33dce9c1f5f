import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, Int32, Table, tableToIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { importParquet } from '../../src/data/import/parquet.ts';
import { readRows as rows, solidImage, tempDir } from './helpers.ts';

/** Write columns as a Parquet file (row groups of `groupRows`) with parquet-wasm's writer. */
function writeParquet(file: string, columns: Record<string, Vector>, groupRows = 2): void {
  const props = new pq.WriterPropertiesBuilder().setMaxRowGroupSize(groupRows).build();
  writeFileSync(file, pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(new Table(columns), 'stream')), props));
}

/** img2dataset's layout: key, caption, jpg, status, width, height; row 2 is a failed download. */
async function img2datasetShard(file: string, jpgs?: (Uint8Array | null)[]) {
  const images = jpgs ?? [await solidImage([250, 0, 0], 'jpeg', 12), await solidImage([0, 250, 0], 'jpeg', 10), null, await solidImage([0, 0, 250], 'jpeg', 8), await solidImage([9, 9, 9], 'jpeg', 6)];
  writeParquet(file, {
    key: vectorFromArray(['000000000', '000000001', '000000002', '000000003', '000000004'], new Utf8()),
    caption: vectorFromArray(['red', 'green', 'lost', 'blue', 'dark'], new Utf8()),
    url: vectorFromArray(['http://a/0', 'http://a/1', 'http://a/2', 'http://a/3', 'http://a/4'], new Utf8()),
    jpg: vectorFromArray(images, new Binary()),
    status: vectorFromArray(['success', 'success', 'failed_to_download', 'success', 'success'], new Utf8()),
    width: vectorFromArray([12, 10, null, 8, 6], new Int32()),
  });
  return images;
}

test('img2dataset Parquet becomes an image-text set across row groups and files, failed downloads left out', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const a = join(dir, '00000.parquet');
    const images = await img2datasetShard(a);
    const b = join(dir, '00001.parquet');
    writeParquet(b, { txt: vectorFromArray(['more'], new Utf8()), png: vectorFromArray([await solidImage([5, 5, 5], 'png', 4)], new Binary()) });
    const out = join(dir, 'cc');
    const report = await importParquet({ files: [a, b], out });
    assert.deepEqual([report.kind, report.rows, report.skipped, report.notes], ['image-text', 5, 0, { notDownloaded: 1 }]);
    const got = await rows(out);
    assert.deepEqual(got.map((r) => [r.key, r.caption, r.width]), [
      ['000000000', 'red', 12],
      ['000000001', 'green', 10],
      ['000000003', 'blue', 8],
      ['000000004', 'dark', 6],
      ['00001.parquet-0', 'more', 4],
    ]);
    assert.deepEqual(Buffer.from(got[2].image as Uint8Array), images[3]);
  } finally {
    cleanup();
  }
});

test('a row whose image does not decode is named by file, row and column; --skip-bad counts it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'part.parquet');
    const good = await solidImage([1, 1, 1], 'jpeg');
    await img2datasetShard(file, [good, good, null, good, good.subarray(0, 100)]);
    const out = join(dir, 'cc');
    await assert.rejects(importParquet({ files: [file], out }), /part\.parquet: rows\[4\]\.jpg: image does not decode/);
    const report = await importParquet({ files: [file], out, skipBad: true, limit: 2 });
    assert.deepEqual([report.rows, report.skipped], [2, 0], 'the limit stops before the bad row');
    const all = await importParquet({ files: [file], out, skipBad: true });
    assert.deepEqual([all.rows, all.skipped, all.notes.notDownloaded], [3, 1, 1]);
  } finally {
    cleanup();
  }
});

test('missing or mistyped columns and files that are not Parquet are clear errors', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'x.parquet');
    writeParquet(file, { caption: vectorFromArray(['a'], new Utf8()), picture: vectorFromArray([new Uint8Array([1])], new Binary()) });
    const out = join(dir, 'out');
    await assert.rejects(importParquet({ files: [file], out }), /x\.parquet: no image column: expected one of jpg, png, webp, image \(columns: caption, picture\)/);
    await assert.rejects(importParquet({ files: [file], out, imageColumn: 'pictur' }), /unknown column "pictur" \(did you mean "picture"\?\); known: caption, picture/);
    writeParquet(file, { caption: vectorFromArray([1], new Int32()), jpg: vectorFromArray([new Uint8Array([1])], new Binary()) });
    await assert.rejects(importParquet({ files: [file], out }), /column "caption": expected utf8 text, found Int32/);
    writeFileSync(file, 'PAR1 but not really');
    await assert.rejects(importParquet({ files: [file], out }), /x\.parquet: cannot be read as Parquet/);
  } finally {
    cleanup();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importCoco } from '../../src/data/import/coco.ts';
import { readRows as rows, solidImage, tempDir } from './helpers.ts';

/** A COCO-style folder: three images (JPEG, PNG, JPEG), captions for the first two. */
async function cocoFixture(dir: string, annotations?: unknown[]) {
  const images = join(dir, 'val2014');
  mkdirSync(images);
  writeFileSync(join(images, 'COCO_val2014_000000000001.jpg'), await solidImage([200, 30, 30], 'jpeg', 24));
  writeFileSync(join(images, 'COCO_val2014_000000000002.png'), await solidImage([30, 30, 200], 'png', 20));
  writeFileSync(join(images, 'COCO_val2014_000000000003.jpg'), await solidImage([30, 200, 30], 'jpeg', 16));
  const json = {
    info: { description: 'test' },
    images: [
      { id: 1, file_name: 'COCO_val2014_000000000001.jpg', width: 24, height: 24 },
      { id: 2, file_name: 'COCO_val2014_000000000002.png', width: 20, height: 20 },
      { id: 3, file_name: 'COCO_val2014_000000000003.jpg', width: 16, height: 16 },
    ],
    annotations: annotations ?? [
      { id: 10, image_id: 1, caption: 'A red square.' },
      { id: 11, image_id: 1, caption: 'Something red.' },
      { id: 12, image_id: 2, caption: 'A blue square.' },
    ],
  };
  const file = join(dir, 'captions_val2014.json');
  writeFileSync(file, JSON.stringify(json));
  return { images, annotations: file };
}

test('COCO captions become a caption-eval set: one row per captioned image with all its captions', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = await cocoFixture(dir);
    const out = join(dir, 'coco');
    const report = await importCoco({ ...input, out });
    assert.deepEqual([report.kind, report.rows, report.skipped, report.notes], ['caption-eval', 2, 0, { imagesWithoutCaptions: 1 }]);
    const got = await rows(out);
    assert.deepEqual(got.map((r) => [r.key, r.captions]), [['1', ['A red square.', 'Something red.']], ['2', ['A blue square.']]]);
    assert.deepEqual(Buffer.from(got[1].image as Uint8Array), readFileSync(join(input.images, 'COCO_val2014_000000000002.png')));
  } finally {
    cleanup();
  }
});

test('as image-text, each caption is a row carrying its image and the image size', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = await cocoFixture(dir);
    const out = join(dir, 'coco-train');
    await importCoco({ ...input, out, kind: 'image-text', name: 'coco-train' });
    const got = await rows(out);
    assert.deepEqual(got.map((r) => [r.key, r.caption, r.width, r.height]), [
      ['1-10', 'A red square.', 24, 24],
      ['1-11', 'Something red.', 24, 24],
      ['2-12', 'A blue square.', 20, 20],
    ]);
  } finally {
    cleanup();
  }
});

test('an image that does not decode stops the import, naming the JSON entry; --skip-bad leaves it out and counts it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = await cocoFixture(dir);
    const jpeg = join(input.images, 'COCO_val2014_000000000001.jpg');
    writeFileSync(jpeg, readFileSync(jpeg).subarray(0, 200));
    const out = join(dir, 'coco');
    await assert.rejects(importCoco({ ...input, out }), /captions_val2014\.json: images\[0\]\.file_name: image does not decode/);
    assert.ok(!existsSync(out), 'nothing written');
    const report = await importCoco({ ...input, out, skipBad: true });
    assert.deepEqual([report.rows, report.skipped], [1, 1]);
    assert.match(report.problems[0].message, /image does not decode/);
    assert.deepEqual((await rows(out)).map((r) => r.key), ['2']);
  } finally {
    cleanup();
  }
});

test('bad annotations and missing files are named by their place in the JSON', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = await cocoFixture(dir, [
      { id: 10, image_id: 1, caption: 'fine' },
      { id: 11, image_id: 1, caption: 5 },
      { id: 12, image_id: 9, caption: 'of no image' },
    ]);
    const out = join(dir, 'coco');
    await assert.rejects(importCoco({ ...input, out }), /captions_val2014\.json: annotations\[1\]\.caption: .*expected string, received number/);
    const report = await importCoco({ ...input, out, skipBad: true });
    assert.deepEqual([report.rows, report.skipped], [1, 2]);
    assert.match(report.problems[1].message, /no image with id 9 in "images"/);
    await assert.rejects(importCoco({ ...input, images: join(dir, 'nowhere'), out, skipBad: true }), /captions_val2014\.json: no row could be imported \(3 bad rows skipped\)/);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ images: [{ id: 1, file_name: 'COCO_val2014_000000000001.jpg' }], annotations: [{ image_id: 1, caption: 'x' }] }));
    await assert.rejects(importCoco({ annotations: good, images: join(dir, 'nowhere'), out }), /good\.json: images\[0\]\.file_name: image file .*nowhere\/COCO_val2014_000000000001\.jpg cannot be read \(ENOENT\)/);
    writeFileSync(input.annotations, '{"images": [');
    await assert.rejects(importCoco({ ...input, out }), /captions_val2014\.json:1:13: not valid JSON/);
    writeFileSync(input.annotations, '{"images": []}');
    await assert.rejects(importCoco({ ...input, out }), /captions_val2014\.json: annotations: .*expected array/);
  } finally {
    cleanup();
  }
});

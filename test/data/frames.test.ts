import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { batches, stackFrames } from '../../src/data/batch.ts';
import { captionEvalExamples, vqaEvalExamples } from '../../src/data/eval-sets.ts';
import { decodeFrames, DecodeError, sampleFrameIndices } from '../../src/data/frames.ts';
import { TrainStream, trainBatches, type TrainStreamOptions } from '../../src/data/train-stream.ts';
import { writeDataset } from '../../src/data/writer.ts';
import { rowGrey, solidImage, tempDir, writeImageText } from './helpers.ts';

const tmp = tempDir();
const IMAGES = join(tmp.dir, 'images');
const VIDEOS = join(tmp.dir, 'videos');
const CAPTION_EVAL = join(tmp.dir, 'caption-eval');
const VQA_EVAL = join(tmp.dir, 'vqa-eval');
const GREYS = [0, 50, 100, 150, 200, 250];

before(async () => {
  await writeImageText(IMAGES, 12);
  const clip = await Promise.all(GREYS.map((g) => solidImage([g, g, g])));
  const videos = Array.from({ length: 5 }, (_, i) => ({ key: `v${i}`, frames: clip, caption: `clip ${i}` }));
  await writeDataset(VIDEOS, { kind: 'video-text', name: 'videos', batchRows: 2 }, videos);
  const red = await solidImage([255, 0, 0]);
  await writeDataset(CAPTION_EVAL, { kind: 'caption-eval', name: 'ce' }, [
    { key: 'c0', image: red, captions: ['a red square', 'red'] },
    { key: 'c1', image: await solidImage([0, 0, 255]), captions: ['blue'] },
  ]);
  await writeDataset(VQA_EVAL, { kind: 'vqa-eval', name: 'vqa' }, [
    { key: 'q0', question_id: 4000000001, frames: clip, question: 'what?', answers: Array(10).fill('grey'), answer_type: 'other', question_type: 'what is' },
  ]);
});
after(() => tmp.cleanup());

const level = (g: number) => -1 + (2 * g) / 255;

test('clips are sampled uniformly: the middle frame of each equal segment, repeating when short', () => {
  assert.deepEqual(sampleFrameIndices(10, 4), [1, 3, 6, 8]);
  assert.deepEqual(sampleFrameIndices(8, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(sampleFrameIndices(3, 8), [0, 0, 0, 1, 1, 2, 2, 2]);
  assert.deepEqual(sampleFrameIndices(1, 3), [0, 0, 0]);
});

test('an image is decoded, resized and duplicated to every frame, scaled to the value range', async () => {
  const png = await solidImage([255, 0, 51], 'png', 16);
  const x = await decodeFrames({ image: png }, { frames: 3, height: 4, width: 5 });
  assert.equal(x.length, 3 * 4 * 5 * 3);
  for (let i = 0; i < x.length; i += 3) assert.deepEqual([x[i], x[i + 1], x[i + 2]].map((v) => +v.toFixed(4)), [1, -1, -0.6]);
  const y = await decodeFrames({ image: png }, { frames: 1, height: 2, width: 2, valueRange: [0, 1] });
  assert.deepEqual([...y.slice(0, 3)].map((v) => +v.toFixed(4)), [1, 0, 0.2]);
});

test('clip frames keep their time order after sampling', async () => {
  const clip = await Promise.all(GREYS.map((g) => solidImage([g, g, g])));
  const x = await decodeFrames({ frames: clip }, { frames: 3, height: 2, width: 2 });
  const perFrame = 2 * 2 * 3;
  assert.deepEqual([0, 1, 2].map((f) => +x[f * perFrame].toFixed(4)), [50, 150, 250].map((g) => +level(g).toFixed(4)));
});

test('grey and transparent images become three channels; JPEG colours survive approximately', async () => {
  const grey = await sharp(Buffer.alloc(64, 200), { raw: { width: 8, height: 8, channels: 1 } }).png().toBuffer();
  const g = await decodeFrames({ image: grey }, { frames: 1, height: 8, width: 8, valueRange: [0, 255] });
  assert.deepEqual([...g.slice(0, 3)], [200, 200, 200]);
  const rgba = Buffer.alloc(8 * 8 * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([0, 255, 0, 0], i); // fully transparent green: flattened onto black
  const t = await decodeFrames({ image: await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } }).png().toBuffer() }, { frames: 1, height: 8, width: 8, valueRange: [0, 255] });
  assert.deepEqual([...t.slice(0, 3)], [0, 0, 0]);
  const j = await decodeFrames({ image: await solidImage([200, 40, 40], 'jpeg') }, { frames: 1, height: 8, width: 8, valueRange: [0, 255] });
  assert.ok(Math.abs(j[0] - 200) < 8 && Math.abs(j[1] - 40) < 8, `jpeg pixel ${j.slice(0, 3)}`);
});

test('bytes that are not an image are a DecodeError', async () => {
  await assert.rejects(decodeFrames({ image: new Uint8Array([1, 2, 3]) }, { frames: 1, height: 2, width: 2 }), DecodeError);
});

test('stacking lays examples out as [batch, frames, height, width, 3]', async () => {
  const a = Float32Array.from({ length: 12 }, (_, i) => i);
  const b = Float32Array.from({ length: 12 }, (_, i) => 100 + i);
  const s = stackFrames([a, b], [1, 2, 2, 3]);
  assert.deepEqual(s.shape, [2, 1, 2, 2, 3]);
  assert.equal(s.frames[12], 100);
  assert.throws(() => stackFrames([a, new Float32Array(5)], [1, 2, 2, 3]), /example 1 has 5 values, expected 12/);
  async function* three() {
    for (let i = 0; i < 3; i++) yield { frames: a, i };
  }
  const sizes = [];
  for await (const batch of batches(three(), 2, [1, 2, 2, 3])) sizes.push(batch.shape[0]);
  assert.deepEqual(sizes, [2, 1]);
});

const trainOptions: TrainStreamOptions = { sources: { img: IMAGES, vid: VIDEOS }, weights: { img: 2, vid: 1 }, seed: 5, frames: 3, height: 4, width: 4, windowBlocks: 2, prefetch: 4 };

async function takeBatches(o: TrainStreamOptions, n: number, size = 4) {
  const stream = await TrainStream.open(o);
  const out = [];
  try {
    for await (const b of trainBatches(stream, size)) {
      out.push(b);
      if (out.length === n) break;
    }
  } finally {
    await stream.close();
  }
  return out;
}

test('train batches hold each example\'s own decoded pixels, and resume exactly from a batch position', async () => {
  const all = await takeBatches(trainOptions, 6);
  for (const b of all) {
    assert.deepEqual(b.shape, [4, 3, 4, 4, 3]);
    b.keys.forEach((key, i) => {
      const perExample = 3 * 4 * 4 * 3;
      const first = b.frames.slice(i * perExample, (i + 1) * perExample).filter((_, j) => j % (4 * 4 * 3) === 0);
      const expected = key.startsWith('r') ? [0, 1, 2].map(() => level(rowGrey(Number(key.slice(1))))) : [50, 150, 250].map(level);
      assert.deepEqual([...first].map((v) => +v.toFixed(4)), expected.map((v) => +v.toFixed(4)), key);
      assert.equal(b.captions[i], key.startsWith('r') ? `caption ${key.slice(1)}` : `clip ${key.slice(1)}`);
    });
  }
  assert.ok(all.flatMap((b) => b.sources).includes('vid'));
  const resumed = await takeBatches({ ...trainOptions, position: JSON.parse(JSON.stringify(all[2].position)) }, 3);
  assert.deepEqual(resumed.map((b) => b.keys), all.slice(3).map((b) => b.keys));
  assert.deepEqual(resumed[2].frames, all[5].frames);
});

test('an image that does not decode is an error naming the shard and row, or is skipped and counted', async () => {
  const bad = join(tmp.dir, 'bad');
  const good = await solidImage([9, 9, 9]);
  await writeDataset(bad, { kind: 'image-text', name: 'bad', batchRows: 2 }, [
    { key: 'ok0', image: good, caption: 'fine' },
    { key: 'ok1', image: good, caption: 'fine' },
    { key: 'broken', image: new Uint8Array([0xff, 0xd8, 0xff, 0x00]), caption: 'not a jpeg' },
  ]);
  const o: TrainStreamOptions = { sources: { bad }, seed: 0, frames: 1, height: 2, width: 2 };
  await assert.rejects(takeBatches(o, 1, 3), new RegExp(`${bad}/shard-00000\\.arrow: rows\\[2\\]\\.image: image does not decode`));
  const stream = await TrainStream.open({ ...o, badRows: 'skip' });
  const keys = [];
  for await (const ex of stream) {
    keys.push(ex.key);
    if (keys.length === 4) break;
  }
  await stream.close();
  assert.deepEqual(keys.sort(), ['ok0', 'ok0', 'ok1', 'ok1']);
  assert.ok(stream.skipped().undecodable >= 1, 'the broken row is counted each time it is met');
});

test('training sources must be image-text or video-text', async () => {
  await assert.rejects(TrainStream.open({ ...trainOptions, sources: { ce: CAPTION_EVAL }, weights: undefined }), /sources\.ce: source "ce" is a caption-eval dataset; these training sources must be image-text or video-text/);
});

test('eval readers give references, questions and answers with decoded frames', async () => {
  const ce = [];
  for await (const ex of captionEvalExamples(CAPTION_EVAL, { frames: 2, height: 2, width: 2 })) ce.push(ex);
  assert.deepEqual(ce.map((e) => [e.key, e.captions]), [['c0', ['a red square', 'red']], ['c1', ['blue']]]);
  assert.deepEqual([...ce[1].frames.slice(0, 3)], [-1, -1, 1]);
  const vqa = [];
  for await (const ex of vqaEvalExamples(VQA_EVAL, { frames: 3, height: 2, width: 2 })) vqa.push(ex);
  assert.equal(vqa.length, 1);
  assert.equal(vqa[0].questionId, 4000000001);
  assert.deepEqual([vqa[0].answers.length, vqa[0].answerType, vqa[0].questionType], [10, 'other', 'what is']);
  assert.equal(+vqa[0].frames[2 * 2 * 3].toFixed(4), +level(150).toFixed(4));
  let n = 0;
  for await (const _ of captionEvalExamples(CAPTION_EVAL, { frames: 1, height: 2, width: 2, limit: 1 })) n++;
  assert.equal(n, 1);
  await assert.rejects(async () => {
    for await (const _ of vqaEvalExamples(CAPTION_EVAL, { frames: 1, height: 2, width: 2 })) n++;
  }, /caption-eval: expected a vqa-eval dataset, found caption-eval/);
});

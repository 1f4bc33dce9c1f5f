import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.ts';
import { buildAssembly, type Assembly } from '../../src/models/assembly.ts';
import { buildWordLevelTokenizer } from '../../src/data/tokenizer.ts';
import { captionBatch, type FramesHost } from '../../src/stages/training/model-batches.ts';
import { rollFrames, validationMeasure, type ValidationSet } from '../../src/stages/training/validation.ts';
import { Rng } from '../../src/util/rng.ts';
import { tinyConfigs } from '../models/fixtures.ts';

const T = 2; // frames per example
const SIZE = 16; // the tiny ViT's image
const PER = T * SIZE * SIZE * 3;
const CAPTIONS = ['a red circle', 'a blue square', 'a green circle on a square', 'a red square', 'a blue circle'];
const tok = buildWordLevelTokenizer([...CAPTIONS, 'describe the following :']);
const enc = { tokenizer: tok, maxTokens: 8, prompt: 'describe the following : <visual> :' };

let assembly: Assembly<'vadapter'>;
before(async () => {
  await initBackend('cpu');
  assembly = buildAssembly(tinyConfigs('vadapter'), 3);
});
after(() => assembly.dispose());

/** One example's frames: every value `fill`, or seeded noise. */
function exampleFrames(i: number, fill?: number): Float32Array {
  const rng = new Rng(100 + i);
  return Float32Array.from({ length: PER }, () => fill ?? rng.float());
}

/** Host batches of `sizes` examples over CAPTIONS, as frameValidationSets builds them. */
function hostBatches(sizes: number[], frameOf: (i: number) => Float32Array): FramesHost[] {
  let next = 0;
  return sizes.map((n) => {
    const idx = Array.from({ length: n }, () => next++);
    const frames = new Float32Array(n * PER);
    idx.forEach((ex, r) => frames.set(frameOf(ex), r * PER));
    return { frames, shape: [n, T, SIZE, SIZE, 3], captions: idx.map((ex) => CAPTIONS[ex]) };
  });
}

function set(name: string, batches: FramesHost[], shuffled = true): ValidationSet<FramesHost> {
  const examples = batches.reduce((s, b) => s + b.captions.length, 0);
  return { name, batches, examples, ...(shuffled ? { shuffled: (i: number) => rollFrames(batches, i) } : {}) };
}

const loss = (b: FramesHost) => assembly.loss(captionBatch(b, enc));
const measure = (sets: ValidationSet<FramesHost>[]) => validationMeasure(1, sets, loss, (b) => b.captions.length).run(0);

test('rolling frames gives example i the frames of example (i + 1) mod N across the whole set, captions kept', () => {
  const batches = hostBatches([2, 2, 1], (i) => exampleFrames(i, i)); // example i's frames are all i
  const rolled = batches.map((_, k) => rollFrames(batches, k));
  const firstValues = rolled.flatMap((b) => Array.from({ length: b.captions.length }, (_, r) => b.frames[r * PER]));
  assert.deepEqual(firstValues, [1, 2, 3, 4, 0]);
  const offsets = [0, 2, 4];
  rolled.forEach((b, k) => assert.ok(b.frames.every((v, j) => v === firstValues[offsets[k] + Math.floor(j / PER)]), `batch ${k}: whole examples move`));
  assert.deepEqual(rolled.map((b) => b.captions), batches.map((b) => b.captions));
  assert.equal(batches[0].frames[0], 0, 'the input batches are left alone');
  const one = hostBatches([1], (i) => exampleFrames(i, 7));
  assert.deepEqual(rollFrames(one, 0).frames, one[0].frames, 'a set of one example gets its own frames back');
});

test('the shuffled loss equals the plain loss when the output cannot depend on the frames', async () => {
  const same = await measure([set('same', hostBatches([2, 2, 1], () => exampleFrames(0)))]); // identical frames everywhere
  assert.equal(same['val/same/loss_shuffled'], same['val/same/loss']);
  assert.equal(same['val/gap'], 0);

  const w = assembly.params.get('fc_in.weight')!;
  const saved = tf.clone(w);
  w.assign(tf.zerosLike(w)); // fc_in forgets its input: nothing after the ViT sees the frames
  try {
    const blind = await measure([set('blind', hostBatches([2, 2, 1], (i) => exampleFrames(i)))]);
    assert.equal(blind['val/blind/loss_shuffled'], blind['val/blind/loss']);
    assert.equal(blind['val/blind/gap'], 0);
  } finally {
    w.assign(saved);
    saved.dispose();
  }
});

test('the shuffled loss differs when the output depends on the frames, also with batches of one; text sets get no such keys', async () => {
  const batches = hostBatches([2, 2, 1], (i) => exampleFrames(i));
  const m = await measure([set('coco', batches), set('msrvtt', hostBatches([1, 1, 1], (i) => exampleFrames(i)))]);
  for (const s of ['coco', 'msrvtt']) {
    assert.notEqual(m[`val/${s}/loss_shuffled`], m[`val/${s}/loss`], s);
    assert.equal(m[`val/${s}/gap`], m[`val/${s}/loss_shuffled`] - m[`val/${s}/loss`]);
  }
  assert.ok(Math.abs(m['val/loss_shuffled'] - (5 * m['val/coco/loss_shuffled'] + 3 * m['val/msrvtt/loss_shuffled']) / 8) < 1e-6, 'example-weighted over sets');
  assert.equal(m['val/gap'], m['val/loss_shuffled'] - m['val/loss']);

  // the shuffled loss is the plain loss of the rolled set, batch by batch
  const rolled = batches.map((_, k) => rollFrames(batches, k));
  const direct = await measure([set('coco', rolled, false)]);
  assert.ok(Math.abs(direct['val/coco/loss'] - m['val/coco/loss_shuffled']) < 1e-6);

  assert.deepEqual(Object.keys(direct).sort(), ['val/coco/loss', 'val/loss'], 'a set without `shuffled` (as textValidationSets builds them) gets no image-dependence keys');
  const before = tf.memory().numTensors;
  await measure([set('coco', batches)]);
  assert.equal(tf.memory().numTensors, before);
});

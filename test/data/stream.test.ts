import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Mixture, type MixtureOptions, type MixturePosition } from '../../src/data/mixture.ts';
import { CaptionStream, TEXT_KINDS } from '../../src/data/caption-stream.ts';
import { writeDataset } from '../../src/data/writer.ts';
import { tempDir, writeImageText } from './helpers.ts';

const tmp = tempDir();
const A = join(tmp.dir, 'a'); // 22 rows: 3 shards (8, 8, 6) of 4-row batches
const B = join(tmp.dir, 'b'); // 5 rows
before(async () => {
  await writeImageText(A, 22);
  await writeImageText(B, 5, { name: 'b' });
});
after(() => tmp.cleanup());

async function take(o: MixtureOptions, n: number): Promise<{ keys: string[]; position: MixturePosition }> {
  const m = await Mixture.open(o);
  try {
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await m.next();
      keys.push(`${r.source}:${r.row.key}`);
    }
    return { keys, position: m.position() };
  } finally {
    await m.close();
  }
}

test('each epoch of a source yields every row exactly once, in an order set by (seed, epoch)', async () => {
  const { keys } = await take({ sources: { a: A }, seed: 1, windowBlocks: 2 }, 44);
  const epoch0 = keys.slice(0, 22);
  const epoch1 = keys.slice(22);
  const all = Array.from({ length: 22 }, (_, i) => `a:r${i}`).sort();
  assert.deepEqual([...epoch0].sort(), all);
  assert.deepEqual([...epoch1].sort(), all);
  assert.notDeepEqual(epoch0, epoch1);
  assert.notDeepEqual(epoch0, all, 'shuffled, not stored order');
  assert.deepEqual((await take({ sources: { a: A }, seed: 1, windowBlocks: 2 }, 22)).keys, epoch0, 'same seed, same order');
  assert.notDeepEqual((await take({ sources: { a: A }, seed: 2, windowBlocks: 2 }, 22)).keys, epoch0);
  assert.deepEqual((await take({ sources: { a: A }, seed: 1, windowBlocks: 2, epoch: 1 }, 22)).keys, epoch1, 'starting at epoch 1 gives epoch 1');
});

test('the shuffle buffer is bounded: rows of a window come from at most windowBlocks record batches', async () => {
  const { keys } = await take({ sources: { a: A }, seed: 3, windowBlocks: 1 }, 22);
  // with one record batch per window, each run of rows belongs to one 4-row batch (keys r0-r3, r4-r7, ...)
  const batchOf = (k: string) => Math.floor(Number(k.slice(3)) / 4);
  const runs: number[] = [];
  for (const k of keys) if (runs.at(-1) !== batchOf(k)) runs.push(batchOf(k));
  assert.equal(runs.length, 6);
  assert.deepEqual([...runs].sort(), [0, 1, 2, 3, 4, 5]);
});

test('a mixture resumed from a saved position continues exactly as the uninterrupted one', async () => {
  const o: MixtureOptions = { sources: { a: A, b: B }, weights: { a: 1, b: 1 }, seed: 7, windowBlocks: 2 };
  const whole = await take(o, 60);
  const first = await take(o, 23);
  const saved = JSON.parse(JSON.stringify(first.position)) as MixturePosition;
  const rest = await take({ ...o, position: saved }, 37);
  assert.deepEqual([...first.keys, ...rest.keys], whole.keys);
  assert.deepEqual(rest.position, whole.position);
});

test('sources are drawn in proportion to their weights', async () => {
  const { keys } = await take({ sources: { a: A, b: B }, weights: { a: 0.75, b: 0.25 }, seed: 11 }, 2000);
  const share = keys.filter((k) => k.startsWith('b:')).length / keys.length;
  assert.ok(Math.abs(share - 0.25) < 0.04, `share of b ${share}`);
});

test('bad mixture settings are errors that say what is wrong', async () => {
  await assert.rejects(Mixture.open({ sources: { a: A }, weights: { aa: 1 }, seed: 0 }), /weights\.aa: unknown source "aa" \(did you mean "a"\?\); known: a/);
  await assert.rejects(Mixture.open({ sources: { a: A, b: B }, weights: { a: 0, b: 0 }, seed: 0 }), /at least one source needs a positive weight/);
  await assert.rejects(Mixture.open({ sources: { a: A }, weights: { a: -1 }, seed: 0 }), /weights\.a: expected a non-negative number, got -1/);
  const { position } = await take({ sources: { a: A }, seed: 0 }, 3);
  await assert.rejects(Mixture.open({ sources: { a: A, b: B }, seed: 0, position }), /the saved position is for sources a, not a, b/);
  await assert.rejects(Mixture.open({ sources: { a: A }, seed: 0, position: { ...position, rng: [1, 2] } as never }), /data position: rng/);
  await assert.rejects(Mixture.open({ sources: { a: join(tmp.dir, 'nope') }, seed: 0 }), /nope: no dataset\.json here/);
});

test('a caption stream reads text documents as captions only where text kinds are accepted', async () => {
  const docs = join(tmp.dir, 'docs');
  await writeDataset(docs, { kind: 'text', name: 'docs', batchRows: 4 }, Array.from({ length: 6 }, (_, i) => ({ key: `d${i}`, text: `document ${i}` })));
  const stream = await CaptionStream.open({ sources: { a: A, docs }, weights: { a: 1, docs: 1 }, seed: 5, kinds: TEXT_KINDS });
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    const ex = await stream.next();
    seen.push(ex.caption);
    assert.equal(ex.caption, ex.source === 'docs' ? `document ${ex.key.slice(1)}` : `caption ${ex.key.slice(1)}`);
  }
  await stream.close();
  assert.ok(seen.some((t) => t.startsWith('document')) && seen.some((t) => t.startsWith('caption')));
  await assert.rejects(CaptionStream.open({ sources: { docs }, seed: 5 }), /source "docs" is a text dataset; these training sources must be image-text or video-text/);
});

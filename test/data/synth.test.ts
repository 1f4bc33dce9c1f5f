import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '../../src/data/dataset.ts';
import { datasetTexts } from '../../src/data/corpus.ts';
import { decodeImage } from '../../src/data/frames.ts';
import { readManifest } from '../../src/data/manifest.ts';
import type { Row } from '../../src/data/schema.ts';
import { ensureSynthetic, type SynthResult } from '../../src/data/synth/ensure.ts';
import { SYNTH_SETS } from '../../src/data/synth/sets.ts';
import { COLOURS, PLACES } from '../../src/data/synth/world.ts';
import { loadTokenizer } from '../../src/data/tokenizer.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
const ROOT = join(tmp.dir, 'synth');
let synth: SynthResult;
before(async () => {
  synth = await ensureSynthetic(ROOT, { scale: 'tiny', seed: 3 });
});
after(() => tmp.cleanup());

async function rowsOf(name: string): Promise<Row[]> {
  const ds = await Dataset.open(synth.datasets[name]);
  const rows = [];
  for await (const r of ds.rows()) rows.push(r);
  await ds.close();
  return rows;
}

test('the tiny family has the nine datasets with their kinds and sizes', () => {
  assert.deepEqual(synth.generated, ['webli', 'vtp', 'smit', 'coco', 'vqav2', 'msrvtt', 'msrvtt-qa', 'scenes', 'glimpses']);
  const summary = Object.fromEntries(Object.entries(synth.datasets).map(([name, dir]) => [name, [readManifest(dir).kind, readManifest(dir).totalRows]]));
  assert.deepEqual(summary, {
    webli: ['image-text', 48],
    vtp: ['video-text', 16],
    smit: ['video-text', 16],
    coco: ['caption-eval', 12],
    vqav2: ['vqa-eval', 24],
    msrvtt: ['caption-eval', 8],
    'msrvtt-qa': ['vqa-eval', 16],
    scenes: ['text', 200],
    glimpses: ['text', 200],
  });
});

test('a second call reuses what matches and regenerates what does not', async () => {
  const manifest = join(ROOT, 'coco', 'dataset.json');
  const before = statSync(manifest).mtimeMs;
  const again = await ensureSynthetic(ROOT, { scale: 'tiny', seed: 3 });
  assert.deepEqual(again.generated, []);
  assert.equal(statSync(manifest).mtimeMs, before);
  truncateSync(join(ROOT, 'msrvtt', 'shard-00000.arrow'), 100);
  const repaired = await ensureSynthetic(ROOT, { scale: 'tiny', seed: 3, only: ['coco', 'msrvtt'] });
  assert.deepEqual([repaired.reused, repaired.generated], [['coco'], ['msrvtt']]);
  assert.equal(readManifest(join(ROOT, 'msrvtt')).fingerprint, readManifest(synth.datasets.msrvtt).fingerprint);
  await assert.rejects(ensureSynthetic(ROOT, { scale: 'tiny', seed: 3, only: ['cocoa'] }), /unknown synthetic dataset "cocoa" .*did you mean "coco"/);
});

test('generation is deterministic in the seed, and a smaller scale is a prefix of a larger one', async () => {
  const other = await ensureSynthetic(join(tmp.dir, 'same'), { scale: 'tiny', seed: 3, only: ['coco'] });
  assert.equal(readManifest(other.datasets.coco).fingerprint, readManifest(synth.datasets.coco).fingerprint);
  const reseeded = await ensureSynthetic(join(tmp.dir, 'seed4'), { scale: 'tiny', seed: 4, only: ['coco'] });
  assert.notEqual(readManifest(reseeded.datasets.coco).fingerprint, readManifest(synth.datasets.coco).fingerprint);
});

test('keys are unique within each dataset and disjoint between train and eval sets', async () => {
  const keysBySet: Record<string, Set<string>> = {};
  for (const set of SYNTH_SETS) {
    const rows = await rowsOf(set.name);
    keysBySet[set.name] = new Set(rows.map((r) => r.key));
    const ids = set.kind === 'vqa-eval' ? rows.map((r) => r.question_id) : rows.map((r) => r.key);
    assert.equal(new Set(ids).size, rows.length, `${set.name}: unique ids`);
  }
  const train = SYNTH_SETS.filter((s) => s.split === 'train').flatMap((s) => [...keysBySet[s.name]]);
  const evals = new Set(SYNTH_SETS.filter((s) => s.split === 'eval').flatMap((s) => [...keysBySet[s.name]]));
  assert.ok(train.length > 0 && train.every((k) => !evals.has(k)));
});

/** Pixels of a 64x64 image within `tolerance` of `rgb`: their count and centroid (fractions of the side). */
async function colourBlob(bytes: Uint8Array, rgb: number[], tolerance = 60) {
  const px = await decodeImage(bytes, { height: 64, width: 64 });
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < 64 * 64; i++) {
    const d = Math.hypot(px[3 * i] - rgb[0], px[3 * i + 1] - rgb[1], px[3 * i + 2] - rgb[2]);
    if (d < tolerance) {
      n++;
      sx += (i % 64) + 0.5;
      sy += Math.floor(i / 64) + 0.5;
    }
  }
  return { n, x: sx / n / 64, y: sy / n / 64 };
}

/** The colour named first in `text`. */
function colourIn(text: string) {
  const at = (name: string) => text.search(new RegExp(`\\b${name}\\b`));
  return COLOURS.filter((c) => at(c.name) >= 0).sort((a, b) => at(a.name) - at(b.name))[0];
}

test('image captions name a colour that is in the image, at the place they name', async () => {
  let placed = 0;
  for (const row of await rowsOf('webli')) {
    const caption = row.caption as string;
    const blob = await colourBlob(row.image as Uint8Array, colourIn(caption).rgb);
    assert.ok(blob.n >= 12, `"${caption}": ${blob.n} pixels of that colour`);
    const place = PLACES.find((p) => caption.includes(p.phrase));
    const colours = COLOURS.filter((c) => new RegExp(`\\b${c.name}\\b`).test(caption));
    if (!place || colours.length !== 1 || / and /.test(caption)) continue;
    placed++;
    assert.equal(Math.floor(blob.x * 3), place.col, `"${caption}": centroid x ${blob.x.toFixed(2)}`);
    assert.equal(Math.floor(blob.y * 3), place.row, `"${caption}": centroid y ${blob.y.toFixed(2)}`);
  }
  assert.ok(placed >= 5, `${placed} captions with a place checked`);
});

function captionDirection(caption: string): [number, number] {
  const target = /from the \w+ to the (\w+)/.exec(caption)?.[1] ?? /\b(left|right|up|down)\b/.exec(caption)![1];
  return ({ left: [-1, 0], right: [1, 0], up: [0, -1], top: [0, -1], down: [0, 1], bottom: [0, 1] } as Record<string, [number, number]>)[target];
}

test('video captions give the direction in which the named shape moves between the first and last frame', async () => {
  for (const row of [...(await rowsOf('vtp')), ...(await rowsOf('smit'))]) {
    const caption = row.caption as string;
    const frames = row.frames as Uint8Array[];
    const rgb = colourIn(caption).rgb; // the mover is named first
    const [a, b] = [await colourBlob(frames[0], rgb), await colourBlob(frames[frames.length - 1], rgb)];
    const [dx, dy] = captionDirection(caption);
    const moved = [b.x - a.x, b.y - a.y];
    assert.ok(moved[0] * dx + moved[1] * dy > 0.4, `"${caption}": moved by ${moved.map((v) => v.toFixed(2))}`);
  }
});

test('questions have ten answers, a VQA answer type, and a majority answer that fits the question', async () => {
  for (const name of ['vqav2', 'msrvtt-qa']) {
    for (const row of await rowsOf(name)) {
      const answers = row.answers as string[];
      assert.equal(answers.length, 10);
      const counts = new Map<string, number>();
      for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
      const [majority, votes] = [...counts].sort((x, y) => y[1] - x[1])[0];
      assert.ok(votes >= 4, `${row.question}: ${answers}`);
      const expected = row.answer_type === 'yes/no' ? /^(yes|no)$/ : row.answer_type === 'number' ? /^\d$/ : /^[a-z ]+$/;
      assert.match(majority, expected, `${row.question} (${row.answer_type})`);
      assert.ok(['yes/no', 'number', 'other'].includes(row.answer_type as string));
      if ((row.question as string).startsWith('what color is the') && name === 'vqav2') {
        const c = COLOURS.find((x) => x.name === majority)!;
        assert.ok((await colourBlob(row.image as Uint8Array, c.rgb)).n >= 12, `${row.question} ${majority}`);
      }
    }
  }
});

test('caption-eval sets hold five different references per item', async () => {
  for (const name of ['coco', 'msrvtt']) {
    for (const row of await rowsOf(name)) assert.equal(new Set(row.captions as string[]).size, 5, `${name} ${row.key}`);
  }
});

test('the tokenizer written beside the datasets covers every word in them with under 200 tokens', async () => {
  const tok = loadTokenizer(synth.tokenizer);
  assert.ok(tok.vocabSize < 200, `${tok.vocabSize} tokens`);
  for (const dir of Object.values(synth.datasets)) {
    for await (const text of datasetTexts(dir)) assert.ok(!tok.encode(text).includes(tok.unkId!), `unknown word in "${text}"`);
  }
  assert.ok(!tok.encode('Answer the question given the images. Question : what color is the circle ? Answer:').includes(tok.unkId!));
});

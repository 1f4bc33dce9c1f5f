import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { captionEvalExamples } from '../../src/data/eval-sets.ts';
import { importMsrvtt } from '../../src/data/import/msrvtt.ts';
import { importVatex } from '../../src/data/import/vatex.ts';
import { importVideoQa } from '../../src/data/import/video-qa.ts';
import { importVideoText } from '../../src/data/import/video-text.ts';
import { field, readTableFile } from '../../src/data/import/table-file.ts';
import { findFfmpeg } from '../../src/data/video/ffmpeg.ts';
import { sampleIndices } from '../../src/data/video/sampling.ts';
import { readRows, tempDir } from './helpers.ts';

const ffmpeg = findFfmpeg();
const BIN = join(import.meta.dirname, '../../bin/vadapter.js');

/**
 * A clip of a 16x16 red square on grey, 128x64 pixels at 10 fps: the square's left edge at x = 32 +
 * 25 t, top at y = 24. Stored at size 32 (scaled to 64x32, centre-cropped by 16), the square's centre
 * in frame i (t = i / 10) sits at x = (32 + 25 t + 8) / 2 - 16, y = 16.
 */
function makeClip(file: string, seconds: number): void {
  assert.ok(ffmpeg, 'ffmpeg: npm ci installs @ffmpeg-installer/ffmpeg');
  const codec = file.endsWith('.webm') ? ['-c:v', 'libvpx', '-b:v', '200k'] : ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'];
  const r = spawnSync(ffmpeg.path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=gray:s=128x64:d=${seconds}:r=10`, '-f', 'lavfi', '-i', `color=c=red:s=16x16:d=${seconds}:r=10`, '-filter_complex', "[0][1]overlay=x='32+25*t':y=24", ...codec, file]);
  assert.equal(r.status, 0, r.stderr?.toString());
}

const expectedX = (frame: number) => (32 + 25 * (frame / 10) + 8) / 2 - 16;

/** The centroid of the red pixels of a stored JPEG frame. */
async function redCentre(jpeg: Uint8Array): Promise<{ x: number; y: number; count: number }> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  let [sx, sy, n] = [0, 0, 0];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * 3;
      if (data[i] < 150 || data[i + 1] > 100 || data[i + 2] > 100) continue;
      sx += x + 0.5;
      sy += y + 0.5;
      n++;
    }
  }
  return { x: sx / n, y: sy / n, count: n };
}

function fixture() {
  const t = tempDir('vadapter-video-');
  const videos = join(t.dir, 'videos');
  mkdirSync(videos);
  makeClip(join(videos, 'video0.mp4'), 2); // 20 frames
  makeClip(join(videos, 'video1.webm'), 0.3); // 3 frames: shorter than the 4 kept
  makeClip(join(videos, 'video2.mp4'), 1);
  return { ...t, videos };
}

const quiet = { log: () => undefined };

test('segment-centre sampling: T indices spread over the clip; a short clip repeats its last frame', () => {
  assert.deepEqual(sampleIndices(20, 4), [2, 7, 12, 17]);
  assert.deepEqual(sampleIndices(8, 8), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(sampleIndices(3, 5), [0, 1, 2, 2, 2]);
  assert.deepEqual(sampleIndices(1, 3), [0, 0, 0]);
});

test('MSR-VTT: the split\'s videos as caption-eval rows with all references; sampled frames show the square where the clip had it', async () => {
  const f = fixture();
  try {
    const annotations = join(f.dir, 'test_videodatainfo.json');
    writeFileSync(annotations, JSON.stringify({
      videos: [{ video_id: 'video0', split: 'test' }, { video_id: 'video1', split: 'test' }, { video_id: 'video2', split: 'train' }, { video_id: 'video9', split: 'test' }],
      sentences: [{ video_id: 'video0', caption: 'a red square moves right', sen_id: 0 }, { video_id: 'video0', caption: 'a square slides', sen_id: 1 }, { video_id: 'video1', caption: 'a red box', sen_id: 2 }, { video_id: 'video2', caption: 'train', sen_id: 3 }],
    }));
    const out = join(f.dir, 'msrvtt');
    const report = await importMsrvtt({ annotations, videos: f.videos, out, frames: 4, size: 32, ...quiet });
    assert.equal(report.kind, 'caption-eval');
    assert.equal(report.rows, 2);
    assert.deepEqual(report.notes, { videosWithoutCaptions: 1 });
    const rows = await readRows(out);
    assert.deepEqual(rows.map((r) => [r.key, r.captions]), [['video0', ['a red square moves right', 'a square slides']], ['video1', ['a red box']]]);
    const long = rows[0].frames as Uint8Array[];
    assert.equal(long.length, 4);
    for (const [k, frame] of [2, 7, 12, 17].entries()) {
      const c = await redCentre(long[k]);
      assert.ok(Math.abs(c.x - expectedX(frame)) < 1.5 && Math.abs(c.y - 16) < 1.5, `frame ${frame}: square at (${c.x.toFixed(1)}, ${c.y.toFixed(1)}), expected (${expectedX(frame)}, 16)`);
      assert.ok(c.count > 40 && c.count < 90, `an 8x8 square, ${c.count} red pixels`);
    }
    const short = rows[1].frames as Uint8Array[]; // webm of 3 frames: 0, 1, 2, 2
    assert.equal(short.length, 4);
    assert.deepEqual(short[3], short[2]);
    const xs = await Promise.all(short.slice(0, 3).map(async (j) => (await redCentre(j)).x));
    xs.forEach((x, i) => assert.ok(Math.abs(x - expectedX(i)) < 1.5, `short clip frame ${i} at ${x}`));
    const read: { key: string; frames: Float32Array }[] = [];
    for await (const ex of captionEvalExamples(out, { frames: 4, height: 32, width: 32 })) read.push(ex); // what the evaluate stage reads
    assert.deepEqual(read.map((e) => [e.key, e.frames.length]), [['video0', 4 * 32 * 32 * 3], ['video1', 4 * 32 * 32 * 3]]);
    const at = (e: (typeof read)[number], f: number, x: number, y: number) => e.frames[((f * 32 + y) * 32 + x) * 3]; // red channel in [0, 1]
    assert.ok(at(read[0], 0, Math.round(expectedX(2)), 16) > 0.6 && at(read[0], 0, 28, 4) < 0.6, 'the square, not the background, where the clip had it');
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8'));
    assert.deepEqual([manifest.source.sampling.frames, manifest.source.sampling.size], [4, 32]);
    assert.deepEqual(readdirSync(f.dir).filter((n) => n.startsWith('.')), [], 'no staging directory left behind');
  } finally {
    f.cleanup();
  }
});

test('video QA, VATEX and a captions table: questions with ten answers and their types, references, one row per caption', async () => {
  const f = fixture();
  try {
    const questions = join(f.dir, 'test_qa.json');
    writeFileSync(questions, JSON.stringify([
      { video_id: 0, question: 'what moves to the right', answer: 'square', id: 100 },
      { video_id: 2, question: 'how many squares are there', answer: 'one', id: 101 },
      { video_id: 0, question: 'is it red', answer: 'yes', id: 102 },
    ]));
    const qa = join(f.dir, 'qa');
    await importVideoQa({ questions, videos: f.videos, out: qa, frames: 2, size: 32, ...quiet });
    const q = await readRows(qa);
    assert.deepEqual(q.map((r) => [r.key, r.question_id, r.answer_type, r.question_type]), [['video0', 100, 'other', 'what'], ['video0', 102, 'yes/no', 'is'], ['video2', 101, 'number', 'how']]);
    assert.deepEqual(q[1].answers, Array(10).fill('yes'));

    const vatex = join(f.dir, 'vatex.json');
    writeFileSync(vatex, JSON.stringify([{ videoID: 'video2', enCap: ['one', 'two'], chCap: ['x'] }]));
    await importVatex({ annotations: vatex, videos: f.videos, out: join(f.dir, 'vatex'), frames: 2, size: 32, ...quiet });
    assert.deepEqual((await readRows(join(f.dir, 'vatex'))).map((r) => [r.key, r.captions]), [['video2', ['one', 'two']]]);

    const csv = join(f.dir, 'clips.csv');
    writeFileSync(csv, 'video,caption\nvideo0.mp4,"a square, red, ""moving"""\nvideo1.webm,a short clip\nvideo0.mp4,another caption\n');
    await importVideoText({ captions: csv, videos: f.videos, out: join(f.dir, 'vt'), frames: 2, size: 32, ...quiet });
    const vt = await readRows(join(f.dir, 'vt'));
    assert.deepEqual(vt.map((r) => [r.key, r.caption]), [['video0-0', 'a square, red, "moving"'], ['video0-1', 'another caption'], ['video1-0', 'a short clip']]);
    assert.deepEqual(vt[0].frames, vt[1].frames, 'one decode per video');

    const webvid = join(f.dir, 'webvid.csv');
    mkdirSync(join(f.videos, '000001_000050'));
    copyFileSync(join(f.videos, 'video2.mp4'), join(f.videos, '000001_000050', '1066.mp4'));
    writeFileSync(webvid, 'videoid,contentUrl,duration,page_dir,name\n1066,https://example.invalid/1066.mp4,PT00H00M01S,000001_000050,Red square on grey\n');
    await importVideoText({ captions: webvid, format: 'webvid', videos: f.videos, out: join(f.dir, 'wv'), frames: 2, size: 32, ...quiet });
    assert.deepEqual((await readRows(join(f.dir, 'wv'))).map((r) => [r.key, r.caption]), [['000001_000050/1066-0', 'Red square on grey']]);
  } finally {
    f.cleanup();
  }
});

test('a truncated video is an error naming it; --skip-bad leaves it out; an interrupted import resumes after its kept shards', async () => {
  const f = fixture();
  try {
    const broken = join(f.videos, 'video3.mp4');
    copyFileSync(join(f.videos, 'video0.mp4'), broken);
    truncateSync(broken, 600);
    const annotations = join(f.dir, 'ann.json');
    const ids = ['video0', 'video1', 'video3', 'video2'];
    writeFileSync(annotations, JSON.stringify({ videos: ids.map((video_id) => ({ video_id, split: 'test' })), sentences: ids.map((video_id) => ({ video_id, caption: `about ${video_id}` })) }));
    const options = { annotations, videos: f.videos, out: join(f.dir, 'out'), frames: 2, size: 32, shardRows: 1, jobs: 2 };
    await assert.rejects(importMsrvtt({ ...options, ...quiet }), (err: Error) => /video .*video3\.mp4 does not decode: ffmpeg failed/.test(err.message) && /ann\.json/.test(JSON.stringify(err)));
    assert.equal(existsSync(options.out), false, 'nothing committed');
    const skipped = await importMsrvtt({ ...options, out: join(f.dir, 'skipped'), skipBad: true, ...quiet });
    assert.deepEqual([skipped.rows, skipped.skipped, skipped.problems[0].path], [3, 1, ['videos', 2, 'video_id']]);

    // The failed import kept its first two shards (one row each): fix the video and run the same import again.
    copyFileSync(join(f.videos, 'video2.mp4'), broken);
    const lines: string[] = [];
    const resumed = await importMsrvtt({ ...options, log: (l) => lines.push(l) });
    assert.ok(lines.some((l) => /^resuming: 2 shards \(2 rows\) kept, continuing at video 2 of 4/.test(l)), lines.join('\n'));
    const fresh = await importMsrvtt({ ...options, out: join(f.dir, 'fresh'), ...quiet });
    assert.equal(resumed.rows, 4);
    assert.equal(resumed.fingerprint, fresh.fingerprint, 'the resumed dataset is the one an uninterrupted import writes');
    assert.deepEqual(readdirSync(options.out).sort(), ['dataset.json', 'shard-00000.arrow', 'shard-00001.arrow', 'shard-00002.arrow', 'shard-00003.arrow']);
  } finally {
    f.cleanup();
  }
});

test('the CLI: a missing ffmpeg and a bad annotation file are exit-2 errors naming what to do and where', () => {
  const t = tempDir('vadapter-video-cli-');
  try {
    const annotations = join(t.dir, 'ann.json');
    writeFileSync(annotations, JSON.stringify({ videos: [{ video_id: 7 }], sentences: [] }));
    const bad = spawnSync(process.execPath, [BIN, 'data', 'import', 'msrvtt', '--annotations', annotations, '--videos', t.dir, '--out', join(t.dir, 'o')], { encoding: 'utf8' });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /ann\.json.*videos\[0\]\.video_id/s);
    writeFileSync(annotations, JSON.stringify({ videos: [{ video_id: 'video0' }], sentences: [{ video_id: 'video0', caption: 'x' }] }));
    const none = spawnSync(process.execPath, [BIN, 'data', 'import', 'msrvtt', '--split', 'all', '--annotations', annotations, '--videos', t.dir, '--out', join(t.dir, 'o')], { encoding: 'utf8', env: { ...process.env, VADAPTER_FFMPEG: join(t.dir, 'no-ffmpeg') } });
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /VADAPTER_FFMPEG=.*no-ffmpeg does not run as ffmpeg/);
    assert.doesNotMatch(none.stderr, /at .*\.ts:\d+/, 'no stack trace');
  } finally {
    t.cleanup();
  }
});

test('caption tables: quoted CSV fields span lines and keep their record\'s first line; a short record or bad JSON line names its line', () => {
  const t = tempDir('vadapter-table-');
  try {
    const csv = join(t.dir, 'c.csv');
    writeFileSync(csv, '\uFEFFvideo,caption\r\na.mp4,"two\nlines"\r\nb.mp4,plain\n');
    assert.deepEqual(readTableFile(csv).map((r) => [r.fields.video, r.fields.caption, r.line]), [['a.mp4', 'two\nlines', 2], ['b.mp4', 'plain', 4]]);
    writeFileSync(csv, 'video,caption\na.mp4,fine\nb.mp4\n');
    assert.throws(() => readTableFile(csv), (e: Error) => /expected 2 fields \(video, caption\), found 1/.test(e.message) && JSON.stringify(e).includes('"line":3'));
    writeFileSync(csv, 'video,caption\na.mp4,"never closed\n');
    assert.throws(() => readTableFile(csv), /quoted field opened on line 2 is never closed/);
    const jsonl = join(t.dir, 'c.jsonl');
    writeFileSync(jsonl, '{"video": "a.mp4", "caption": "x"}\n\n{"video": "b.mp4", caption}\n');
    assert.throws(() => readTableFile(jsonl), (e: Error) => /not a JSON value/.test(e.message) && JSON.stringify(e).includes('"line":3'));
    writeFileSync(jsonl, '{"video": "a.mp4"}\n');
    assert.throws(() => field(readTableFile(jsonl)[0], ['caption', 'text'], jsonl), /expected a column "caption" or "text" with a value/);
  } finally {
    t.cleanup();
  }
});

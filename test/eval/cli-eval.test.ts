import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'vadapter-eval-'));

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 1));
  return path;
}

/** Run the CLI in-process, capturing what it prints. */
async function vadapter(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { write: stdoutWrite } = process.stdout;
  const { write: stderrWrite } = process.stderr;
  process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => err.push(chunk) > 0) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

const captions = write('captions.json', {
  images: [{ id: 1 }, { id: 2 }],
  annotations: [
    { image_id: 1, id: 10, caption: 'A Dog runs.' },
    { image_id: 2, id: 11, caption: 'Two cats sleep!' },
  ],
});
const goodResults = write('results.json', [
  { image_id: 2, caption: 'two cats sleep' },
  { image_id: 1, caption: 'a dog runs' },
]);

test('eval caption --json prints the six metrics at full precision, --per-image adds each image', async () => {
  const r = await vadapter(['eval', 'caption', '--annotations', captions, '--results', goodResults, '--json', '--per-image']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(report), ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr', 'perImage']);
  assert.equal(report.ROUGE_L, 1);
  assert.ok(Math.abs(report.CIDEr - 7.5) < 1e-12); // identical after tokenization, 2 images: 10 * 3/4
  assert.ok(report.Bleu_1 > 0.9999999 && report.Bleu_1 < 1);
  assert.deepEqual(report.perImage.map((p: { image_id: number }) => p.image_id), [1, 2]); // annotation order
});

test('eval caption prints a table for people', async () => {
  const r = await vadapter(['eval', 'caption', '--annotations', captions, '--results', goodResults]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /over 2 images/);
  assert.match(r.stdout, /CIDEr\s+7\.500000/);
});

const vqaQuestions = write('questions.json', {
  questions: [
    { question_id: 101, image_id: 1, question: 'Is the dog running?' },
    { question_id: 102, image_id: 1, question: 'How many cats?' },
  ],
});
const vqaAnnotations = write('annotations.json', {
  annotations: [
    { question_id: 101, image_id: 1, question_type: 'is the', answer_type: 'yes/no', answers: Array.from({ length: 10 }, (_, i) => ({ answer: i < 2 ? 'yes' : 'no', answer_id: i + 1 })) },
    { question_id: 102, image_id: 1, question_type: 'how many', answer_type: 'number', answers: Array.from({ length: 10 }, (_, i) => ({ answer: i < 5 ? 'two' : '2', answer_id: i + 1 })) },
  ],
});

test('eval vqa --json prints overall, per answer type and per question type percentages', async () => {
  const results = write('vqa-results.json', [
    { question_id: 101, answer: 'yes' }, // 2 of 10 humans: (2 * 1/3 + 8 * 2/3) / 10 = 0.6
    { question_id: 102, answer: 'Two' }, // humans disagree, so all normalise to "2": 1
  ]);
  const r = await vadapter(['eval', 'vqa', '--questions', vqaQuestions, '--annotations', vqaAnnotations, '--results', results, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    overall: 80,
    perAnswerType: { 'yes/no': 60, number: 100 },
    perQuestionType: { 'is the': 60, 'how many': 100 },
  });
});

async function failure(args: string[]): Promise<string> {
  const r = await vadapter(args);
  assert.equal(r.code, 2, `expected exit code 2, got ${r.code}: ${r.stdout}`);
  return r.stderr.trim();
}

const captionWith = (results: string) => ['eval', 'caption', '--annotations', captions, '--results', results];

test('caption results: wrong shapes name the file, the entry and what was expected', async () => {
  const notArray = write('r1.json', { image_id: 1, caption: 'x' });
  assert.equal(await failure(captionWith(notArray)), `✖ ${notArray}: expected a JSON array of {"image_id", "caption"} results (COCO results format), got object`);
  const badCaption = write('r2.json', [{ image_id: 1, caption: 'x' }, { image_id: 2, caption: 5 }]);
  assert.equal(await failure(captionWith(badCaption)), `✖ ${badCaption}: [1].caption: expected a string, got number 5`);
  const badId = write('r3.json', [{ image_id: null, caption: 'x' }]);
  assert.equal(await failure(captionWith(badId)), `✖ ${badId}: [0].image_id: expected an integer (or non-empty string) id, got null`);
});

test('caption results: unknown, repeated and missing images', async () => {
  const unknown = write('r4.json', [{ image_id: 1, caption: 'x' }, { image_id: 99, caption: 'y' }]);
  assert.equal(await failure(captionWith(unknown)), `✖ ${unknown}: [1].image_id: image 99 is not in captions.json`);
  const twice = write('r5.json', [{ image_id: 1, caption: 'x' }, { image_id: 1, caption: 'y' }]);
  assert.equal(await failure(captionWith(twice)), `✖ ${twice}: [1].image_id: image 1 already has a caption at [0]; expected one caption per image`);
  const missing = write('r6.json', [{ image_id: 1, caption: 'x' }]);
  assert.equal(await failure(captionWith(missing)), `✖ ${missing}: no caption for 1 of 2 images of captions.json (missing: 2)`);
});

test('syntax errors give line and column; unreadable files and wrong annotation formats are named', async () => {
  // Line 3 is '  "caption": "x",}': the stray "}" is its 18th character.
  const broken = write('r7.json', '[\n  {"image_id": 1,\n  "caption": "x",}\n]');
  assert.match(await failure(captionWith(broken)), new RegExp(`^✖ ${broken}:3:18: not valid JSON: `));
  const nowhere = join(dir, 'nope.json');
  assert.equal(await failure(captionWith(nowhere)), `✖ ${nowhere}: cannot read: ENOENT`);
  const flat = write('a1.json', [{ image_id: 1, caption: 'x' }]);
  assert.equal(
    await failure(['eval', 'caption', '--annotations', flat, '--results', goodResults]),
    `✖ ${flat}: expected an object with an "annotations" array (COCO caption annotations), got array`,
  );
  const stray = write('a2.json', { images: [{ id: 1 }], annotations: [{ image_id: 1, caption: 'a' }, { image_id: 3, caption: 'b' }] });
  assert.equal(
    await failure(['eval', 'caption', '--annotations', stray, '--results', goodResults]),
    `✖ ${stray}: annotations[1].image_id: image 3 is not in the "images" list`,
  );
});

test('vqa: malformed annotations and incomplete results', async () => {
  const noAnswers = write('va1.json', { annotations: [{ question_id: 101, question_type: 'is the', answer_type: 'yes/no', answers: [] }] });
  const results = write('vr1.json', [{ question_id: 101, answer: 'yes' }]);
  assert.equal(
    await failure(['eval', 'vqa', '--questions', vqaQuestions, '--annotations', noAnswers, '--results', results]),
    `✖ ${noAnswers}: annotations[0].answers: expected a non-empty array of {"answer": string}, got an empty array`,
  );
  assert.equal(
    await failure(['eval', 'vqa', '--questions', vqaQuestions, '--annotations', vqaAnnotations, '--results', results]),
    `✖ ${results}: no answer for 1 of 2 questions of annotations.json (missing: 102)`,
  );
  const stranger = write('va2.json', { annotations: [{ question_id: 555, question_type: 'x', answer_type: 'y', answers: [{ answer: 'a' }] }] });
  assert.equal(
    await failure(['eval', 'vqa', '--questions', vqaQuestions, '--annotations', stranger, '--results', results]),
    `✖ ${stranger}: annotations[0].question_id: question 555 is not in questions.json`,
  );
});

test('eval without a task, or with a missing option, is a usage error', async () => {
  assert.match(await failure(['eval']), /name a task: caption or vqa/);
  assert.match(await failure(['eval', 'caption', '--annotations', captions]), /Missing required argument: results/);
});

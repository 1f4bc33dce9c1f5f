import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importVqa } from '../../src/data/import/vqa.ts';
import { readRows as rows, solidImage, tempDir } from './helpers.ts';

const tenAnswers = (a: string, other: string) => Array.from({ length: 10 }, (_, i) => ({ answer: i < 8 ? a : other, answer_confidence: 'yes', answer_id: i + 1 }));

/** VQA v2 files in their real layout: questions, annotations, COCO-named images. */
async function vqaFixture(dir: string, extraQuestions: unknown[] = []) {
  const images = join(dir, 'val2014');
  mkdirSync(images);
  writeFileSync(join(images, 'COCO_val2014_000000000042.jpg'), await solidImage([200, 30, 30], 'jpeg'));
  writeFileSync(join(images, 'COCO_val2014_000000000007.png'), await solidImage([30, 30, 200], 'png'));
  writeFileSync(join(images, 'README.txt'), 'not an image');
  const questions = {
    info: {},
    task_type: 'Open-Ended',
    data_type: 'mscoco',
    data_subtype: 'val2014',
    questions: [
      { image_id: 42, question: 'What color is the square?', question_id: 42000 },
      { image_id: 42, question: 'Is there a square?', question_id: 42001 },
      { image_id: 7, question: 'How many squares are there?', question_id: 7000 },
      ...extraQuestions,
    ],
  };
  const annotations = {
    annotations: [
      { question_id: 42000, image_id: 42, question_type: 'what color is the', answer_type: 'other', multiple_choice_answer: 'red', answers: tenAnswers('red', 'orange') },
      { question_id: 42001, image_id: 42, question_type: 'is there a', answer_type: 'yes/no', multiple_choice_answer: 'yes', answers: tenAnswers('yes', 'no') },
      { question_id: 7000, image_id: 7, question_type: 'how many', answer_type: 'number', multiple_choice_answer: '1', answers: tenAnswers('1', 'one') },
    ],
  };
  const files = { questions: join(dir, 'questions.json'), annotations: join(dir, 'annotations.json'), images };
  writeFileSync(files.questions, JSON.stringify(questions));
  writeFileSync(files.annotations, JSON.stringify(annotations));
  return files;
}

test('VQA v2 questions and annotations become a vqa-eval set with ten answers per question', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = await vqaFixture(dir);
    const out = join(dir, 'vqa');
    const report = await importVqa({ ...input, out });
    assert.deepEqual([report.kind, report.rows, report.skipped], ['vqa-eval', 3, 0]);
    const got = await rows(out);
    assert.deepEqual(got.map((r) => [r.key, r.question_id, r.question, r.answer_type, r.question_type]), [
      ['42', 42000, 'What color is the square?', 'other', 'what color is the'],
      ['42', 42001, 'Is there a square?', 'yes/no', 'is there a'],
      ['7', 7000, 'How many squares are there?', 'number', 'how many'],
    ]);
    assert.deepEqual(got[2].answers, ['1', '1', '1', '1', '1', '1', '1', '1', 'one', 'one']);
    assert.deepEqual(Buffer.from(got[0].image as Uint8Array), readFileSync(join(input.images, 'COCO_val2014_000000000042.jpg')));
  } finally {
    cleanup();
  }
});

test('a question whose image file or annotation is missing is named; --skip-bad counts it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = await vqaFixture(dir, [
      { image_id: 5, question: 'Where is it?', question_id: 5000 },
      { image_id: 7, question: 'Unannotated?', question_id: 7001 },
    ]);
    const out = join(dir, 'vqa');
    await assert.rejects(importVqa({ ...input, out }), /questions\.json: questions\[3\]\.question_id: no annotation for question 5000/);
    const report = await importVqa({ ...input, out, skipBad: true });
    assert.deepEqual([report.rows, report.skipped], [3, 2]);
    writeFileSync(input.annotations, JSON.stringify({ annotations: [...JSON.parse(readFileSync(input.annotations, 'utf8')).annotations, { question_id: 5000, answer_type: 'other', answers: tenAnswers('left', 'right') }] }));
    await assert.rejects(importVqa({ ...input, out }), /questions\[3\]\.image_id: no file for image 5 in/);
  } finally {
    cleanup();
  }
});

test('two files for one image id are an error naming both', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = await vqaFixture(dir);
    writeFileSync(join(input.images, '42.jpg'), await solidImage([1, 2, 3], 'jpeg'));
    await assert.rejects(importVqa({ ...input, out: join(dir, 'vqa') }), /val2014: two files for image 42: 42\.jpg and COCO_val2014_000000000042\.jpg/);
  } finally {
    cleanup();
  }
});

// VQA v2 (v2_OpenEnded_mscoco_val2014_questions.json: {questions: [{image_id, question,
// question_id}]} and v2_mscoco_val2014_annotations.json: {annotations: [{question_id, answers:
// [{answer, ...}] (10), answer_type, question_type, ...}]}) plus the COCO image folder, as a vqa-eval
// dataset, one row per question in the questions file's order; key = image id. An image is found by
// the number its file name ends in (COCO_val2014_000000000042.jpg is image 42).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { userError } from '../../util/errors.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { parseWith } from '../json.ts';
import type { Row } from '../schema.ts';
import { BadRows, validElements } from './bad-rows.ts';
import { checkedRows, writeImport, type ImportCommon, type ImportReport } from './common.ts';
import { readImageFile, type CheckedImage } from './images.ts';

export interface VqaOptions extends ImportCommon {
  questions: string;
  annotations: string;
  images: string;
}

const questionSchema = z.object({ image_id: z.number().int(), question: z.string(), question_id: z.number().int() });
const annotationSchema = z.object({
  question_id: z.number().int(),
  answers: z.array(z.object({ answer: z.string() })).min(1),
  answer_type: z.string(),
  question_type: z.string().optional(),
});

type Question = z.output<typeof questionSchema> & { index: number };
type Annotation = z.output<typeof annotationSchema>;

const CACHED_IMAGES = 64;

/** Image id -> file, from the trailing number of each image file name in `dir`. */
function indexImageFolder(dir: string): Map<number, string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw userError('missing_folder', `image folder cannot be read (${(err as NodeJS.ErrnoException).code})`, { file: dir });
  }
  const byId = new Map<number, string>();
  for (const name of names.sort()) {
    const m = /(\d+)\.(jpe?g|png|webp)$/i.exec(name);
    if (!m) continue;
    const id = Number(m[1]);
    if (byId.has(id)) throw userError('duplicate_image', `two files for image ${id}: ${byId.get(id)} and ${name}`, { file: dir });
    byId.set(id, name);
  }
  return byId;
}

/** Each image read once while its questions come by (questions of one image are usually adjacent). */
function imageCache(load: (id: number, q: Question) => Promise<CheckedImage>) {
  const cache = new Map<number, Promise<CheckedImage>>();
  return (id: number, q: Question) => {
    let p = cache.get(id);
    if (!p) {
      p = load(id, q);
      cache.set(id, p);
      if (cache.size > CACHED_IMAGES) cache.delete(cache.keys().next().value!);
    }
    return p;
  };
}

function rowFor(q: Question, a: Annotation, img: CheckedImage): Row {
  return {
    key: String(q.image_id),
    question_id: q.question_id,
    image: img.bytes,
    question: q.question,
    answers: a.answers.map((x) => x.answer),
    answer_type: a.answer_type,
    ...(a.question_type !== undefined ? { question_type: a.question_type } : {}),
  };
}

export async function importVqa(o: VqaOptions): Promise<ImportReport> {
  const bad = new BadRows(o.skipBad ?? false);
  const questionsFile = parseWith(z.object({ questions: z.array(z.unknown()) }), readJsonFile(o.questions), o.questions);
  const annotationsFile = parseWith(z.object({ annotations: z.array(z.unknown()) }), readJsonFile(o.annotations), o.annotations);
  const questions = validElements(questionsFile.questions, questionSchema, o.questions, 'questions', bad);
  const annotations = new Map(validElements(annotationsFile.annotations, annotationSchema, o.annotations, 'annotations', bad).map((a) => [a.question_id, a]));
  const files = indexImageFolder(o.images);
  const image = imageCache((id, q) => {
    const where = { file: o.questions, path: ['questions', q.index, 'image_id'] };
    const name = files.get(id);
    if (!name) throw userError('missing_image', `no file for image ${id} in ${o.images}`, where);
    return readImageFile(join(o.images, name), where);
  });
  const load = async (q: Question) => {
    const a = annotations.get(q.question_id);
    if (!a) throw userError('missing_annotation', `no annotation for question ${q.question_id} in ${o.annotations}`, { file: o.questions, path: ['questions', q.index, 'question_id'] });
    return rowFor(q, a, await image(q.image_id, q));
  };
  return writeImport(o, o.questions, { kind: 'vqa-eval', source: { importer: 'vqa', questions: o.questions, annotations: o.annotations, images: o.images } }, checkedRows(questions, load, bad), bad);
}

// The synthetic dataset family, one entry per dataset: its kind, how many items each scale has,
// and how item i becomes rows. Item i depends only on (seed, set name, i), so a smaller scale's
// rows are the first rows of a larger one's, and items can be made in any order.
//
//   train: webli (image-text), vtp (video-text, terse, 8 frames), smit (video-text, spoken, 12 frames)
//   eval:  coco (caption-eval, 5 references), vqav2 (vqa-eval, 2 questions per image),
//          msrvtt (caption-eval, clips, 5 references), msrvtt-qa (vqa-eval, clips, 2 questions per clip)
//   text:  scenes (text, documents about scenes for LLM pretraining: documents.ts),
//          glimpses (text, the same prompts with a partial context: documents.ts)
import sharp from 'sharp';
import { unknownName } from '../names.ts';
import type { Scale } from './scales.ts';
import { Rng } from '../../util/rng.ts';
import type { DatasetKind } from '../kinds.ts';
import type { Row } from '../schema.ts';
import { clipCaption, clipReferences, imageCaption, imageReferences, type ClipStyle } from './captions.ts';
import { clipQuestions, humanAnswers, imageQuestions, pickQuestion, type Question } from './questions.ts';
import type { Canvas } from './raster.ts';
import { renderClip, renderImage, sampleClipScene, sampleImageScene } from './scene.ts';
import { glimpseDocument, sceneDocument } from './documents.ts';


export interface SynthSettings {
  seed: number;
  /** Side of the square images, in pixels. */
  imageSize: number;
}

export interface SynthSet {
  name: string;
  kind: DatasetKind;
  split: 'train' | 'eval' | 'text';
  /** Items (images or clips) per scale; an item may give several rows (one per question). */
  items: Record<Scale, number>;
  make(index: number, rng: Rng, s: SynthSettings): Promise<Row[]>;
}

const REFERENCES = 5;
const QUESTIONS_PER_ITEM = 2;

function encodeJpeg(c: Canvas): Promise<Buffer> {
  return sharp(c.pixels, { raw: { width: c.size, height: c.size, channels: 3 } }).jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toBuffer();
}

async function image(rng: Rng, s: SynthSettings) {
  const scene = sampleImageScene(rng);
  return { scene, image: await encodeJpeg(renderImage(scene, s.imageSize, rng)) };
}

async function clip(rng: Rng, s: SynthSettings, frames: number) {
  const scene = sampleClipScene(rng);
  return { scene, frames: await Promise.all(renderClip(scene, s.imageSize, frames, rng).map(encodeJpeg)) };
}

/** Two different questions (when there are two), each with ten answers. */
function questionRows(key: string, index: number, questions: Question[], rng: Rng): Row[] {
  const rows: Row[] = [];
  const pool = [...questions];
  for (let q = 0; q < QUESTIONS_PER_ITEM && pool.length > 0; q++) {
    const picked = pickQuestion(pool, rng);
    pool.splice(pool.indexOf(picked), 1);
    rows.push({ key, question_id: index * 10 + q, question: picked.question, answers: humanAnswers(picked, rng), answer_type: picked.answerType, question_type: picked.questionType });
  }
  return rows;
}

const key = (set: string, i: number) => `${set}-${String(i).padStart(6, '0')}`;

function videoText(name: string, style: ClipStyle, frames: number, items: Record<Scale, number>): SynthSet {
  return {
    name,
    kind: 'video-text',
    split: 'train',
    items,
    async make(i, rng, s) {
      const c = await clip(rng, s, frames);
      return [{ key: key(name, i), frames: c.frames, caption: clipCaption(c.scene, style, rng), fps: 4 }];
    },
  };
}

export const SYNTH_SETS: SynthSet[] = [
  {
    name: 'webli',
    kind: 'image-text',
    split: 'train',
    items: { tiny: 48, small: 3000, medium: 20000 },
    async make(i, rng, s) {
      const { scene, image: bytes } = await image(rng, s);
      return [{ key: key('webli', i), image: bytes, caption: imageCaption(scene, rng), width: s.imageSize, height: s.imageSize }];
    },
  },
  videoText('vtp', 'terse', 8, { tiny: 16, small: 750, medium: 5000 }),
  videoText('smit', 'spoken', 12, { tiny: 16, small: 750, medium: 5000 }),
  {
    name: 'coco',
    kind: 'caption-eval',
    split: 'eval',
    items: { tiny: 12, small: 250, medium: 1000 },
    async make(i, rng, s) {
      const { scene, image: bytes } = await image(rng, s);
      return [{ key: key('coco', i), image: bytes, captions: imageReferences(scene, REFERENCES, rng) }];
    },
  },
  {
    name: 'vqav2',
    kind: 'vqa-eval',
    split: 'eval',
    items: { tiny: 12, small: 250, medium: 1000 },
    async make(i, rng, s) {
      const { scene, image: bytes } = await image(rng, s);
      return questionRows(key('vqav2', i), i, imageQuestions(scene, rng), rng).map((r) => ({ ...r, image: bytes }));
    },
  },
  {
    name: 'msrvtt',
    kind: 'caption-eval',
    split: 'eval',
    items: { tiny: 8, small: 100, medium: 500 },
    async make(i, rng, s) {
      const c = await clip(rng, s, 10);
      return [{ key: key('msrvtt', i), frames: c.frames, captions: clipReferences(c.scene, REFERENCES, rng) }];
    },
  },
  {
    name: 'msrvtt-qa',
    kind: 'vqa-eval',
    split: 'eval',
    items: { tiny: 8, small: 100, medium: 500 },
    async make(i, rng, s) {
      const c = await clip(rng, s, 10);
      return questionRows(key('msrvtt-qa', i), i, clipQuestions(c.scene, rng), rng).map((r) => ({ ...r, frames: c.frames }));
    },
  },
  documentSet('scenes', sceneDocument),
  documentSet('glimpses', glimpseDocument),
];

/** A text set of one document per item, drawn by `document`. */
function documentSet(name: string, document: (rng: Rng) => { text: string }): SynthSet {
  return {
    name,
    kind: 'text',
    split: 'text',
    items: { tiny: 200, small: 20000, medium: 100000 },
    async make(i, rng) {
      return [{ key: key(name, i), text: document(rng).text }];
    },
  };
}

function synthSetNames(): string[] {
  return SYNTH_SETS.map((s) => s.name);
}

export function getSynthSet(name: string): SynthSet {
  const set = SYNTH_SETS.find((s) => s.name === name);
  if (set) return set;
  throw unknownName('synthetic dataset', name, synthSetNames());
}

/** The Rng for item `index` of `set`: a function of the seed, the set and the index only. */
export function itemRng(seed: number, set: string, index: number): Rng {
  return Rng.derive(seed, `synth:${set}:${index}`);
}

// Dataset kinds: the shard schemas that every dataset directory declares in its manifest. Each kind
// is a list of fields (name, value type, whether it may be absent); `visual` names the columns that
// carry pixels, exactly one of which a shard must have (none for text). Registered by name, as STYLE.md asks.
//
//   image-text    key, image (encoded JPEG/PNG), caption, [lang, width, height]        (WebLI-like)
//   video-text    key, frames (list of encoded images), caption, [fps]                 (VTP / SMIT-like)
//   caption-eval  key, image | frames, captions (list of strings)                      (COCO, MSRVTT)
//   vqa-eval      key, question_id, image | frames, question, answers (10 where known),
//                 answer_type ('yes/no' | 'number' | 'other'), [question_type]          (VQAv2, MSRVTT-QA)
//   text          key, text                                                           (a text-only corpus)
import { unknownName } from './names.ts';

/** Value types a column can hold; `binary` is an encoded image, `*-list` a variable-length list. */
export type FieldType = 'utf8' | 'binary' | 'binary-list' | 'utf8-list' | 'int32' | 'int64' | 'float32';

export interface FieldSpec {
  name: string;
  type: FieldType;
  optional: boolean;
  doc: string;
}

export interface KindSpec {
  name: string;
  fields: FieldSpec[];
  /** Columns holding pixels (`image` or `frames`); a shard has exactly one of them, unless the list is empty. */
  visual: ('image' | 'frames')[];
  doc: string;
}

const KEY: FieldSpec = { name: 'key', type: 'utf8', optional: false, doc: 'unique id of the row within its dataset' };
const IMAGE: FieldSpec = { name: 'image', type: 'binary', optional: true, doc: 'encoded JPEG or PNG bytes' };
const FRAMES: FieldSpec = { name: 'frames', type: 'binary-list', optional: true, doc: 'encoded JPEG or PNG bytes per frame, in time order' };

const KINDS: KindSpec[] = [
  {
    name: 'image-text',
    doc: 'image-caption pairs for training (WebLI, CC3M, LAION)',
    visual: ['image'],
    fields: [
      KEY,
      IMAGE,
      { name: 'caption', type: 'utf8', optional: false, doc: 'the caption' },
      { name: 'lang', type: 'utf8', optional: true, doc: 'language code of the caption' },
      { name: 'width', type: 'int32', optional: true, doc: 'original image width in pixels' },
      { name: 'height', type: 'int32', optional: true, doc: 'original image height in pixels' },
    ],
  },
  {
    name: 'video-text',
    doc: 'video-caption pairs for training (VTP, SMIT, WebVid)',
    visual: ['frames'],
    fields: [
      KEY,
      FRAMES,
      { name: 'caption', type: 'utf8', optional: false, doc: 'the caption' },
      { name: 'fps', type: 'float32', optional: true, doc: 'frames per second of the stored frames' },
    ],
  },
  {
    name: 'caption-eval',
    doc: 'captioning evaluation: reference captions per image or clip (COCO, MSRVTT)',
    visual: ['image', 'frames'],
    fields: [KEY, IMAGE, FRAMES, { name: 'captions', type: 'utf8-list', optional: false, doc: 'reference captions' }],
  },
  {
    name: 'vqa-eval',
    doc: 'question answering evaluation (VQAv2, MSRVTT-QA)',
    visual: ['image', 'frames'],
    fields: [
      KEY,
      { name: 'question_id', type: 'int64', optional: false, doc: 'unique id of the question' },
      IMAGE,
      FRAMES,
      { name: 'question', type: 'utf8', optional: false, doc: 'the question' },
      { name: 'answers', type: 'utf8-list', optional: false, doc: 'human answers, 10 where the source has them' },
      { name: 'answer_type', type: 'utf8', optional: false, doc: "'yes/no', 'number' or 'other'" },
      { name: 'question_type', type: 'utf8', optional: true, doc: 'question type, e.g. "what color is the"' },
    ],
  },
  {
    name: 'text',
    doc: 'text documents for language-model pretraining (web text, books; no pixels)',
    visual: [],
    fields: [KEY, { name: 'text', type: 'utf8', optional: false, doc: 'the document' }],
  },
];

const REGISTRY = new Map(KINDS.map((k) => [k.name, k]));

export type DatasetKind = 'image-text' | 'video-text' | 'caption-eval' | 'vqa-eval' | 'text';

function kindNames(): string[] {
  return [...REGISTRY.keys()];
}

/** The kind registered under `name`; an unknown name is an error listing the known ones. */
export function getKind(name: string, where: { file?: string; path?: (string | number)[] } = {}): KindSpec {
  const kind = REGISTRY.get(name);
  if (kind) return kind;
  throw unknownName('dataset kind', name, kindNames(), where);
}

// Importers by name, each with the options it takes: the CLI builds `vadapter data import <name>`
// from this table (and yargs suggests the closest name for a typo). Adding a format = one file in
// import/ and one entry here. Importers load their code when run, so `--help` stays fast.
import type { CocoOptions } from './coco.ts';
import type { ImportReport } from './common.ts';
import type { ParquetOptions } from './parquet.ts';
import type { VqaOptions } from './vqa.ts';
import type { MsrvttOptions } from './msrvtt.ts';
import type { VatexOptions } from './vatex.ts';
import type { VideoQaOptions } from './video-qa.ts';
import type { VideoTextOptions } from './video-text.ts';

export interface ImporterOption {
  name: string;
  type: 'string' | 'number' | 'boolean';
  describe: string;
  required?: boolean;
  choices?: string[];
}

export interface Importer {
  name: string;
  describe: string;
  /** Positional arguments after the name, e.g. `files..` for a list of files. */
  positional?: { name: string; describe: string; variadic: boolean };
  options: ImporterOption[];
  examples: [string, string][];
  run(options: Record<string, unknown>): Promise<ImportReport>;
}

export const COMMON_OPTIONS: ImporterOption[] = [
  { name: 'out', type: 'string', describe: 'output dataset directory (replaced only if it is a dataset)', required: true },
  { name: 'skip-bad', type: 'boolean', describe: 'leave out rows that cannot be imported and count them, instead of failing' },
  { name: 'name', type: 'string', describe: "dataset name in the manifest (default: the output directory's name)" },
  { name: 'limit', type: 'number', describe: 'import at most this many rows' },
];

/** What every video importer takes beside its annotation file (videos.ts VIDEO_DEFAULTS). */
const VIDEO_OPTIONS: ImporterOption[] = [
  { name: 'videos', type: 'string', describe: 'folder holding the videos the annotations name', required: true },
  { name: 'frames', type: 'number', describe: 'frames kept per clip, uniformly over it (segment centres; a short clip repeats its last) (default 8)' },
  { name: 'size', type: 'number', describe: 'frames are scaled to cover size x size and centre-cropped (default 224)' },
  { name: 'jobs', type: 'number', describe: 'ffmpeg processes at once (default: the cores, at most 8)' },
  { name: 'timeout', type: 'number', describe: 'seconds one video may take to decode (default 120)' },
  { name: 'shard-rows', type: 'number', describe: 'rows per shard; an interrupted import keeps whole shards and continues after them (default 1024)' },
];

const VIDEO_KIND: ImporterOption = { name: 'kind', type: 'string', describe: 'caption-eval: one row per video with all its references; video-text: one row per caption', choices: ['caption-eval', 'video-text'] };

export const IMPORTERS: Importer[] = [
  {
    name: 'coco',
    describe: 'COCO captions JSON + image folder -> caption-eval (or image-text)',
    options: [
      { name: 'annotations', type: 'string', describe: 'captions JSON (e.g. captions_val2014.json)', required: true },
      { name: 'images', type: 'string', describe: 'folder holding the files named in "images"', required: true },
      { name: 'kind', type: 'string', describe: 'caption-eval: one row per image; image-text: one row per caption', choices: ['caption-eval', 'image-text'] },
    ],
    examples: [['$0 data import coco --annotations annotations/captions_val2014.json --images val2014 --out datasets/coco-val', 'COCO val captions as a caption-eval set']],
    run: async (o) => (await import('./coco.ts')).importCoco(o as unknown as CocoOptions),
  },
  {
    name: 'vqa',
    describe: 'VQA v2 questions + annotations JSON + image folder -> vqa-eval',
    options: [
      { name: 'questions', type: 'string', describe: 'questions JSON (v2_OpenEnded_mscoco_*_questions.json)', required: true },
      { name: 'annotations', type: 'string', describe: 'annotations JSON (v2_mscoco_*_annotations.json)', required: true },
      { name: 'images', type: 'string', describe: 'image folder; files are matched by the number their names end in', required: true },
    ],
    examples: [['$0 data import vqa --questions q.json --annotations a.json --images val2014 --out datasets/vqav2-val', 'VQAv2 val']],
    run: async (o) => (await import('./vqa.ts')).importVqa(o as unknown as VqaOptions),
  },
  {
    name: 'parquet',
    describe: 'img2dataset Parquet (image bytes + caption) -> image-text',
    positional: { name: 'files', describe: 'Parquet files', variadic: true },
    options: [
      { name: 'image-column', type: 'string', describe: 'column of image bytes (default: jpg, png, webp or image)' },
      { name: 'caption-column', type: 'string', describe: 'column of captions (default: caption, txt or text)' },
    ],
    examples: [['$0 data import parquet cc3m/*.parquet --out datasets/cc3m', 'img2dataset output as a training set']],
    run: async (o) => (await import('./parquet.ts')).importParquet(o as unknown as ParquetOptions),
  },
  {
    name: 'video-text',
    describe: 'a folder of videos + a captions CSV / JSONL (video, caption), or WebVid CSV -> video-text',
    options: [
      { name: 'captions', type: 'string', describe: 'CSV or JSON Lines (.jsonl): columns video (or path, file) and caption (or text); WebVid: videoid, name, page_dir', required: true },
      { name: 'format', type: 'string', describe: 'table: the columns above; webvid: WebVid CSV, videos at <page_dir>/<videoid>.mp4', choices: ['table', 'webvid'] },
      ...VIDEO_OPTIONS,
    ],
    examples: [
      ['$0 data import video-text --captions clips.csv --videos clips --out datasets/my-clips', 'a folder of clips with their captions as training data'],
      ['$0 data import video-text --format webvid --captions results_2M_val.csv --videos webvid/videos --out datasets/webvid-val', 'WebVid'],
    ],
    run: async (o) => (await import('./video-text.ts')).importVideoText(o as unknown as VideoTextOptions),
  },
  {
    name: 'msrvtt',
    describe: 'MSR-VTT videodatainfo JSON (videos, sentences) + video folder -> caption-eval (or video-text)',
    options: [
      { name: 'annotations', type: 'string', describe: 'test_videodatainfo.json or train_val_videodatainfo.json', required: true },
      { name: 'split', type: 'string', describe: 'the videos whose "split" is this (default test)', choices: ['train', 'validate', 'test', 'all'] },
      VIDEO_KIND,
      ...VIDEO_OPTIONS,
    ],
    examples: [['$0 data import msrvtt --annotations test_videodatainfo.json --videos TestVideo --out datasets/msrvtt-test', 'the 2990 test videos, 20 references each']],
    run: async (o) => (await import('./msrvtt.ts')).importMsrvtt(o as unknown as MsrvttOptions),
  },
  {
    name: 'vatex',
    describe: 'VATEX JSON (videoID, enCap) + clip folder -> caption-eval (or video-text)',
    options: [{ name: 'annotations', type: 'string', describe: 'vatex_validation_v1.0.json or the like', required: true }, VIDEO_KIND, ...VIDEO_OPTIONS],
    examples: [['$0 data import vatex --annotations vatex_validation_v1.0.json --videos vatex/val --out datasets/vatex-val', 'VATEX val, 10 English references a clip']],
    run: async (o) => (await import('./vatex.ts')).importVatex(o as unknown as VatexOptions),
  },
  {
    name: 'video-qa',
    describe: 'MSRVTT-QA / MSVD-QA JSON (video_id or video, question, answer) + video folder -> vqa-eval',
    options: [
      { name: 'questions', type: 'string', describe: 'a JSON list of {video_id | video, question, answer, id}', required: true },
      { name: 'video-name', type: 'string', describe: 'file name of a numeric video id, {id} replaced (default video{id}, as MSRVTT-QA)' },
      { name: 'mapping', type: 'string', describe: 'MSVD-QA: youtube_mapping.txt, lines "<clip name> vid<id>"' },
      ...VIDEO_OPTIONS,
    ],
    examples: [
      ['$0 data import video-qa --questions msrvtt_qa/test.json --videos TestVideo --out datasets/msrvtt-qa-test', 'MSRVTT-QA test'],
      ['$0 data import video-qa --questions msvd_qa/test.json --mapping youtube_mapping.txt --videos YouTubeClips --out datasets/msvd-qa-test', 'MSVD-QA test'],
    ],
    run: async (o) => (await import('./video-qa.ts')).importVideoQa(o as unknown as VideoQaOptions),
  },
];

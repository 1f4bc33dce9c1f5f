// Importers by name, each with the options it takes: the CLI builds `vadapter data import <name>`
// from this table (and yargs suggests the closest name for a typo). Adding a format = one file in
// import/ and one entry here. Importers load their code when run, so `--help` stays fast.
import type { CocoOptions } from './coco.ts';
import type { ImportReport } from './common.ts';
import type { ParquetOptions } from './parquet.ts';
import type { VqaOptions } from './vqa.ts';

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
];

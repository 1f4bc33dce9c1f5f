// `vadapter eval caption|vqa`: score any model's outputs in the standard COCO / VQA file formats
// with the numbers pycocoevalcap and the official VQA script would give.

import type { CommandModule } from 'yargs';
import { CAPTION_METRICS, scoreCaptions, type CaptionEvaluation, type CaptionScores } from '../eval/caption-metrics.ts';
import { loadCaptionAnnotations, loadCaptionResults } from '../eval/files/coco-captions.ts';
import { loadVqaItems } from '../eval/files/vqa.ts';
import { vqaAccuracy, type VqaAccuracy } from '../eval/vqa/accuracy.ts';
import { formatTable, printJson, printLine } from './output.ts';

interface CaptionArgs {
  annotations: string;
  results: string;
  json: boolean;
  perImage: boolean;
}

interface VqaArgs {
  questions: string;
  annotations: string;
  results: string;
  json: boolean;
}

const file = (describe: string) => ({ type: 'string', demandOption: true, requiresArg: true, describe }) as const;
const jsonOption = { type: 'boolean', default: false, describe: 'print the scores as JSON (full precision)' } as const;

function captionJson(evaluation: CaptionEvaluation, perImage: boolean): object {
  const { perImage: images, ...scores } = evaluation;
  if (!perImage) return scores;
  return { ...scores, perImage: [...images].map(([id, s]) => ({ image_id: id, ...s })) };
}

function printCaptionScores(evaluation: CaptionEvaluation, perImage: boolean): void {
  const fmt = (s: CaptionScores) => CAPTION_METRICS.map((m) => s[m].toFixed(4));
  printLine(`COCO caption metrics over ${evaluation.perImage.size} images (pycocoevalcap-compatible)`);
  printLine(formatTable(['metric', 'score'], CAPTION_METRICS.map((m) => [m, evaluation[m].toFixed(6)])));
  if (!perImage) return;
  printLine();
  printLine(formatTable(['image_id', ...CAPTION_METRICS], [...evaluation.perImage].map(([id, s]) => [String(id), ...fmt(s)])));
}

function printVqaAccuracy(acc: VqaAccuracy): void {
  const rows = (record: Record<string, number>) => Object.entries(record).map(([k, v]) => [k, v.toFixed(2)]);
  printLine(`VQA accuracy over ${acc.perQuestion.size} questions (official vqaEval.py rules): ${acc.overall.toFixed(2)}`);
  printLine();
  printLine(formatTable(['answer type', 'accuracy'], rows(acc.perAnswerType)));
  printLine();
  printLine(formatTable(['question type', 'accuracy'], rows(acc.perQuestionType)));
}

const captionCommand: CommandModule<object, CaptionArgs> = {
  command: 'caption',
  describe: 'BLEU-1..4, ROUGE-L and CIDEr-D of COCO-format results, as pycocoevalcap computes them',
  builder: (y) =>
    y
      .option('annotations', file('COCO caption annotation file: {"images": [...], "annotations": [{"image_id", "caption"}]}'))
      .option('results', file('COCO results file: [{"image_id", "caption"}], one per image'))
      .option('json', jsonOption)
      .option('per-image', { type: 'boolean', default: false, describe: 'also report the scores of every image' })
      .example('$0 eval caption --annotations captions_val2014.json --results results.json --json', 'scores as JSON') as never,
  handler: (args) => {
    const references = loadCaptionAnnotations(args.annotations);
    const candidates = loadCaptionResults(args.results, references, args.annotations);
    const evaluation = scoreCaptions(references, candidates);
    if (args.json) printJson(captionJson(evaluation, args.perImage));
    else printCaptionScores(evaluation, args.perImage);
  },
};

const vqaCommand: CommandModule<object, VqaArgs> = {
  command: 'vqa',
  describe: 'VQA accuracy of VQA-format results, as the official vqaEval.py computes it',
  builder: (y) =>
    y
      .option('questions', file('VQA questions file: {"questions": [{"question_id", ...}]}'))
      .option('annotations', file('VQA annotation file: {"annotations": [{"question_id", "question_type", "answer_type", "answers"}]}'))
      .option('results', file('VQA results file: [{"question_id", "answer"}], one per question'))
      .option('json', jsonOption)
      .example('$0 eval vqa --questions q.json --annotations a.json --results r.json', 'overall and per-type accuracy') as never,
  handler: (args) => {
    const accuracy = vqaAccuracy(loadVqaItems(args));
    if (!args.json) return printVqaAccuracy(accuracy);
    const { overall, perAnswerType, perQuestionType } = accuracy;
    printJson({ overall, perAnswerType, perQuestionType });
  },
};

export const evalCommand: CommandModule = {
  command: 'eval',
  describe: 'score captions (COCO) or answers (VQA) given in the standard file formats',
  builder: (y) => y.command(captionCommand).command(vqaCommand).demandCommand(1, 'name a task: caption or vqa'),
  handler: () => {},
};

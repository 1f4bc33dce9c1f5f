// Zero-shot evaluation of a VLM assembly on eval sets: captioning (images or clips) scored with
// BLEU-1..4, ROUGE-L and CIDEr-D, QA (images or clips) scored with VQA accuracy, overall and per
// answer type. Beside them, how much the outputs vary (distinct captions; the distribution of
// answers) and the score of captioning / answering without the image (blind-caption.ts: the best
// constant caption; vqa/blind-prior.ts), to tell generation that depends on the image from one
// text for every input; where the set lists attribute words, whether captions name the shown
// attributes (attribute-grounding.ts). Each task returns its metrics, its predictions in the COCO / VQA results
// format and the matching reference files (captions: and the blind caption; QA: and the answer
// histogram), so that `vadapter eval caption|vqa` re-scores them to the same
// numbers. `limit` takes the first N examples of each set (a fixed subset, for evaluation during
// training). The `evaluate` stage and the training stages call evaluateAssembly.
import * as tf from '@tensorflow/tfjs-core';
import { batches } from '../data/batch.ts';
import { captionEvalExamples, vqaEvalExamples, type EvalReadOptions } from '../data/eval-sets.ts';
import type { VerifyMode } from '../data/verify.ts';
import type { TextTokenizer } from '../data/tokenizer.ts';
import { readManifest } from '../data/manifest.ts';
import { attributeGrounding } from './attribute-grounding.ts';
import { blindCaption, type BlindCaption } from './blind-caption.ts';
import { CAPTION_METRICS, scoreCaptions } from './caption-metrics.ts';
import { isVlmConfigs } from './decode/step-model.ts';
import { captionAnnotationsFile, captionResultsFile, idFromKey, vqaAnnotationsFile, vqaQuestionsFile, vqaResultsFile, type CaptionRecord, type QaRecord } from './files/write.ts';
import { generate, type DecodingOptions } from './generate.ts';
import { answerSpread, captionSpread, type AnswerCount } from './output-spread.ts';
import { vqaAccuracy } from './vqa/accuracy.ts';
import { blindAccuracy } from './vqa/blind-prior.ts';
import type { AssemblyConfigs } from '../models/assembly-config.ts';
import type { VlmConfigs } from '../models/vlm.ts';
import type { Params } from '../models/params.ts';
import { userError } from '../util/errors.ts';
import { checkVocab } from './vocab-check.ts';
import { DEFAULT_ANSWER_STOP, DEFAULT_SHOT, evalPromptBatch, qaPromptText, templateIssue, type QaShot } from './prompts.ts';
import { DEFAULT_PROMPTS, EVAL_TASK_REGISTRY, type EvalTask, type TaskFormat } from './tasks.ts';

/** One task on one eval set: `set` is its name under data.eval, `dir` its directory, `verify` the experiment's data.verify. */
export interface EvalSetRef {
  task: EvalTask;
  set: string;
  dir: string;
  verify?: VerifyMode;
}

export interface EvaluationOptions {
  frames: number; // per example (an image is repeated); the image size is the ViT's
  batchSize?: number; // default 16
  limit?: number; // the first N examples of each set
  decoding: Omit<DecodingOptions, 'stopIds'> & { stopIds?: number[] }; // stop ids default: [<eos>]
  prompts?: Partial<Record<EvalTask, string>>; // templates with "<visual>" (and "{question}" for QA)
  shot?: string; // how a few-shot example reads; default DEFAULT_SHOT
  fewShot?: QaShot[]; // text-only QA examples put in front of every QA prompt
  answerStop?: string[]; // QA: words that end an answer besides <eos>; default DEFAULT_ANSWER_STOP
  signal?: AbortSignal;
  onBatch?(ref: EvalSetRef, examplesDone: number): void;
}

export interface TaskEvaluation extends EvalSetRef {
  examples: number;
  // caption: Bleu_1..Bleu_4, ROUGE_L, CIDEr, blind_CIDEr (fractions), distinct (captions), distinct_share,
  //   attr/<attribute> (fractions; where the set's manifest lists attribute words: attribute-grounding.ts);
  // QA: accuracy, accuracy/<answer type>, blind_accuracy (percent), distinct_answers, top_answer_share (fraction)
  metrics: Record<string, number>;
  predictions: object[]; // COCO results [{"image_id", "caption"}] or VQA results [{"question_id", "answer"}]
  references: { annotations: object; questions?: object }; // COCO caption annotations, or VQA annotations + questions
  answers?: AnswerCount[]; // QA: how often each (normalised) answer was predicted, most frequent first
  blindCaption?: BlindCaption; // captions: the best constant caption (its score is blind_CIDEr)
}

interface Run {
  params: Params;
  configs: VlmConfigs;
  tokenizer: TextTokenizer;
  options: EvaluationOptions;
  decoding: DecodingOptions;
  answerDecoding: DecodingOptions; // QA tasks: also stops at the answerStop words
  read: EvalReadOptions;
}

/**
 * Each answer stop word as the token sequences that can end an answer: the word alone and as it
 * follows a space (where answers meet it: "yes Question :"), which byte-level and SentencePiece
 * tokenizers encode differently. A word-level tokenizer gives one id for both.
 */
export function stopWordSequences(tokenizer: TextTokenizer, words: string[]): number[][] {
  const sequences = new Map<string, number[]>();
  words.forEach((w, i) => {
    const alone = tokenizer.encode(w);
    if (alone.length === 0) throw userError('bad_stop_word', `"${w}" encodes to no token`, { path: ['answerStop', i] });
    const twice = tokenizer.encode(`${w} ${w}`);
    const afterSpace = twice.slice(0, alone.length).every((t, j) => t === alone[j]) ? twice.slice(alone.length) : alone;
    for (const s of [alone, afterSpace]) sequences.set(s.join(','), s);
  });
  return [...sequences.values()];
}

export async function evaluateAssembly(assembly: { params: Params }, configs: AssemblyConfigs, tokenizer: TextTokenizer, tasks: EvalSetRef[], options: EvaluationOptions): Promise<TaskEvaluation[]> {
  if (!isVlmConfigs(configs)) throw userError('not_a_vlm', `a ${configs.kind} assembly does not generate text from frames (expected captioner, vadapter or perceiver)`);
  checkVocab(configs, tokenizer);
  for (const t of tasks) checkTemplate(t.task, templateOf(options, t.task));
  const image = configs.vit.image;
  const decoding = { ...options.decoding, stopIds: options.decoding.stopIds ?? [tokenizer.eosId] };
  const run: Run = {
    params: assembly.params, configs, tokenizer, options, decoding,
    answerDecoding: { ...decoding, stopSequences: [...(decoding.stopSequences ?? []), ...stopWordSequences(tokenizer, options.answerStop ?? DEFAULT_ANSWER_STOP)] },
    read: { frames: options.frames, height: image, width: image, valueRange: [0, 1], limit: options.limit },
  };
  const out: TaskEvaluation[] = [];
  for (const t of tasks) out.push(await TASK_RUNNERS[EVAL_TASK_REGISTRY[t.task].format](run, t));
  return out;
}

/** `<prefix><set>/<metric>` for every metric of every task, e.g. `vadapter/eval/coco/CIDEr`. */
export function metricRecord(results: TaskEvaluation[], prefix: string): Record<string, number> {
  return Object.fromEntries(results.flatMap((r) => Object.entries(r.metrics).map(([m, v]) => [`${prefix}${r.set}/${m}`, v])));
}

/** The files of a task's result: results.json, annotations.json, (captions) blind_caption.json and (QA) questions.json and answers.json, as JSON text. */
export function taskFiles(r: TaskEvaluation): Record<string, string> {
  const json = (v: object) => `${JSON.stringify(v)}\n`;
  return {
    'results.json': json(r.predictions),
    'annotations.json': json(r.references.annotations),
    ...(r.references.questions ? { 'questions.json': json(r.references.questions) } : {}),
    ...(r.blindCaption ? { 'blind_caption.json': json(blindCaptionFile(r.blindCaption)) } : {}),
    ...(r.answers ? { 'answers.json': json({ predictions: r.examples, answers: r.answers }) } : {}), // a list: an object would put "2" before "yes"
  };
}

/** blind_caption.json: the constant caption, its leave-one-out CIDEr (= blind_CIDEr), the image it was taken from, and what it was chosen among. */
function blindCaptionFile(b: BlindCaption): object {
  return { caption: b.caption, CIDEr: b.CIDEr, image_id: b.imageId, images: b.images, candidates: b.candidates };
}

function templateOf(o: EvaluationOptions, task: EvalTask): string {
  return o.prompts?.[task] ?? DEFAULT_PROMPTS[task];
}

function checkTemplate(task: EvalTask, template: string): void {
  const issue = templateIssue(task, template);
  if (issue) throw userError('bad_prompt', issue, { path: ['prompts', task] });
}

/** Generate a text for every example, in order, `promptOf` giving each its prompt text. */
async function generateAll<T extends { frames: Float32Array }>(run: Run, ref: EvalSetRef, examples: AsyncIterable<T>, promptOf: (ex: T) => string, decoding = run.decoding): Promise<{ example: T; text: string }[]> {
  const { frames, height, width } = run.read;
  const out: { example: T; text: string }[] = [];
  for await (const batch of batches(examples, run.options.batchSize ?? 16, [frames, height!, width!, 3])) {
    run.options.signal?.throwIfAborted();
    const prompt = evalPromptBatch(run.tokenizer, tf.tensor(batch.frames, batch.shape), batch.items.map(promptOf)); // frames [B, T, H, W, 3]
    const hyps = await generate(run.params, run.configs, prompt, decoding);
    tf.dispose(Object.values(prompt));
    hyps.forEach((h, i) => out.push({ example: batch.items[i], text: run.tokenizer.decode(h.ids).trim() }));
    run.options.onBatch?.(ref, out.length);
  }
  if (out.length === 0) throw userError('empty_eval_set', `eval set "${ref.set}" has no examples to evaluate`, { file: ref.dir });
  return out;
}

function checkUnique(ids: (number | string)[], ref: EvalSetRef, what: string): void {
  const seen = new Set<number | string>();
  for (const id of ids) {
    if (seen.has(id)) throw userError('duplicate_id', `eval set "${ref.set}" has ${what} ${JSON.stringify(id)} twice`, { file: ref.dir });
    seen.add(id);
  }
}

async function captionTask(run: Run, ref: EvalSetRef): Promise<TaskEvaluation> {
  const template = templateOf(run.options, ref.task);
  const done = await generateAll(run, ref, captionEvalExamples(ref.dir, { ...run.read, verify: ref.verify }), () => template);
  const records: CaptionRecord[] = done.map(({ example, text }) => ({ imageId: idFromKey(example.key), references: example.captions, prediction: text }));
  checkUnique(records.map((r) => r.imageId), ref, 'image');
  const references = new Map(records.map((r) => [r.imageId, r.references]));
  const scores = scoreCaptions(references, new Map(records.map((r) => [r.imageId, r.prediction])));
  const blind = blindCaption(references);
  const attributes = readManifest(ref.dir).attributes;
  return {
    ...ref, examples: records.length,
    metrics: {
      ...Object.fromEntries(CAPTION_METRICS.map((m) => [m, scores[m]])), blind_CIDEr: blind.CIDEr, ...captionSpread(records.map((r) => r.prediction)),
      ...(attributes ? attributeGrounding(records, attributes) : {}),
    },
    predictions: captionResultsFile(records),
    references: { annotations: captionAnnotationsFile(records, ref.set) },
    blindCaption: blind,
  };
}

async function qaTask(run: Run, ref: EvalSetRef): Promise<TaskEvaluation> {
  const template = templateOf(run.options, ref.task);
  const promptOf = (ex: { question: string }) => qaPromptText(template, ex.question, run.options.fewShot, run.options.shot ?? DEFAULT_SHOT);
  const done = await generateAll(run, ref, vqaEvalExamples(ref.dir, { ...run.read, verify: ref.verify }), promptOf, run.answerDecoding);
  const records: QaRecord[] = done.map(({ example: ex, text }) => ({
    questionId: ex.questionId, imageId: idFromKey(ex.key), question: ex.question, answers: ex.answers, answerType: ex.answerType, questionType: ex.questionType ?? 'unknown', prediction: text,
  }));
  checkUnique(records.map((r) => r.questionId), ref, 'question');
  const accuracy = vqaAccuracy(records);
  const { histogram, ...spread } = answerSpread(records.map((r) => r.prediction));
  return {
    ...ref, examples: records.length,
    metrics: {
      accuracy: accuracy.overall, ...Object.fromEntries(Object.entries(accuracy.perAnswerType).map(([type, v]) => [`accuracy/${type}`, v])),
      blind_accuracy: blindAccuracy(done.map((d) => d.example)), ...spread,
    },
    predictions: vqaResultsFile(records),
    references: { questions: vqaQuestionsFile(records, ref.set), annotations: vqaAnnotationsFile(records, ref.set) },
    answers: histogram,
  };
}

/** How each task format's examples are generated and scored (tasks.ts names each task's format). */
const TASK_RUNNERS: Record<TaskFormat, (run: Run, ref: EvalSetRef) => Promise<TaskEvaluation>> = { caption: captionTask, qa: qaTask };

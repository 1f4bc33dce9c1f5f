// Measurement (d), QA reading: can the frozen LLM answer a question about what its context says?
// The paper's frozen LLM answers questions about a text; an adapter trained on captions alone can
// only make it answer VQA if it already does. Freshly sampled synthetic image scenes (the grammar of
// the images, no pixels; a seeded stream, none of them an evaluation image) are asked every question
// that has one right answer (questions.ts, with ten simulated human answers each), in the evaluate
// stage's QA prompt, with the LLM's own token embeddings of a text where the visual tokens go:
//
//   description   every attribute of the scene (what a perfect adapter would convey)
//   caption       one of its captions (what a captioning-trained adapter conveys at best)
//   none          no visual tokens: the LLM's image-blind answers under this prompt
//
// Answers are generated greedily, cut at the evaluate stage's answer stop words, and scored with
// the VQA accuracy the evaluate stage reports (min(1, matches / 3) over leave-one-out subsets).
import type { TextTokenizer } from '../data/tokenizer.ts';
import { describeImage } from '../data/synth/documents.ts';
import { imageCaption } from '../data/synth/captions.ts';
import { humanAnswers, imageQuestions } from '../data/synth/questions.ts';
import { sampleImageScene } from '../data/synth/scene.ts';
import type { StopOptions } from '../eval/decode/hypothesis.ts';
import { qaPromptText } from '../eval/prompts.ts';
import { DEFAULT_PROMPTS } from '../eval/tasks.ts';
import { vqaAccuracy, type VqaItem } from '../eval/vqa/accuracy.ts';
import type { PrefixDecoder } from '../models/vlm.ts';
import { promptText } from '../stages/training/model-batches.ts';
import { Rng } from '../util/rng.ts';
import { disposeBatch, emptyPrefix, generateAfter, tokenPrefix } from './prefix-model.ts';

export const QA_CONTEXTS = ['description', 'caption', 'none'] as const;
export type QaContext = (typeof QA_CONTEXTS)[number];

export interface QaReadingItem {
  scene: number; // index in the sampled stream
  question: string;
  answerType: string;
  questionType: string;
  answers: string[]; // ten simulated human answers
  contexts: Record<QaContext, string>; // '' for none
}

/** `scenes` image scenes drawn from `seed`, each with every question that has one right answer. */
export function qaReadingItems(scenes: number, seed: number): QaReadingItem[] {
  const rng = new Rng(seed);
  const items: QaReadingItem[] = [];
  for (let i = 0; i < scenes; i++) {
    const scene = sampleImageScene(rng);
    const contexts = { description: describeImage(scene), caption: imageCaption(scene, rng), none: '' };
    for (const q of imageQuestions(scene, rng)) {
      items.push({ scene: i, question: q.question, answerType: q.answerType, questionType: q.questionType, answers: humanAnswers(q, rng), contexts });
    }
  }
  return items;
}

export interface QaContextResult {
  accuracy: number; // percent
  perAnswerType: Record<string, number>;
  perQuestionType: Record<string, number>;
  answers: string[]; // per item
}

export interface QaReadingResult {
  scenes: number;
  questions: number;
  seed: number;
  contexts: Record<QaContext, QaContextResult>;
  reading: string;
}

/** Score each context's answers (one per item) with VQA accuracy. */
export function scoreQaReading(items: QaReadingItem[], answers: Record<QaContext, string[]>): Record<QaContext, QaContextResult> {
  return Object.fromEntries(QA_CONTEXTS.map((c) => {
    const scored: VqaItem[] = items.map((it, i) => ({ questionId: i, answerType: it.answerType, questionType: it.questionType, answers: it.answers, prediction: answers[c][i] }));
    const a = vqaAccuracy(scored);
    return [c, { accuracy: a.overall, perAnswerType: a.perAnswerType, perQuestionType: a.perQuestionType, answers: answers[c] }];
  })) as Record<QaContext, QaContextResult>;
}

/** Points of accuracy above the blind answers that the readings call wide and weak. */
export const WIDE_LIFT = 20;
export const WEAK_LIFT = 5;

/** The reading: does the description lift accuracy well above the blind answers? And a caption? */
export function qaReading(r: Record<QaContext, QaContextResult>): string {
  const lift = (c: QaContext) => r[c].accuracy - r.none.accuracy;
  const figures = `${r.description.accuracy.toFixed(1)}% with the full description against ${r.none.accuracy.toFixed(1)}% with none`;
  if (lift('description') < WEAK_LIFT) {
    return `the LLM does not answer from its context (${figures}): no adapter can make it answer VQA; pretrain it on questions answered about a described scene (the scenes corpus, docs/data.md)`;
  }
  const how = lift('description') >= WIDE_LIFT ? 'answers' : 'answers weakly';
  const caption = lift('caption') >= WIDE_LIFT ? 'answers' : lift('caption') >= WEAK_LIFT ? 'answers weakly' : 'does not answer';
  return `the LLM ${how} from its context (${figures}); from a caption, the most a captioning-trained adapter may convey, it ${caption} (${r.caption.accuracy.toFixed(1)}%)`;
}

export interface QaReadingOptions {
  scenes: number;
  seed: number;
  maxTokens: number; // answer tokens at most
  stopSequences: number[][]; // the evaluate stage's answer stop words, as token sequences
  onScene?(done: number, total: number): void;
}

/** (d): every question of `scenes` sampled scenes answered with each context in the visual slot. */
export async function qaReadingDiagnosis(dec: PrefixDecoder, tokenizer: TextTokenizer, o: QaReadingOptions): Promise<QaReadingResult> {
  const items = qaReadingItems(o.scenes, o.seed);
  const stops: StopOptions = { maxTokens: o.maxTokens, stopIds: [tokenizer.eosId], stopSequences: o.stopSequences };
  const answers: Record<QaContext, string[]> = { description: [], caption: [], none: [] };
  for (const [i, it] of items.entries()) {
    const prompt = promptText({ tokenizer, prompt: qaPromptText(DEFAULT_PROMPTS.vqa, it.question), maxTokens: o.maxTokens });
    for (const c of QA_CONTEXTS) {
      const ids = tokenizer.encode(it.contexts[c]);
      const prefix = ids.length > 0 ? tokenPrefix(dec, ids) : emptyPrefix(dec);
      const [generated] = await generateAfter(dec, prefix, prompt, stops);
      answers[c].push(tokenizer.decode(generated).trim());
      prefix.dispose();
    }
    disposeBatch(prompt);
    if (i === items.length - 1 || items[i + 1].scene !== it.scene) o.onScene?.(it.scene + 1, o.scenes);
  }
  const contexts = scoreQaReading(items, answers);
  return { scenes: o.scenes, questions: items.length, seed: o.seed, contexts, reading: qaReading(contexts) };
}

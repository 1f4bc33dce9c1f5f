// The prompts of the evaluation tasks (the templates are tasks.ts's): template checks, optional
// text-only QA examples in front of QA prompts, and their encoding into a decoder's PromptBatch: one prompt a
// example, split at the visual-token marker, each part padded on the left.
import * as tf from '@tensorflow/tfjs-core';
import type { TextTokenizer } from '../data/tokenizer.ts';
import type { PromptBatch } from '../models/vlm.ts';
import { encodePrompt, idsTensor, maskTensor, padIds, VISUAL_MARKER } from '../data/text-batches.ts';
import { isQaTask, QUESTION_SLOT, type EvalTask } from './tasks.ts';

export const ANSWER_SLOT = '{answer}';

/**
 * Words that end a generated answer (QA tasks), besides <eos>: a small LLM that has answered often
 * goes on with the next part of a prompt ("no : no", "left answer : left"), as open_flamingo's VQA
 * post-processing cuts its generations at "Question" and "Answer". Each must be one token.
 */
export const DEFAULT_ANSWER_STOP = ['Question', 'Answer', ':'];

/** How one text-only example reads when it is put in front of a QA prompt. */
export const DEFAULT_SHOT = `Question : ${QUESTION_SLOT} ? Answer: ${ANSWER_SLOT}`;

export interface QaShot {
  question: string;
  answer: string;
}

/** What is wrong with `template` as the prompt of `task`, if anything. */
export function templateIssue(task: EvalTask, template: string): string | undefined {
  const marker = template.split(VISUAL_MARKER).length - 1;
  if (marker !== 1) return `a prompt template must contain "${VISUAL_MARKER}" exactly once, got "${template}"`;
  const slot = template.includes(QUESTION_SLOT);
  if (isQaTask(task) && !slot) return `a ${task} prompt must contain "${QUESTION_SLOT}", got "${template}"`;
  if (!isQaTask(task) && slot) return `a ${task} prompt has no question to put in "${QUESTION_SLOT}"`;
  return undefined;
}

/** The question without its final "?" (the templates supply their own). */
function bareQuestion(question: string): string {
  return question.trim().replace(/\s*\?+$/, '');
}

/** The few-shot examples as text, each read through `shotTemplate`, joined by spaces. */
export function fewShotText(shots: QaShot[], shotTemplate = DEFAULT_SHOT): string {
  return shots.map((s) => shotTemplate.replace(QUESTION_SLOT, bareQuestion(s.question)).replace(ANSWER_SLOT, s.answer.trim())).join(' ');
}

/** The text of a QA prompt: the shots, then the template with the question filled in. */
export function qaPromptText(template: string, question: string, shots: QaShot[] = [], shotTemplate = DEFAULT_SHOT): string {
  const filled = template.replace(QUESTION_SLOT, bareQuestion(question));
  return shots.length > 0 ? `${fewShotText(shots, shotTemplate)} ${filled}` : filled;
}

/** Frames [B, T, H, W, 3] in [0, 1] and one prompt text (with its visual marker) a example. */
export function evalPromptBatch(tok: TextTokenizer, frames: tf.Tensor, texts: string[]): PromptBatch {
  const parts = texts.map((t) => encodePrompt(tok, t));
  const before = padIds(parts.map((p) => p.before), tok.padId, 'left');
  const after = padIds(parts.map((p) => p.after), tok.padId, 'left');
  return { frames, beforeIds: idsTensor(before), beforeMask: maskTensor(before), afterIds: idsTensor(after), afterMask: maskTensor(after) }; // [B, Pb], [B, Pa]
}

// VQA v2 files: questions ({"questions": [{"question_id", ...}]}), annotations ({"annotations":
// [{"question_id", "question_type", "answer_type", "answers": [{"answer"}]}]}) and results
// ([{"question_id", "answer"}]), checked entry by entry and joined into VqaItems in annotation
// order. As in the official VQA.loadRes, results must cover exactly the annotated questions.

import { basename } from 'node:path';
import { userError } from '../../util/errors.ts';
import type { QuestionId, VqaItem } from '../vqa/accuracy.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { arrayField, expected, idAt, recordAt, stringAt } from './json.ts';
import { loadResults } from './results.ts';

export interface VqaFiles {
  questions: string;
  annotations: string;
  results: string;
}

export function loadVqaItems(files: VqaFiles): VqaItem[] {
  const questionIds = loadQuestionIds(files.questions);
  const annotated = loadAnnotations(files.annotations, questionIds, files.questions);
  const predictions = loadResults(files.results, annotated, files.annotations, {
    idKey: 'question_id', textKey: 'answer', idNoun: 'question', formatName: 'VQA results format',
  });
  return [...annotated.values()].map((item) => ({ ...item, prediction: predictions.get(item.questionId)! }));
}

function loadQuestionIds(file: string): Set<QuestionId> {
  const questions = arrayField(file, readJsonFile(file), 'questions', 'VQA questions');
  const ids = new Set<QuestionId>();
  questions.forEach((entry, i) => {
    const q = recordAt(file, ['questions', i], entry, 'an object {"question_id", "image_id", "question"}');
    ids.add(idAt(file, ['questions', i, 'question_id'], q.question_id));
  });
  return ids;
}

type Annotated = Omit<VqaItem, 'prediction'>;

function loadAnnotations(file: string, questionIds: Set<QuestionId>, questionsFile: string): Map<QuestionId, Annotated> {
  const annotations = arrayField(file, readJsonFile(file), 'annotations', 'VQA annotations');
  const items = new Map<QuestionId, Annotated>();
  annotations.forEach((entry, i) => {
    const at = (...rest: (string | number)[]) => ['annotations', i, ...rest];
    const ann = recordAt(file, at(), entry, 'an object {"question_id", "question_type", "answer_type", "answers"}');
    const questionId = idAt(file, at('question_id'), ann.question_id);
    if (!questionIds.has(questionId)) throw userError('unknown_question', `question ${JSON.stringify(questionId)} is not in ${basename(questionsFile)}`, { file, path: at('question_id') });
    if (items.has(questionId)) throw userError('duplicate_question', `question ${JSON.stringify(questionId)} is annotated twice`, { file, path: at('question_id') });
    items.set(questionId, {
      questionId,
      questionType: stringAt(file, at('question_type'), ann.question_type),
      answerType: stringAt(file, at('answer_type'), ann.answer_type),
      answers: answersAt(file, at('answers'), ann.answers),
    });
  });
  if (items.size === 0) throw userError('no_annotations', 'no question annotations', { file });
  return items;
}

function answersAt(file: string, path: (string | number)[], value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw expected(file, path, 'a non-empty array of {"answer": string}', value);
  return value.map((a, j) => stringAt(file, [...path, j, 'answer'], recordAt(file, [...path, j], a, 'an object {"answer": string}').answer));
}

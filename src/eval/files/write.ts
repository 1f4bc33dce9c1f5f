// The files `vadapter eval caption|vqa` (and pycocoevalcap, the official VQA script) read, built
// from an evaluation's examples and predictions: COCO caption annotations and results, VQA v2
// questions, annotations and results. Ids are kept as given (integers, or strings for datasets
// whose keys are not numbers).
import type { ImageId } from '../caption-metrics.ts';
import type { QuestionId } from '../vqa/accuracy.ts';

export interface CaptionRecord {
  imageId: ImageId;
  references: string[];
  prediction: string;
}

export interface QaRecord {
  questionId: QuestionId;
  imageId: ImageId;
  question: string;
  answers: string[]; // the human answers
  answerType: string;
  questionType: string;
  prediction: string;
}

/** COCO caption annotation file: {"info", "images", "annotations", ...}. */
export function captionAnnotationsFile(records: CaptionRecord[], name: string): object {
  let id = 0;
  return {
    info: { description: `${name} references, written by vadapter` },
    licenses: [],
    type: 'captions',
    images: records.map((r) => ({ id: r.imageId })),
    annotations: records.flatMap((r) => r.references.map((caption) => ({ image_id: r.imageId, id: id++, caption }))),
  };
}

/** COCO results list: [{"image_id", "caption"}]. */
export function captionResultsFile(records: CaptionRecord[]): object[] {
  return records.map((r) => ({ image_id: r.imageId, caption: r.prediction }));
}

function vqaHeader(name: string) {
  return { info: { description: `${name}, written by vadapter` }, license: {}, data_type: 'vadapter', data_subtype: name };
}

/** VQA v2 questions file: {"questions": [{"question_id", "image_id", "question"}], ...}. */
export function vqaQuestionsFile(records: QaRecord[], name: string): object {
  return { ...vqaHeader(name), task_type: 'Open-Ended', questions: records.map((r) => ({ question_id: r.questionId, image_id: r.imageId, question: r.question })) };
}

/** The most frequent answer (the first of those tied), as VQA's "multiple_choice_answer". */
export function majority(answers: string[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  return answers.reduce((best, a) => (counts.get(a)! > counts.get(best)! ? a : best), answers[0]);
}

/** VQA v2 annotations file: {"annotations": [{"question_id", "question_type", "answer_type", "answers", ...}], ...}. */
export function vqaAnnotationsFile(records: QaRecord[], name: string): object {
  return {
    ...vqaHeader(name),
    annotations: records.map((r) => ({
      question_id: r.questionId,
      image_id: r.imageId,
      question_type: r.questionType,
      answer_type: r.answerType,
      multiple_choice_answer: majority(r.answers),
      answers: r.answers.map((answer, i) => ({ answer, answer_confidence: 'yes', answer_id: i + 1 })),
    })),
  };
}

/** VQA results list: [{"question_id", "answer"}]. */
export function vqaResultsFile(records: QaRecord[]): object[] {
  return records.map((r) => ({ question_id: r.questionId, answer: r.prediction }));
}

/** A dataset key as a COCO/VQA id: the integer it spells (COCO imports use the image id), else the key itself. */
export function idFromKey(key: string): ImageId {
  return /^(0|[1-9]\d{0,14})$/.test(key) ? Number(key) : key;
}

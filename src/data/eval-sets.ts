// Evaluation sets, read once in stored order with the same frame decoding as training:
//
//   for await (const ex of captionEvalExamples(dir, { frames: 8, height: 32, width: 32 }))
//     ex.key, ex.frames [frames, height, width, 3], ex.captions
//   for await (const ex of vqaEvalExamples(dir, frameOptions))
//     ex.key, ex.questionId, ex.frames, ex.question, ex.answers (10), ex.answerType, ex.questionType
//
// `verify` (the spec's data.verify) says when shards are checked against their sha256s.
// `readEvalRows(dir, kind)` gives the stored rows without decoding (for writing reference files).
import { userError } from '../util/errors.ts';
import { Dataset, type BadRowPolicy } from './dataset.ts';
import { decodeFrames, decodeIssue, DecodeError, type FrameOptions, type Visual } from './frames.ts';
import type { DatasetKind } from './kinds.ts';
import { mapAhead, puller, take } from './async-iter.ts';
import type { Row } from './schema.ts';
import type { VerifyMode } from './verify.ts';

export interface CaptionEvalExample {
  key: string;
  /** [frames, height, width, 3] */
  frames: Float32Array;
  captions: string[];
}

export interface VqaEvalExample {
  key: string;
  questionId: number;
  /** [frames, height, width, 3] */
  frames: Float32Array;
  question: string;
  answers: string[];
  answerType: string;
  questionType?: string;
}

export interface EvalRowOptions {
  badRows?: BadRowPolicy;
  /** When each shard's sha256 is checked; default 'first-use'. */
  verify?: VerifyMode;
}

export interface EvalReadOptions extends FrameOptions, EvalRowOptions {
  /** Examples decoded ahead; default 16. */
  prefetch?: number;
  /** Stop after this many examples. */
  limit?: number;
}

/** The stored rows of an eval set of `kind`, in order, without decoding. */
export async function* readEvalRows(dir: string, kind: DatasetKind, o: EvalRowOptions = {}): AsyncGenerator<Row> {
  const dataset = await Dataset.open(dir, { verify: o.verify });
  try {
    if (dataset.manifest.kind !== kind) throw userError('wrong_kind', `expected a ${kind} dataset, found ${dataset.manifest.kind}`, { file: dir });
    yield* dataset.rows(o.badRows);
  } finally {
    await dataset.close();
  }
}

async function* decodedRows<T>(dir: string, kind: DatasetKind, o: EvalReadOptions, make: (row: Row, frames: Float32Array) => T): AsyncGenerator<T> {
  let index = 0;
  const rows = take(readEvalRows(dir, kind, o), o.limit);
  const decode = async (row: Row) => {
    const at = index++;
    try {
      return make(row, await decodeFrames(row as Visual, o));
    } catch (err) {
      if (!(err instanceof DecodeError) || o.badRows === 'skip') return null;
      throw decodeIssue(err, dir, at, row.image ? 'image' : 'frames');
    }
  };
  try {
    for await (const ex of mapAhead(puller(rows), decode, o.prefetch ?? 16)) if (ex !== null) yield ex;
  } finally {
    await rows.return(undefined); // closes the dataset when the consumer stops early
  }
}

export function captionEvalExamples(dir: string, o: EvalReadOptions): AsyncGenerator<CaptionEvalExample> {
  return decodedRows(dir, 'caption-eval', o, (row, frames) => ({ key: row.key, frames, captions: row.captions as string[] }));
}

export function vqaEvalExamples(dir: string, o: EvalReadOptions): AsyncGenerator<VqaEvalExample> {
  return decodedRows(dir, 'vqa-eval', o, (row, frames) => ({
    key: row.key,
    questionId: row.question_id as number,
    frames,
    question: row.question as string,
    answers: row.answers as string[],
    answerType: row.answer_type as string,
    ...(row.question_type !== undefined ? { questionType: row.question_type as string } : {}),
  }));
}

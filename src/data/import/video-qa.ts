// Video QA sets as vqa-eval: MSRVTT-QA and MSVD-QA (a JSON list of {video_id (or video), question,
// answer, id}) plus the video folder. A numeric video id names its file by `--video-name`
// (default `video{id}`, MSRVTT-QA's; MSVD-QA's `vid{id}` with --mapping youtube_mapping.txt, whose
// lines `<clip name> vid<id>` give the file names). One answer per question is stored ten times, so
// that the VQA accuracy the evaluate stage computes is the exact-match accuracy these sets report;
// answer_type: yes/no, number (digits or number words) or other; question_type: the first word.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { userError } from '../../util/errors.ts';
import { readJsonFile } from '../../util/json-file.ts';
import { parseWith } from '../json.ts';
import type { Row } from '../schema.ts';
import { BadRows, validElements } from './bad-rows.ts';
import type { ImportReport } from './common.ts';
import { videoFile } from './video-files.ts';
import { importVideos, type VideoImportOptions, type VideoItem } from './videos.ts';

export interface VideoQaOptions extends VideoImportOptions {
  questions: string;
  videoName?: string; // file name of a numeric video id, `{id}` replaced
  mapping?: string; // `<name> vid<id>` lines (MSVD-QA)
}

const questionSchema = z
  .object({ video_id: z.union([z.number().int(), z.string().min(1)]).optional(), video: z.string().min(1).optional(), question: z.string().min(1), answer: z.string(), id: z.number().int().optional() })
  .refine((q) => q.video_id !== undefined || q.video !== undefined, { message: 'expected "video_id" or "video"' });

const NUMBER_WORDS = new Set(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']);

export function answerType(answer: string): string {
  const a = answer.trim().toLowerCase();
  if (a === 'yes' || a === 'no') return 'yes/no';
  return /^\d+$/.test(a) || NUMBER_WORDS.has(a) ? 'number' : 'other';
}

function readMapping(file: string): Map<string, string> {
  const byId = new Map<string, string>();
  readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const m = /^(\S+)\s+vid(\d+)$/.exec(line);
    if (!m) throw userError('bad_mapping', 'expected "<video name> vid<number>"', { file, line: i + 1 });
    byId.set(m[2], m[1]);
  });
  return byId;
}

export async function importVideoQa(o: VideoQaOptions): Promise<ImportReport> {
  const bad = new BadRows(o.skipBad ?? false);
  const questions = validElements(parseWith(z.array(z.unknown()), readJsonFile(o.questions), o.questions), questionSchema, o.questions, '', bad);
  const mapping = o.mapping ? readMapping(o.mapping) : undefined;
  const nameOf = (q: (typeof questions)[number]): string | undefined => {
    if (q.video !== undefined) return q.video;
    const id = String(q.video_id);
    if (!/^\d+$/.test(id)) return id;
    return mapping ? mapping.get(id) : (o.videoName ?? 'video{id}').replaceAll('{id}', id);
  };
  const byVideo = new Map<string, typeof questions>();
  for (const q of questions) {
    const name = nameOf(q);
    if (name === undefined) {
      bad.report({ code: 'unknown_video', file: o.questions, path: [q.index, 'video_id'], message: `video id ${q.video_id} is not in ${o.mapping}` });
      continue;
    }
    byVideo.set(name, [...(byVideo.get(name) ?? []), q]);
  }
  const items: VideoItem[] = [...byVideo].map(([name, qs]) => ({
    file: videoFile(o.videos, name),
    where: { file: o.questions, path: [qs[0].index, qs[0].video !== undefined ? 'video' : 'video_id'] },
    rows: (frames): Row[] =>
      qs.map((q) => ({
        key: name,
        question_id: q.id ?? q.index,
        frames,
        question: q.question,
        answers: Array.from({ length: 10 }, () => q.answer),
        answer_type: answerType(q.answer),
        question_type: q.question.trim().split(/\s+/)[0].toLowerCase(),
      })),
  }));
  return importVideos(o, o.questions, 'vqa-eval', { importer: 'video-qa', questions: o.questions, videos: o.videos, ...(o.mapping ? { mapping: o.mapping } : {}) }, items, {}, bad);
}

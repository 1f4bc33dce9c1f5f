// MSR-VTT's annotation JSON (train_val_videodatainfo.json / test_videodatainfo.json: `videos`
// [{video_id: "video7010", split: "train" | "validate" | "test", ...}] and `sentences` [{video_id,
// caption, sen_id}], 20 captions a video) plus the video folder (`<video_id>.mp4`). As a caption-eval
// set, one row per video of the split with all its references (key = video id); as video-text
// training data, one row per caption. Videos without captions are left out (counted in the report).
import { z } from 'zod';
import { readJsonFile } from '../../util/json-file.ts';
import { parseWith } from '../json.ts';
import type { Row } from '../schema.ts';
import { BadRows, validElements } from './bad-rows.ts';
import type { ImportReport } from './common.ts';
import { videoFile } from './video-files.ts';
import { importVideos, type VideoImportOptions, type VideoItem } from './videos.ts';

export interface MsrvttOptions extends VideoImportOptions {
  annotations: string;
  split?: 'train' | 'validate' | 'test' | 'all';
  kind?: 'caption-eval' | 'video-text';
}

const fileSchema = z.object({ videos: z.array(z.unknown()), sentences: z.array(z.unknown()) });
const videoSchema = z.object({ video_id: z.string().min(1), split: z.string().optional() });
const sentenceSchema = z.object({ video_id: z.string().min(1), caption: z.string() });

export async function importMsrvtt(o: MsrvttOptions): Promise<ImportReport> {
  const bad = new BadRows(o.skipBad ?? false);
  const file = parseWith(fileSchema, readJsonFile(o.annotations), o.annotations);
  const split = o.split ?? 'test';
  const videos = validElements(file.videos, videoSchema, o.annotations, 'videos', bad).filter((v) => split === 'all' || v.split === split);
  const captions = new Map<string, string[]>();
  for (const s of validElements(file.sentences, sentenceSchema, o.annotations, 'sentences', bad)) captions.set(s.video_id, [...(captions.get(s.video_id) ?? []), s.caption]);
  const captioned = videos.filter((v) => captions.has(v.video_id));
  const kind = o.kind ?? 'caption-eval';
  const items: VideoItem[] = captioned.map((v) => {
    const refs = captions.get(v.video_id)!;
    return {
      file: videoFile(o.videos, v.video_id),
      where: { file: o.annotations, path: ['videos', v.index, 'video_id'] },
      rows: (frames): Row[] => (kind === 'caption-eval' ? [{ key: v.video_id, frames, captions: refs }] : refs.map((caption, k) => ({ key: `${v.video_id}-${k}`, frames, caption }))),
    };
  });
  return importVideos(o, o.annotations, kind, { importer: 'msrvtt', annotations: o.annotations, videos: o.videos, split }, items, { videosWithoutCaptions: videos.length - captioned.length }, bad);
}

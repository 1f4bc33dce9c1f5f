// VATEX's annotation JSON (vatex_training_v1.0.json, vatex_validation_v1.0.json: a list of
// {videoID: "<youtube id>_<start>_<end>", enCap: [10 English captions], chCap: [...]}) plus the
// folder of its clips (`<videoID>.mp4`), as a caption-eval set (key = videoID, the English captions
// as references) or, with --kind video-text, as training data.
import { z } from 'zod';
import { readJsonFile } from '../../util/json-file.ts';
import { parseWith } from '../json.ts';
import type { Row } from '../schema.ts';
import { BadRows, validElements } from './bad-rows.ts';
import type { ImportReport } from './common.ts';
import { videoFile } from './video-files.ts';
import { importVideos, type VideoImportOptions, type VideoItem } from './videos.ts';

export interface VatexOptions extends VideoImportOptions {
  annotations: string;
  kind?: 'caption-eval' | 'video-text';
}

const clipSchema = z.object({ videoID: z.string().min(1), enCap: z.array(z.string()).min(1) });

export async function importVatex(o: VatexOptions): Promise<ImportReport> {
  const bad = new BadRows(o.skipBad ?? false);
  const clips = validElements(parseWith(z.array(z.unknown()), readJsonFile(o.annotations), o.annotations), clipSchema, o.annotations, '', bad);
  const kind = o.kind ?? 'caption-eval';
  const items: VideoItem[] = clips.map((c) => ({
    file: videoFile(o.videos, c.videoID),
    where: { file: o.annotations, path: [c.index, 'videoID'] },
    rows: (frames): Row[] => (kind === 'caption-eval' ? [{ key: c.videoID, frames, captions: c.enCap }] : c.enCap.map((caption, k) => ({ key: `${c.videoID}-${k}`, frames, caption }))),
  }));
  return importVideos(o, o.annotations, kind, { importer: 'vatex', annotations: o.annotations, videos: o.videos }, items, {}, bad);
}

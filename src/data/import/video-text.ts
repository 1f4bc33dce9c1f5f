// Video-caption pairs for training (VTP / SMIT-style video-text): a folder of videos and a captions
// table, CSV or JSON Lines, one record per (video, caption) with columns `video` (a path under the
// folder; also `path` or `file`) and `caption` (also `text`); or WebVid's CSV (`--format webvid`:
// `videoid`, `name` = the caption, `page_dir` = the subfolder its downloaders save
// `<videoid>.mp4` in). A video with several captions is decoded once; key = `<video>-<k>`.
import { join } from 'node:path';
import type { Row } from '../schema.ts';
import { field, readTableFile, type TableRecord } from './table-file.ts';
import { videoFile } from './video-files.ts';
import { importVideos, type VideoImportOptions, type VideoItem } from './videos.ts';
import type { ImportReport } from './common.ts';

export interface VideoTextOptions extends VideoImportOptions {
  captions: string; // the table file
  format?: 'table' | 'webvid';
}

function videoPath(r: TableRecord, o: VideoTextOptions): string {
  if (o.format !== 'webvid') return field(r, ['video', 'path', 'file'], o.captions);
  const id = field(r, ['videoid'], o.captions);
  const dir = r.fields.page_dir;
  return typeof dir === 'string' && dir !== '' ? join(dir, `${id}.mp4`) : `${id}.mp4`;
}

export async function importVideoText(o: VideoTextOptions): Promise<ImportReport> {
  const byVideo = new Map<string, { captions: string[]; line: number }>();
  for (const r of readTableFile(o.captions)) {
    const video = videoPath(r, o);
    const caption = field(r, o.format === 'webvid' ? ['name'] : ['caption', 'text'], o.captions);
    const entry = byVideo.get(video) ?? { captions: [], line: r.line };
    entry.captions.push(caption);
    byVideo.set(video, entry);
  }
  const items: VideoItem[] = [...byVideo].map(([video, { captions, line }]) => {
    const id = video.replace(/\.[^./\\]+$/, '');
    return {
      file: videoFile(o.videos, video),
      where: { file: o.captions, line },
      rows: (frames): Row[] => captions.map((caption, k) => ({ key: `${id}-${k}`, frames, caption })),
    };
  });
  return importVideos(o, o.captions, 'video-text', { importer: o.format === 'webvid' ? 'webvid' : 'video-text', captions: o.captions, videos: o.videos }, items);
}

// Finding the file of a video an annotation names: the name as given when it has an extension,
// else the first of the usual containers that exists (MSR-VTT and VATEX name videos without one).
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';

export const VIDEO_EXTENSIONS = ['.mp4', '.webm', '.mkv', '.avi', '.mov'];

/** The path of video `name` under `dir` (the first existing candidate; else the .mp4 one, reported missing later). */
export function videoFile(dir: string, name: string): string {
  if (extname(name) !== '' && existsSync(join(dir, name))) return join(dir, name);
  const found = VIDEO_EXTENSIONS.map((e) => join(dir, `${name}${e}`)).find((p) => existsSync(p));
  return found ?? join(dir, extname(name) !== '' ? name : `${name}.mp4`);
}

// Image files and bytes coming into an importer: read, then fully decoded once so that a truncated
// or corrupt image is caught at import time (naming where it came from), not in the middle of training.
import { readFile } from 'node:fs/promises';
import { userError, type SourcePos } from '../../util/errors.ts';
import { openImage } from '../frames.ts';

export interface CheckedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
}

type Where = SourcePos & { path?: (string | number)[] };

/** Decode `bytes` completely; a failure is a UserError at `where`. */
export async function checkImage(bytes: Uint8Array, where: Where): Promise<CheckedImage> {
  try {
    const { info } = await openImage(bytes).raw().toBuffer({ resolveWithObject: true });
    return { bytes, width: info.width, height: info.height };
  } catch (err) {
    throw userError('bad_image', `image does not decode: ${(err as Error).message.split('\n')[0]}`, where);
  }
}

/** Read and check an image file; a missing file is a UserError at `where` naming the file it looked for. */
export async function readImageFile(file: string, where: Where): Promise<CheckedImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw userError('missing_image', `image file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, where);
  }
  return checkImage(bytes, where);
}

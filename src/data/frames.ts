// Pixels for the models: sharp decodes an encoded image (JPEG, PNG, WebP...), flattens any alpha
// onto black, converts to sRGB and resizes to the model resolution; values are scaled from [0, 255]
// to `valueRange` (default [-1, 1], as big_vision's `value_range(-1, 1)`): v = lo + (hi - lo) * x / 255.
// A clip is sampled to `frames` frames (uniformly: the middle frame of each of `frames` equal
// segments); an image is duplicated to `frames` frames, the paper's protocol.
//
//   await decodeFrames({ image } | { frames }, { frames: 8, height: 32, width: 32 })
//     -> Float32Array [frames, height, width, 3], channels last, row-major
import sharp, { type Sharp } from 'sharp';
import { userError, type UserError } from '../util/errors.ts';

export interface FrameOptions {
  /** Frames per example (clips are sampled, images duplicated). */
  frames: number;
  height: number;
  width: number;
  /** Output value range; default [-1, 1]. */
  valueRange?: [number, number];
  /** 'fill' stretches to the size (default); 'cover' crops the centre to the aspect ratio first. */
  fit?: 'fill' | 'cover';
}

export interface Visual {
  image?: Uint8Array;
  frames?: Uint8Array[];
}

/** Frame shape of decoded examples: [frames, height, width, 3]. */
export function frameShape(o: FrameOptions): [number, number, number, number] {
  return [o.frames, o.height, o.width, 3];
}

/** Indices of `n` frames sampled uniformly from a clip of `total` (repeating frames when total < n). */
export function sampleFrameIndices(total: number, n: number): number[] {
  if (total <= 0) throw new RangeError('a clip needs at least one frame');
  return Array.from({ length: n }, (_, i) => Math.min(total - 1, Math.floor(((i + 0.5) * total) / n)));
}

/**
 * sharp on encoded bytes, failing on decode errors and truncation but not on warnings that real
 * photo collections are full of (e.g. extraneous bytes before a marker). Importers check images
 * with the same setting, so what imports also trains.
 */
export function openImage(bytes: Uint8Array): Sharp {
  return sharp(bytes, { failOn: 'error' });
}

/** Decode and resize one encoded image to [height, width, 3] bytes; an undecodable image is a DecodeError. */
export async function decodeImage(bytes: Uint8Array, o: Pick<FrameOptions, 'height' | 'width' | 'fit'>): Promise<Uint8Array> {
  try {
    const { data } = await openImage(bytes)
      .flatten({ background: '#000000' })
      .resize(o.width, o.height, { fit: o.fit ?? 'fill' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return data;
  } catch (err) {
    throw new DecodeError((err as Error).message.split('\n')[0]);
  }
}

/** An image that does not decode; callers add where it came from. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** The example's frames as Float32Array [frames, height, width, 3] in `valueRange`. */
export async function decodeFrames(visual: Visual, o: FrameOptions): Promise<Float32Array> {
  const frameSize = o.height * o.width * 3;
  const out = new Float32Array(o.frames * frameSize);
  const sources = visual.frames ?? (visual.image ? [visual.image] : []);
  if (sources.length === 0) throw new DecodeError('the row has neither an image nor frames');
  const picks = sampleFrameIndices(sources.length, o.frames);
  const unique = [...new Set(picks)];
  const decoded = new Map(await Promise.all(unique.map(async (i) => [i, await decodeImage(sources[i], o)] as const)));
  const [lo, hi] = o.valueRange ?? [-1, 1];
  picks.forEach((src, f) => scaleInto(out, f * frameSize, decoded.get(src)!, lo, (hi - lo) / 255));
  return out;
}

function scaleInto(out: Float32Array, offset: number, bytes: Uint8Array, lo: number, scale: number): void {
  for (let i = 0; i < bytes.length; i++) out[offset + i] = lo + scale * bytes[i];
}

/** The decode error as a UserError at the row's place. */
export function decodeIssue(err: DecodeError, file: string, row: number, column: string): UserError {
  return userError('bad_image', `image does not decode: ${err.message}`, { file, path: ['rows', row, column] });
}

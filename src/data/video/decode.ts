// Decoding one video into the frames a row stores: ffmpeg scales and centre-crops every frame and
// pipes them as raw RGB (no temporary files); the kept frames (sampling.ts) are encoded as JPEG.
// A video that does not decode, yields no frame, or outlasts the timeout is a VideoError naming why.
// Memory: every decoded frame of one clip is held until it ends (size x size x 3 bytes each).
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import { sampleIndices, type FrameSampling } from './sampling.ts';

export class VideoError extends Error {}

export interface DecodedClip {
  frames: Uint8Array[]; // JPEG bytes, T of them, in time order
  decoded: number; // frames the clip had
}

function ffmpegArgs(file: string, size: number): string[] {
  const fit = `scale=${size}:${size}:force_original_aspect_ratio=increase,crop=${size}:${size}`;
  return ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', file, '-an', '-vf', fit, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
}

/** Every frame of `file` as raw RGB, size x size. */
function rawFrames(ffmpeg: string, file: string, size: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ffmpegArgs(file, size), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new VideoError(`ffmpeg did not start: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return reject(new VideoError(`decoding took longer than ${timeoutMs / 1000} s (--timeout)`));
      const why = err.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new VideoError(`ffmpeg failed (exit ${code})${why ? `: ${why.replace(/^.*?: /, '')}` : ''}`));
      resolve(Buffer.concat(out));
    });
  });
}

/** Decode `file` and keep `sampling.frames` frames of it, as JPEG. */
export async function decodeClip(ffmpeg: string, file: string, sampling: FrameSampling, timeoutMs: number): Promise<DecodedClip> {
  const { size } = sampling;
  const frameBytes = size * size * 3;
  const raw = await rawFrames(ffmpeg, file, size, timeoutMs);
  const decoded = Math.floor(raw.length / frameBytes);
  if (decoded === 0) throw new VideoError('no video frame could be decoded');
  const frames = await Promise.all(
    sampleIndices(decoded, sampling.frames).map((i) =>
      sharp(raw.subarray(i * frameBytes, (i + 1) * frameBytes), { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 90 }).toBuffer(),
    ),
  );
  return { frames: frames.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)), decoded };
}

// Which frames of a clip a video-text row keeps: T frames spread uniformly over the clip, each the
// centre of one of T equal segments (the common practice of video-language codebases); a clip with
// fewer than T frames keeps all of them and repeats its last (the paper duplicates short clips).
// Recorded in the manifest's `source.sampling`, so that a dataset says how it was made.

export interface FrameSampling {
  frames: number; // T, frames kept per clip
  size: number; // frames are scaled to cover size x size, then centre-cropped to it
}

export const SAMPLING_METHOD = 'segment-centres, last frame repeated when short; scale to cover, centre crop';

/** Indices of the `t` frames kept out of `n` decoded ones (n >= 1). */
export function sampleIndices(n: number, t: number): number[] {
  if (n < 1 || t < 1) throw new Error(`sampleIndices needs n >= 1 and t >= 1, got ${n}, ${t}`);
  return Array.from({ length: t }, (_, i) => (n >= t ? Math.floor(((i + 0.5) * n) / t) : Math.min(i, n - 1)));
}

/** The manifest record of a sampling. */
export function samplingRecord(s: FrameSampling): Record<string, unknown> {
  return { frames: s.frames, size: s.size, method: SAMPLING_METHOD };
}

// What a training stage iterates: examples of the caption mixture with their frames decoded,
// resized and normalised (frames.ts), decoded `prefetch` examples ahead in the background.
//
//   const s = await TrainStream.open({ sources, weights, seed, frames: 8, height: 32, width: 32 })
//   for await (const batch of trainBatches(s, 32)) {
//     batch.frames   // Float32Array [32, 8, 32, 32, 3] -> tf.tensor(batch.frames, batch.shape)
//     batch.captions, batch.position  // save the position with the checkpoint; pass it back to resume
//   }
//   await s.close()
import { userError } from '../util/errors.ts';
import type { BadRowPolicy } from './dataset.ts';
import { CaptionStream, type CaptionExample } from './caption-stream.ts';
import { stackFrames, type FrameBatchShape } from './batch.ts';
import { decodeFrames, decodeIssue, DecodeError, frameShape, type FrameOptions, type Visual } from './frames.ts';
import type { MixtureOptions, MixturePosition } from './mixture.ts';
import { mapAhead } from './async-iter.ts';

export interface TrainExample {
  source: string;
  key: string;
  caption: string;
  /** [frames, height, width, 3] in the value range (default [-1, 1]). */
  frames: Float32Array;
  /** Where the stream resumes after this example. */
  position: MixturePosition;
}

export interface TrainStreamOptions extends MixtureOptions, FrameOptions {
  /** Examples decoded ahead of the consumer; default 16. */
  prefetch?: number;
}

export class TrainStream implements AsyncIterable<TrainExample> {
  private last: MixturePosition;
  private decodeSkipped = 0;
  private decoded: AsyncGenerator<TrainExample | null> | undefined;

  private constructor(
    private readonly captions: CaptionStream,
    readonly frameOptions: FrameOptions,
    private readonly prefetch: number,
    private readonly policy: BadRowPolicy,
  ) {
    this.last = captions.position();
  }

  static async open(o: TrainStreamOptions): Promise<TrainStream> {
    if (!(o.frames >= 1 && o.height >= 1 && o.width >= 1)) throw userError('bad_frames', `frames, height and width must be positive, got ${o.frames}x${o.height}x${o.width}`);
    const frameOptions: FrameOptions = { frames: o.frames, height: o.height, width: o.width, valueRange: o.valueRange, fit: o.fit };
    return new TrainStream(await CaptionStream.open(o), frameOptions, o.prefetch ?? 16, o.badRows ?? 'error');
  }

  /** [frames, height, width, 3] of every example. */
  get shape(): [number, number, number, number] {
    return frameShape(this.frameOptions);
  }

  /**
   * Examples in order. Iterating again after a `break` continues with the next example: the
   * read-ahead queue belongs to the stream, not to one loop.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<TrainExample> {
    this.decoded ??= mapAhead(() => this.captions.next(), (ex) => this.decodeExample(ex), this.prefetch);
    for (;;) {
      const { done, value } = await this.decoded.next();
      if (done) return; // only after an error: the read-ahead has ended
      if (!value) continue;
      this.last = value.position;
      yield value;
    }
  }

  private async decodeExample(ex: CaptionExample): Promise<TrainExample | null> {
    const frames = await this.decode(ex.row as Visual, ex.place.file, ex.place.row);
    return frames && { source: ex.source, key: ex.key, caption: ex.caption, frames, position: ex.position };
  }

  private async decode(visual: Visual, file: string, row: number): Promise<Float32Array | null> {
    try {
      return await decodeFrames(visual, this.frameOptions);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      if (this.policy === 'error') throw decodeIssue(err, file, row, visual.image ? 'image' : 'frames');
      this.decodeSkipped++;
      return null;
    }
  }

  /** Where the stream resumes: after the last example iterated. */
  position(): MixturePosition {
    return this.last;
  }

  /** Rows skipped (unreadable or undecodable) so far: per source, and those whose image did not decode. */
  skipped(): { unreadable: Record<string, number>; undecodable: number } {
    return { unreadable: this.captions.skipped(), undecodable: this.decodeSkipped };
  }

  async close(): Promise<void> {
    await this.captions.close();
  }
}

export interface TrainBatch {
  /** [batch, frames, height, width, 3] */
  frames: Float32Array;
  shape: FrameBatchShape;
  captions: string[];
  keys: string[];
  sources: string[];
  /** Where the stream resumes after this batch. */
  position: MixturePosition;
}

/** Batches of `size` examples of an endless train stream. */
export async function* trainBatches(stream: TrainStream, size: number): AsyncGenerator<TrainBatch> {
  let items: TrainExample[] = [];
  for await (const ex of stream) {
    items.push(ex);
    if (items.length < size) continue;
    const { frames, shape } = stackFrames(items.map((e) => e.frames), stream.shape);
    yield { frames, shape, captions: items.map((e) => e.caption), keys: items.map((e) => e.key), sources: items.map((e) => e.source), position: items[size - 1].position };
    items = [];
  }
}

// The training stream's text side: an endless, shuffled, resumable mixture of image-text and
// video-text datasets, as caption rows. Used directly for language-model pretraining on the training
// captions, and by the frame stream (train-stream.ts), which decodes the pixels of the same rows.
//
//   const s = await CaptionStream.open({ sources: { webli: dir }, seed: 0 })
//   for await (const ex of s) { ex.caption; ex.position }    // endless; break when done
//   s.position()  // after the last example: pass as `position` to continue exactly there
import { userError } from '../util/errors.ts';
import { Mixture, type MixtureOptions, type MixturePosition } from './mixture.ts';
import type { RowPlace, Row } from './schema.ts';

export interface CaptionExample {
  source: string;
  key: string;
  caption: string;
  row: Row;
  place: RowPlace;
  /** Where the stream resumes after this example. */
  position: MixturePosition;
}

const TRAIN_KINDS = ['image-text', 'video-text'];

export class CaptionStream implements AsyncIterable<CaptionExample> {
  private last: MixturePosition;

  private constructor(private readonly mixture: Mixture) {
    this.last = mixture.position();
  }

  static async open(o: MixtureOptions): Promise<CaptionStream> {
    const mixture = await Mixture.open(o);
    for (const [name, kind] of Object.entries(mixture.kinds())) {
      if (!TRAIN_KINDS.includes(kind)) {
        await mixture.close();
        throw userError('wrong_kind', `source "${name}" is a ${kind} dataset; training sources must be ${TRAIN_KINDS.join(' or ')}`, { file: o.sources[name], path: ['sources', name] });
      }
    }
    return new CaptionStream(mixture);
  }

  async next(): Promise<CaptionExample> {
    const { source, row, place, position } = await this.mixture.next();
    return { source, key: row.key, caption: row.caption as string, row, place, position };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CaptionExample> {
    for (;;) {
      const ex = await this.next();
      this.last = ex.position;
      yield ex;
    }
  }

  /** Where the stream resumes: after the last example iterated. */
  position(): MixturePosition {
    return this.last;
  }

  /** Rows skipped as unreadable, per source. */
  skipped(): Record<string, number> {
    return this.mixture.skipped();
  }

  async close(): Promise<void> {
    await this.mixture.close();
  }
}

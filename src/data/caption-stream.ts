// The training stream's text side: an endless, shuffled, resumable mixture of image-text and
// video-text datasets, as caption rows. Used directly for language-model pretraining on the training
// captions (where text datasets may join the mixture: a document is then the example's caption),
// and by the frame stream (train-stream.ts), which decodes the pixels of the same rows.
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

/** Kinds with pixels and a caption: what a vision-language stage trains on. */
export const PAIRED_KINDS: readonly string[] = ['image-text', 'video-text'];
/** Kinds a language model can train on: the captions of paired data, and text documents. */
export const TEXT_KINDS: readonly string[] = [...PAIRED_KINDS, 'text'];

/** The column holding each kind's text. */
const TEXT_COLUMN: Record<string, string> = { 'image-text': 'caption', 'video-text': 'caption', text: 'text' };

export interface CaptionStreamOptions extends MixtureOptions {
  /** Dataset kinds accepted as sources; default PAIRED_KINDS. */
  kinds?: readonly string[];
}

export class CaptionStream implements AsyncIterable<CaptionExample> {
  private last: MixturePosition;

  private constructor(
    private readonly mixture: Mixture,
    private readonly columns: Record<string, string>,
  ) {
    this.last = mixture.position();
  }

  static async open(o: CaptionStreamOptions): Promise<CaptionStream> {
    const mixture = await Mixture.open(o);
    const accepted = o.kinds ?? PAIRED_KINDS;
    const kinds = mixture.kinds();
    for (const [name, kind] of Object.entries(kinds)) {
      if (!accepted.includes(kind)) {
        await mixture.close();
        throw userError('wrong_kind', `source "${name}" is a ${kind} dataset; these training sources must be ${accepted.join(' or ')}`, { file: o.sources[name], path: ['sources', name] });
      }
    }
    return new CaptionStream(mixture, Object.fromEntries(Object.entries(kinds).map(([name, kind]) => [name, TEXT_COLUMN[kind]])));
  }

  async next(): Promise<CaptionExample> {
    const { source, row, place, position } = await this.mixture.next();
    return { source, key: row.key, caption: row[this.columns[source]] as string, row, place, position };
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

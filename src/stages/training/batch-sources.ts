// Endless, resumable batch sources over the training mixture: decoded frames with captions (for
// the vision-language stages) or captions alone (for language-model pretraining). `position()` is
// where the source resumes after the last batch handed out; it is saved with every checkpoint.
import { CaptionStream, TEXT_KINDS } from '../../data/caption-stream.ts';
import type { MixtureOptions, MixturePosition } from '../../data/mixture.ts';
import { TrainStream, trainBatches, type TrainBatch } from '../../data/train-stream.ts';

export interface BatchSource<B> {
  next(): Promise<B>;
  position(): MixturePosition;
  close(): Promise<void>;
}

export interface SourceOptions extends Pick<MixtureOptions, 'sources' | 'weights' | 'verify'> {
  seed: number;
  batchSize: number;
  position?: MixturePosition;
}

export interface FrameSize {
  frames: number;
  image: number; // square side in pixels
}

/** Batches of [batch, frames, image, image, 3] pixels in [0, 1] with their captions. */
export async function openFrameBatches(o: SourceOptions & FrameSize): Promise<BatchSource<TrainBatch>> {
  const stream = await TrainStream.open({ ...o, height: o.image, width: o.image, valueRange: [0, 1] });
  const batches = trainBatches(stream, o.batchSize);
  let position = stream.position();
  return {
    next: async () => {
      const { value } = await batches.next();
      position = value!.position;
      return value!;
    },
    position: () => position,
    close: () => stream.close(),
  };
}

export interface TextBatch {
  texts: string[];
}

/** Batches of training captions and text documents, for language-model pretraining. */
export async function openTextBatches(o: SourceOptions): Promise<BatchSource<TextBatch>> {
  const stream = await CaptionStream.open({ ...o, kinds: TEXT_KINDS });
  let position = stream.position();
  return {
    next: async () => {
      const texts: string[] = [];
      for (let i = 0; i < o.batchSize; i++) {
        const ex = await stream.next();
        texts.push(ex.caption);
        position = ex.position;
      }
      return { texts };
    },
    position: () => position,
    close: () => stream.close(),
  };
}

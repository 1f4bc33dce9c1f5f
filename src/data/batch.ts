// Stacking decoded examples into one contiguous array per batch, so that a stage only has to wrap
// it in a tensor: N arrays of [frames, height, width, 3] -> one [N, frames, height, width, 3].

export type FrameBatchShape = [number, number, number, number, number];

/** Stack `items` (each [frames, height, width, 3] = `shape`) into [items.length, ...shape]. */
export function stackFrames(items: Float32Array[], shape: [number, number, number, number]): { frames: Float32Array; shape: FrameBatchShape } {
  const size = shape.reduce((a, b) => a * b, 1);
  const frames = new Float32Array(items.length * size); // [batch, frames, height, width, 3]
  items.forEach((item, i) => {
    if (item.length !== size) throw new RangeError(`example ${i} has ${item.length} values, expected ${size} ([${shape.join(', ')}])`);
    frames.set(item, i * size);
  });
  return { frames, shape: [items.length, ...shape] };
}

export interface Batch<T> {
  /** [batch, frames, height, width, 3] */
  frames: Float32Array;
  shape: FrameBatchShape;
  /** The examples, in batch order. */
  items: T[];
}

/** Group a finite stream of decoded examples (eval sets) into batches of `size`; the last may be smaller. */
export async function* batches<T extends { frames: Float32Array }>(examples: AsyncIterable<T>, size: number, shape: [number, number, number, number]): AsyncGenerator<Batch<T>> {
  let items: T[] = [];
  const emit = (): Batch<T> => ({ ...stackFrames(items.map((e) => e.frames), shape), items });
  for await (const ex of examples) {
    items.push(ex);
    if (items.length === size) {
      yield emit();
      items = [];
    }
  }
  if (items.length > 0) yield emit();
}

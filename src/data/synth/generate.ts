// Writing one synthetic dataset: items are made a few at a time in parallel (sharp encodes on its
// thread pool) and written in index order, so the output depends only on the settings. The manifest
// records the settings (`source`), which is how `ensureSynthetic` knows whether a dataset on disk is
// the one asked for.
import type { Manifest } from '../manifest.ts';
import type { Row } from '../schema.ts';
import { writeDataset } from '../writer.ts';
import { itemRng, type SynthSet } from './sets.ts';
import { ATTRIBUTE_WORDS } from './world.ts';
import type { Scale } from './scales.ts';

/** Bump when the generator's output changes, so that datasets made by an older one are regenerated. */
export const SYNTH_VERSION = 3;
const DEFAULT_IMAGE_SIZE = 64;
const PARALLEL_ITEMS = 16;

export interface SynthOptions {
  scale: Scale;
  seed: number;
  imageSize?: number;
}

/** What the manifest's `source` says about a synthetic dataset. */
export function synthSource(set: SynthSet, o: SynthOptions): Record<string, unknown> {
  return { generator: 'vadapter-synth', version: SYNTH_VERSION, set: set.name, scale: o.scale, seed: o.seed, imageSize: o.imageSize ?? DEFAULT_IMAGE_SIZE };
}

async function* setRows(set: SynthSet, o: SynthOptions): AsyncGenerator<Row> {
  const settings = { seed: o.seed, imageSize: o.imageSize ?? DEFAULT_IMAGE_SIZE };
  const count = set.items[o.scale];
  for (let start = 0; start < count; start += PARALLEL_ITEMS) {
    const indices = Array.from({ length: Math.min(PARALLEL_ITEMS, count - start) }, (_, k) => start + k);
    const made = await Promise.all(indices.map((i) => set.make(i, itemRng(o.seed, set.name, i), settings)));
    for (const rows of made) yield* rows;
  }
}

export function generateSet(dir: string, set: SynthSet, o: SynthOptions): Promise<Manifest> {
  return writeDataset(dir, { kind: set.kind, name: set.name, source: synthSource(set, o), attributes: ATTRIBUTE_WORDS }, setRows(set, o));
}

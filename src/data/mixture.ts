// A weighted mixture of named datasets (e.g. webli 0.6, vtp 0.2, smit 0.2): each draw picks a
// source with probability proportional to its weight, then takes that source's next shuffled row.
// Endless: a source that runs out starts its next epoch. Everything is a function of the seed and
// the start epoch, and the whole state is a small JSON object (`MixturePosition`: the choice RNG's
// four words and each source's {epoch, window, offset}) from which a reopened mixture continues
// exactly where the saved one was.
import { z } from 'zod';
import { userError } from '../util/errors.ts';
import { unknownName } from './names.ts';
import { Rng, type RngState } from '../util/rng.ts';
import { Dataset, type BadRowPolicy } from './dataset.ts';
import { parseWith } from './json.ts';
import { DEFAULT_WINDOW_BLOCKS, type SourcePosition } from './order.ts';
import type { RowPlace, Row } from './schema.ts';
import { ShuffledSource } from './source.ts';
import type { VerifyMode } from './verify.ts';

export interface MixturePosition {
  rng: RngState;
  sources: Record<string, SourcePosition>;
}

export interface MixtureOptions {
  /** Source name -> dataset directory. */
  sources: Record<string, string>;
  /** Source name -> weight (any positive scale); default: equal weights. */
  weights?: Record<string, number>;
  seed: number;
  /** Epoch every source starts in when no position is given; default 0. */
  epoch?: number;
  /** Continue from a saved position instead of the start. */
  position?: MixturePosition;
  /** Record batches per shuffle window; default 8. */
  windowBlocks?: number;
  badRows?: BadRowPolicy;
  /** When each shard's sha256 is checked (the spec's data.verify); default 'first-use'. */
  verify?: VerifyMode;
}

export interface MixtureRow {
  source: string;
  row: Row;
  place: RowPlace;
  /** Where the mixture resumes after this row. */
  position: MixturePosition;
}

const positionSchema = z.object({
  rng: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
  sources: z.record(z.string(), z.object({ epoch: z.number().int().nonnegative(), window: z.number().int().nonnegative(), offset: z.number().int().nonnegative() })),
});

export class Mixture {
  private constructor(
    private readonly names: string[],
    private readonly cumulative: number[],
    private readonly sources: ShuffledSource[],
    private readonly rng: Rng,
  ) {}

  static async open(o: MixtureOptions): Promise<Mixture> {
    const names = Object.keys(o.sources);
    if (names.length === 0) throw userError('no_sources', 'a mixture needs at least one source', { path: ['sources'] });
    const weights = checkWeights(names, o.weights);
    const start = o.position ? parseWith(positionSchema, o.position, 'data position', []) : undefined;
    checkPositionSources(names, start);
    const datasets = await Promise.all(names.map((n) => Dataset.open(o.sources[n], { verify: o.verify })));
    const sources = names.map((name, i) => {
      const position = start?.sources[name] ?? { epoch: o.epoch ?? 0, window: 0, offset: 0 };
      return new ShuffledSource(datasets[i], Rng.derive(o.seed, `source:${name}`).seed(), position, o.windowBlocks ?? DEFAULT_WINDOW_BLOCKS, o.badRows ?? 'error');
    });
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    const cumulative = weights.map((w) => (acc += w / total));
    const rng = start ? new Rng(start.rng as RngState) : Rng.derive(o.seed, `mixture:${o.epoch ?? 0}`);
    return new Mixture(names, cumulative, sources, rng);
  }

  /** The next row of the mixture and the position after it. */
  async next(): Promise<MixtureRow> {
    const u = this.rng.float();
    let i = this.cumulative.findIndex((c) => u < c);
    if (i < 0) i = this.cumulative.length - 1;
    const { row, place } = await this.sources[i].next();
    return { source: this.names[i], row, place, position: this.position() };
  }

  position(): MixturePosition {
    return { rng: this.rng.state(), sources: Object.fromEntries(this.names.map((n, i) => [n, this.sources[i].position()])) };
  }

  /** Each source's dataset kind. */
  kinds(): Record<string, string> {
    return Object.fromEntries(this.names.map((n, i) => [n, this.sources[i].dataset.manifest.kind]));
  }

  /** Rows skipped as unreadable, per source. */
  skipped(): Record<string, number> {
    return Object.fromEntries(this.names.map((n, i) => [n, this.sources[i].skipped]));
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.dataset.close()));
  }
}

function checkWeights(names: string[], weights: Record<string, number> | undefined): number[] {
  if (!weights) return names.map(() => 1);
  for (const key of Object.keys(weights)) {
    if (!names.includes(key)) throw unknownName('source', key, names, { path: ['weights', key] });
  }
  const list = names.map((n) => weights[n] ?? 0);
  list.forEach((w, i) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw userError('bad_weight', `expected a non-negative number, got ${w}`, { path: ['weights', names[i]] });
  });
  if (!list.some((w) => w > 0)) throw userError('bad_weight', 'at least one source needs a positive weight', { path: ['weights'] });
  return list;
}

function checkPositionSources(names: string[], position: MixturePosition | undefined): void {
  if (!position) return;
  const saved = Object.keys(position.sources).sort().join(', ');
  if (saved !== [...names].sort().join(', ')) {
    throw userError('bad_position', `the saved position is for sources ${saved}, not ${[...names].sort().join(', ')}`, { path: ['position'] });
  }
}

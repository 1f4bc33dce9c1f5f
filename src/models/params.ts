// Parameters: a flat map of dotted names to tf.Variables, created by seeded initialisers. Each
// value depends only on (seed, full name), so adding a parameter never changes the others, and the
// same seed gives the same weights on every backend (values are drawn on the host by Rng).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng.ts';

/** Dotted name -> variable, e.g. `vit.blocks.3.attn.q.weight`. The names are the checkpoint keys. */
export type Params = Map<string, tf.Variable>;

/** Read access to one component's parameters by their names relative to it. */
export interface Weights {
  get(name: string): tf.Tensor;
  has(name: string): boolean;
  scope(prefix: string): Weights;
}

/** A reader of `params` under `prefix` (e.g. `tlm`): `get('ln.scale')` reads `tlm.ln.scale`. */
export function weights(params: Params, prefix = ''): Weights {
  const full = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
  return {
    get(name) {
      const v = params.get(full(name));
      if (v === undefined) throw new Error(`no parameter "${full(name)}" (the model and its config disagree)`);
      return v;
    },
    has: (name) => params.has(full(name)),
    scope: (sub) => weights(params, full(sub)),
  };
}

/** Creates the parameters of one component under a name prefix, each from its own seeded stream. */
export class ParamFactory {
  readonly params: Params;
  constructor(
    private readonly seed: number,
    private readonly prefix = '',
    params?: Params,
  ) {
    this.params = params ?? new Map();
  }

  scope(sub: string): ParamFactory {
    return new ParamFactory(this.seed, this.full(sub), this.params);
  }

  /** Normal(0, std) values, drawn by Rng.derive(seed, full name). */
  normal(name: string, shape: number[], std: number): void {
    const rng = Rng.derive(this.seed, this.full(name));
    const values = new Float32Array(numel(shape));
    for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
    this.add(name, tf.tensor(values, shape, 'float32'));
  }

  fill(name: string, shape: number[], value: number): void {
    this.add(name, tf.fill(shape, value, 'float32'));
  }

  zeros(name: string, shape: number[]): void {
    this.fill(name, shape, 0);
  }

  ones(name: string, shape: number[]): void {
    this.fill(name, shape, 1);
  }

  private add(name: string, value: tf.Tensor): void {
    const full = this.full(name);
    if (this.params.has(full)) throw new Error(`parameter "${full}" created twice`);
    this.params.set(full, tf.variable(value, true));
    value.dispose();
  }

  private full(name: string): string {
    return this.prefix === '' ? name : `${this.prefix}.${name}`;
  }
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Total number of values in a set of parameters. */
export function countParams(params: Params, names: Iterable<string> = params.keys()): number {
  let n = 0;
  for (const name of names) n += params.get(name)!.size;
  return n;
}

export function disposeParams(params: Params): void {
  for (const v of params.values()) v.dispose();
}

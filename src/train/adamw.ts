// AdamW with decoupled weight decay (Loshchilov & Hutter), written out so that its state (first and
// second moments, step count) can be checkpointed and restored exactly. The paper's settings are
// the defaults: betas (0.9, 0.999), weight decay 1e-4. On wasm with the native kernels each
// parameter's update is one fused kernel (src/backend/fused-adamw.ts); elsewhere it is composed of
// tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { fusedAdamW, hasFusedAdamW, type AdamWStep } from '../backend/fused-adamw.ts';
import { z } from 'zod';

export const adamwSchema = z
  .object({
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    epsilon: z.number().positive().default(1e-8),
    weightDecay: z.number().min(0).default(1e-4),
    // Decay applies to parameters of rank >= 2 (matrices, embeddings); biases, norms' gains and
    // learned queries of rank 1 are left alone, the common convention the paper does not contradict.
    decayMinRank: z.number().int().min(0).default(2),
  })
  .strict();
export type AdamWConfig = z.infer<typeof adamwSchema>;

export interface AdamWState {
  step: number; // updates applied so far
  m: Map<string, tf.Variable>; // first moments, by parameter name
  v: Map<string, tf.Variable>; // second moments, by parameter name
}

/** A moment of zeros shaped like `p`; tidy releases the initial tensor (a variable keeps its data, and tidy keeps variables). */
function zeroMoment(p: tf.Variable): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zerosLike(p), false));
}

/** The update of src/backend/fused-adamw.ts composed of tfjs ops, for the backends without that kernel. */
export function composedAdamW(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, s: AdamWStep): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const mNew = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
  const vNew = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
  const denom = tf.add(tf.sqrt(tf.div(vNew, s.correction2)), s.epsilon);
  let update = tf.div(tf.div(mNew, s.correction1), denom);
  if (s.weightDecay > 0) update = tf.add(update, tf.mul(p, s.weightDecay));
  return [tf.sub(p, tf.mul(update, s.lr)), mNew, vNew];
}

export class AdamW {
  readonly config: AdamWConfig;
  readonly state: AdamWState;

  constructor(config: AdamWConfig, params: Map<string, tf.Variable>) {
    this.config = config;
    this.state = { step: 0, m: new Map(), v: new Map() };
    for (const [name, p] of params) {
      this.state.m.set(name, zeroMoment(p));
      this.state.v.set(name, zeroMoment(p));
    }
  }

  /** Apply one update with learning rate `lr`; `grads` are keyed like the parameters. */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    const { beta1, beta2, epsilon, weightDecay, decayMinRank } = this.config;
    const t = ++this.state.step;
    const step = { lr, beta1, beta2, epsilon, correction1: 1 - beta1 ** t, correction2: 1 - beta2 ** t };
    const update = hasFusedAdamW() ? fusedAdamW : composedAdamW;
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const p = params.get(name);
        const m = this.state.m.get(name);
        const v = this.state.v.get(name);
        if (!p || !m || !v) throw new Error(`AdamW: no parameter or moments named ${name}`);
        const [pNew, mNew, vNew] = update(p, m, v, g, { ...step, weightDecay: p.rank >= decayMinRank ? weightDecay : 0 });
        p.assign(pNew);
        m.assign(mNew);
        v.assign(vNew);
      }
    });
  }

  dispose(): void {
    for (const t of [...this.state.m.values(), ...this.state.v.values()]) t.dispose();
  }
}

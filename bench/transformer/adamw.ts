// AdamW as torch.optim.AdamW applies it (decoupled weight decay on every parameter).
import * as tf from '@tensorflow/tfjs-core';
import { TRANSFORMER_STEP as C } from './config.ts';
import type { Params } from './model.ts';

const [BETA1, BETA2, EPS] = [0.9, 0.999, 1e-8];

export class AdamW {
  private step = 0;
  private readonly moments = new Map<string, [tf.Variable, tf.Variable]>();

  constructor(params: Params) {
    for (const [name, p] of params) this.moments.set(name, [tf.variable(tf.zerosLike(p)), tf.variable(tf.zerosLike(p))]);
  }

  apply(params: Params, grads: tf.NamedTensorMap): void {
    this.step++;
    const [c1, c2] = [1 - BETA1 ** this.step, 1 - BETA2 ** this.step];
    tf.tidy(() => {
      for (const [name, p] of params) {
        const [m, v] = this.moments.get(name)!;
        const g = grads[name];
        m.assign(tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1)));
        v.assign(tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), EPS));
        p.assign(tf.sub(tf.mul(p, 1 - C.lr * C.weightDecay), tf.mul(update, C.lr)));
      }
    });
  }

  dispose(): void {
    for (const pair of this.moments.values()) tf.dispose(pair);
  }
}

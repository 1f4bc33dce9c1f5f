// Gradient clipping by global norm: if the L2 norm over all gradients exceeds `maxNorm`, every
// gradient is scaled by maxNorm / norm. Returns the norm before clipping (a logged metric).
import * as tf from '@tensorflow/tfjs-core';

export function globalNorm(grads: Map<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => {
    // pairwise sums: one addN over every gradient exceeds WebGPU's storage-buffer limit per shader
    const total = [...grads.values()].map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b), tf.scalar(0));
    return tf.sqrt(total) as tf.Scalar;
  });
}

/** Replace each gradient in `grads` by its clipped version (disposing the old tensors); returns the pre-clip norm. */
export async function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number | undefined): Promise<number> {
  const normTensor = globalNorm(grads);
  const norm = (await normTensor.data())[0];
  normTensor.dispose();
  if (maxNorm === undefined || !(norm > maxNorm)) return norm;
  const scale = maxNorm / norm;
  for (const [name, g] of grads) {
    grads.set(name, tf.mul(g, scale));
    g.dispose();
  }
  return norm;
}

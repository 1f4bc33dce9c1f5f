// Gradient clipping by global norm: if the L2 norm over all gradients exceeds `maxNorm`, every
// gradient is scaled by maxNorm / norm. Returns the norm before clipping (a logged metric), and on
// request the norms of groups of gradients (the loop's per-component `grad_norm/<component>`).
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
  return (await clipWithNorms(grads, maxNorm, [])).norm;
}

/**
 * clipByGlobalNorm that also gives the pre-clip global norm of each group of gradient names (names
 * without a gradient are left out; a group with none has norm 0), read back with the total in one
 * readback. The total and the clipping are the same with or without groups.
 */
export async function clipWithNorms(grads: Map<string, tf.Tensor>, maxNorm: number | undefined, groups: string[][]): Promise<{ norm: number; groups: number[] }> {
  const normTensor = globalNorm(grads);
  let norm: number;
  let groupNorms: number[] = [];
  if (groups.length === 0) {
    norm = (await normTensor.data())[0];
  } else {
    const parts = groups.map((names) => globalNorm(new Map(names.flatMap((n) => (grads.has(n) ? [[n, grads.get(n)!] as const] : [])))));
    const stacked = tf.stack([normTensor, ...parts]);
    const values = await stacked.data();
    tf.dispose([stacked, ...parts]);
    norm = values[0];
    groupNorms = Array.from(values.subarray(1));
  }
  normTensor.dispose();
  if (maxNorm === undefined || !(norm > maxNorm)) return { norm, groups: groupNorms };
  const scale = maxNorm / norm;
  for (const [name, g] of grads) {
    grads.set(name, tf.mul(g, scale));
    g.dispose();
  }
  return { norm, groups: groupNorms };
}

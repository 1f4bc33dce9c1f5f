// A quick throughput figure for the active backend: square fp32 matmuls for a fixed time.
import * as tf from '@tensorflow/tfjs-core';

export async function measureMatmulGflops(size = 512, seconds = 1): Promise<number> {
  const a = tf.randomNormal([size, size], 0, 1, 'float32', 1);
  const b = tf.randomNormal([size, size], 0, 1, 'float32', 2);
  try {
    const run = async () => {
      const c = tf.matMul(a, b);
      await c.data(); // wait for the backend to finish, GPU backends included
      c.dispose();
    };
    await run(); // warm-up: compiles kernels, allocates buffers
    let iterations = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000 || iterations < 2) {
      await run();
      iterations++;
    }
    const elapsed = (performance.now() - start) / 1000;
    return (2 * size ** 3 * iterations) / elapsed / 1e9;
  } finally {
    a.dispose();
    b.dispose();
  }
}

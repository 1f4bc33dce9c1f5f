// matMul on wasm: tfjs's own BatchMatMul against vadapter's, for the forms a transformer's forward
// and backward passes use (plain, transposeA, transposeB, [batch, seq, width] @ weight, batched heads).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend/index.ts';
import { withOriginalWasmKernel } from '../src/backend/wasm/register.ts';
import { formatTable } from '../src/cli/output.ts';
import type { Benchmark, BenchContext } from './registry.ts';
import { timeSteps } from './timing.ts';

interface Case {
  label: string;
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
}

const CASES: Case[] = [
  { label: 'x @ W (forward)', a: [512, 256], b: [256, 1024] },
  { label: 'dY @ W^T (input gradient)', a: [512, 1024], b: [256, 1024], transposeB: true },
  { label: 'X^T @ dY (weight gradient)', a: [512, 256], b: [512, 1024], transposeA: true },
  { label: '[8, 64, 256] @ W', a: [8, 64, 256], b: [256, 768] },
  { label: 'q @ k^T, 32 heads of 64x64', a: [32, 64, 64], b: [32, 64, 64], transposeB: true },
  { label: 'p @ v, 32 heads of 64x64', a: [32, 64, 64], b: [32, 64, 64] },
  { label: 'p^T @ dO, 32 heads of 64x64', a: [32, 64, 64], b: [32, 64, 64], transposeA: true },
  { label: '256 products of 16x16x16', a: [256, 16, 16], b: [256, 16, 16], transposeB: true },
  { label: '256 products of 32x32x32', a: [256, 32, 32], b: [256, 32, 32], transposeB: true },
];

function flops(c: Case): number {
  const [m, k] = c.transposeA ? c.a.slice(-2).reverse() : c.a.slice(-2);
  const n = c.transposeB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
  const batch = Math.max(c.a.slice(0, -2).reduce((x, y) => x * y, 1), c.b.slice(0, -2).reduce((x, y) => x * y, 1));
  return 2 * batch * m * k * n;
}

async function gflops(ctx: BenchContext, c: Case): Promise<number> {
  const [a, b] = [tf.randomNormal(c.a, 0, 1, 'float32', 1), tf.randomNormal(c.b, 0, 1, 'float32', 2)];
  const product = () => {
    const out = tf.matMul(a, b, c.transposeA, c.transposeB);
    out.dataSync();
    out.dispose();
  };
  const t = await timeSteps(product, ctx.quick ? { warmup: 1, minSteps: 1, minSeconds: 0 } : { warmup: 2, minSteps: 5, minSeconds: 0.5 });
  tf.dispose([a, b]);
  return flops(c) / (t.medianMs / 1000) / 1e9;
}

async function run(ctx: BenchContext): Promise<void> {
  if (!ctx.backends.includes('wasm')) return ctx.log('wasm: not available');
  await initBackend('wasm');
  const rows: string[][] = [];
  for (const c of CASES) {
    const theirs = await withOriginalWasmKernel('BatchMatMul', () => gflops(ctx, c));
    const ours = await gflops(ctx, c);
    rows.push([c.label, theirs.toFixed(1), ours.toFixed(1), `${(ours / theirs).toFixed(1)}x`]);
  }
  ctx.log(formatTable(['product (wasm, 1 thread)', 'tfjs kernel GFLOP/s', 'vadapter GFLOP/s', 'speed-up'], rows));
}

export const benchmark: Benchmark = {
  name: 'matmul',
  description: "wasm BatchMatMul: tfjs's own kernel against vadapter's, per product form",
  run,
};

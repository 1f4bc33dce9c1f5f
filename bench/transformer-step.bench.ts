// The fixed transformer training step (4 layers, batch 8, seq 64, width 256) on each
// available backend, tfjs's own wasm kernels for comparison, PyTorch with the same thread count,
// and a per-kernel profile of the wasm step.
import { initBackend, type BackendName } from '../src/backend/index.ts';
import { withOriginalWasmKernel } from '../src/backend/wasm/register.ts';
import { formatTable } from '../src/cli/output.ts';
import { formatProfile, profileKernels } from './kernel-profile.ts';
import type { Benchmark, BenchContext } from './registry.ts';
import type { TimingPlan } from './timing.ts';
import { findTorchPython, runTorchScript } from './torch/runner.ts';
import { TRANSFORMER_STEP } from './transformer/config.ts';
import { runSteps, type StepRun } from './transformer/step.ts';

const THREADS = 1; // the wasm backend runs one thread in Node; torch gets the same
const SLOW = ['cpu']; // ~80 s a step here: only when --backends names it

interface Row {
  label: string;
  run: StepRun;
}

function plan(ctx: BenchContext, backend: BackendName): TimingPlan {
  return ctx.quick || SLOW.includes(backend) ? { warmup: 1, minSteps: 1, minSeconds: 0 } : { warmup: 2, minSteps: 5, minSeconds: 3 };
}

async function tfjsRows(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const backend of ctx.backends) {
    if (SLOW.includes(backend) && !ctx.backendsNamed) {
      ctx.log(`${backend}: left out (slow; --backends=${backend} includes it)`);
      continue;
    }
    await initBackend(backend);
    const profile = backend === 'wasm' ? async (step: () => void) => ctx.log(formatProfile(await profileKernels(step))) : undefined;
    if (profile) ctx.log('per-kernel profile of one wasm step (vadapter kernels):\n');
    rows.push({ label: `tfjs ${backend}`, run: await runSteps(plan(ctx, backend), profile) });
    if (backend === 'wasm' && !ctx.quick) {
      const run = await withOriginalWasmKernel('BatchMatMul', () => runSteps({ warmup: 1, minSteps: 1, minSeconds: 0 }));
      rows.push({ label: 'tfjs wasm, tfjs own BatchMatMul', run });
    }
  }
  return rows;
}

function torchRow(ctx: BenchContext): Row | undefined {
  const found = findTorchPython();
  if ('unavailable' in found) {
    ctx.log(`torch: not available (${found.unavailable})`);
    return undefined;
  }
  const steps = ctx.quick ? '1' : '10';
  const out = runTorchScript<{ torch: string; stepMs: number[]; firstLoss: number }>(found.python, 'transformer_step.py', ['--threads', String(THREADS), '--steps', steps]);
  const sorted = [...out.stepMs].sort((a, b) => a - b);
  const run = { medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], samples: out.stepMs, firstLoss: out.firstLoss };
  return { label: `torch ${out.torch} (${found.python})`, run };
}

async function run(ctx: BenchContext): Promise<void> {
  const c = TRANSFORMER_STEP;
  ctx.log(`model: ${c.layers} layers, batch ${c.batch}, seq ${c.seq}, width ${c.width}, ${c.heads} heads, mlp ${c.mlp}, vocab ${c.vocab}; AdamW; ${THREADS} thread\n`);
  const rows = await tfjsRows(ctx);
  const torch = torchRow(ctx);
  if (torch) rows.push(torch);
  const torchMs = torch?.run.medianMs;
  const table = rows.map(({ label, run: r }) => [
    label,
    r.medianMs.toFixed(0),
    r.minMs.toFixed(0),
    String(r.samples.length),
    r.firstLoss.toFixed(3),
    torchMs ? `${(r.medianMs / torchMs).toFixed(2)}x` : '-',
  ]);
  ctx.log(`\n${formatTable(['run', 'ms/step (median)', 'min', 'steps', 'first loss', 'vs torch'], table)}`);
  const ours = rows.find((r) => r.label === 'tfjs wasm');
  const theirs = rows.find((r) => r.label.startsWith('tfjs wasm, tfjs own'));
  if (ours && theirs) {
    const [median, best] = [theirs.run.medianMs / ours.run.medianMs, theirs.run.minMs / ours.run.minMs];
    ctx.log(`\nwasm step with vadapter's BatchMatMul: ${median.toFixed(1)}x faster than with tfjs's own (medians), ${best.toFixed(1)}x (best steps)`);
  }
}

export const benchmark: Benchmark = {
  name: 'transformer-step',
  description: 'training step of a 4-layer transformer (batch 8, seq 64, width 256) per backend, beside PyTorch',
  run,
};

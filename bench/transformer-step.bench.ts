// The fixed transformer training step (4 layers, batch 8, seq 64, width 256) on each
// available backend, tfjs's own wasm kernels for comparison, wasm on 1 and 2 threads (with the
// native kernels where they load, and with the wasm backend's own) beside PyTorch on 1 and 2, and a
// per-kernel profile of the wasm step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, type BackendName } from '../src/backend/index.ts';
import { nativeStatus, withoutNative } from '../src/backend/wasm/native.ts';
import { withOriginalWasmKernel } from '../src/backend/wasm/register.ts';
import { formatTable } from '../src/cli/output.ts';
import { formatProfile, profileKernels } from './kernel-profile.ts';
import type { Benchmark, BenchContext } from './registry.ts';
import type { TimingPlan } from './timing.ts';
import { findTorchPython, runTorchScript } from './torch/runner.ts';
import { TRANSFORMER_STEP } from './transformer/config.ts';
import { runSteps, type StepRun } from './transformer/step.ts';

const THREAD_COUNTS = [1, 2]; // wasm (in this process on 1, in a child on 2) and torch each at both
const STEP_PROCESS = fileURLToPath(new URL('./transformer/step-process.ts', import.meta.url));
const SLOW = ['cpu']; // ~80 s a step here: only when --backends names it

interface Row {
  label: string;
  run: StepRun;
  threads?: number; // compared with torch at the same count
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
    await initBackend(backend, 1);
    const profile = async (step: () => void) => ctx.log(formatProfile(await profileKernels(step)));
    if (backend !== 'wasm') {
      rows.push({ label: `tfjs ${backend}`, run: await runSteps(plan(ctx, backend)) });
      continue;
    }
    const native = nativeStatus().active;
    ctx.log(`native kernels: ${nativeStatus().detail}\n`);
    ctx.log('per-kernel profile of one wasm step (vadapter kernels):\n');
    const kernels = (native: boolean) => (native ? 'native kernels' : 'wasm kernels');
    rows.push({ label: wasmLabel(1, kernels(native)), run: await runSteps(plan(ctx, backend), profile), threads: 1 });
    if (native) rows.push({ label: wasmLabel(1, kernels(false)), run: await withoutNative(() => runSteps(plan(ctx, backend))), threads: 1 });
    if (!ctx.quick) {
      const run = await withOriginalWasmKernel('BatchMatMul', () => runSteps({ warmup: 1, minSteps: 1, minSeconds: 0 }));
      rows.push({ label: wasmLabel(1, "tfjs's own BatchMatMul"), run, threads: 1 });
    }
    for (const n of THREAD_COUNTS.filter((t) => t > 1)) {
      rows.push(wasmInChild(ctx, n, kernels(native), native ? {} : { VADAPTER_NATIVE: 'off' }));
      if (native) rows.push(wasmInChild(ctx, n, kernels(false), { VADAPTER_NATIVE: 'off' }));
    }
  }
  return rows;
}

const wasmLabel = (threads: number, kernels: string) => `tfjs wasm, ${threads} thread${threads > 1 ? 's' : ''}, ${kernels}`;

function wasmInChild(ctx: BenchContext, threads: number, kernels: string, env: NodeJS.ProcessEnv): Row {
  const r = spawnSync(process.execPath, ['--import', 'tsx', STEP_PROCESS, JSON.stringify(plan(ctx, 'wasm'))], {
    env: { ...process.env, ...env, VADAPTER_THREADS: String(threads) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`wasm on ${threads} threads failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as StepRun & { threads: number };
  if (run.threads !== threads) throw new Error(`wasm asked for ${threads} threads ran ${run.threads}`);
  return { label: wasmLabel(threads, kernels), run, threads };
}

function torchRows(ctx: BenchContext): Row[] {
  const found = findTorchPython();
  if ('unavailable' in found) {
    ctx.log(`torch: not available (${found.unavailable})`);
    return [];
  }
  const steps = ctx.quick ? '1' : '10';
  return THREAD_COUNTS.map((threads) => {
    const out = runTorchScript<{ torch: string; stepMs: number[]; firstLoss: number }>(found.python, 'transformer_step.py', ['--threads', String(threads), '--steps', steps]);
    const sorted = [...out.stepMs].sort((a, b) => a - b);
    const run = { medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], samples: out.stepMs, firstLoss: out.firstLoss };
    return { label: `torch ${out.torch}, ${threads} thread${threads > 1 ? 's' : ''} (${found.python})`, run, threads };
  });
}

async function run(ctx: BenchContext): Promise<void> {
  const c = TRANSFORMER_STEP;
  ctx.log(`model: ${c.layers} layers, batch ${c.batch}, seq ${c.seq}, width ${c.width}, ${c.heads} heads, mlp ${c.mlp}, vocab ${c.vocab}; AdamW\n`);
  const rows = await tfjsRows(ctx);
  const torch = torchRows(ctx);
  rows.push(...torch);
  // each run against torch at its own thread count (a backend without a count: torch on 1)
  const torchMs = (threads = 1) => torch.find((t) => t.threads === threads)?.run.medianMs;
  const table = rows.map(({ label, run: r, threads }) => [
    label,
    r.medianMs.toFixed(0),
    r.minMs.toFixed(0),
    String(r.samples.length),
    r.firstLoss.toFixed(3),
    torchMs(threads) ? `${(r.medianMs / torchMs(threads)!).toFixed(2)}x` : '-',
  ]);
  ctx.log(`\n${formatTable(['run', 'ms/step (median)', 'min', 'steps', 'first loss', 'vs torch (same threads)'], table)}`);
  const ms = (label: string) => rows.find((r) => r.label === label)?.run;
  const speedup = (what: string, slow: string, fast: string) => {
    const [s, f] = [ms(slow), ms(fast)];
    if (s && f) ctx.log(`${what}: ${(s.medianMs / f.medianMs).toFixed(2)}x the speed (medians), ${(s.minMs / f.minMs).toFixed(2)}x (best steps)`);
  };
  ctx.log('');
  for (const kernels of ['native', 'wasm']) speedup(`wasm with ${kernels} kernels, 2 threads against 1`, wasmLabel(1, `${kernels} kernels`), wasmLabel(2, `${kernels} kernels`));
  for (const threads of THREAD_COUNTS) speedup(`wasm on ${threads} thread${threads > 1 ? 's' : ''}, native kernels against wasm kernels`, wasmLabel(threads, 'wasm kernels'), wasmLabel(threads, 'native kernels'));
  speedup("wasm, vadapter's BatchMatMul (XNNPACK) against tfjs's own", wasmLabel(1, "tfjs's own BatchMatMul"), wasmLabel(1, 'wasm kernels'));
}

export const benchmark: Benchmark = {
  name: 'transformer-step',
  description: 'training step of a 4-layer transformer (batch 8, seq 64, width 256) per backend, beside PyTorch',
  run,
};

// Kernels the wasm backend lacks or runs wrongly or slowly, registered before it is first used.
// docs/backends.md says why each is here.
import { BatchMatMul, Conv2DBackpropFilter, Einsum, GatherV2, getKernel, Identity, Pow, Sum, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { fusedAdamWConfig } from './adamw.ts';
import { fusedGeluConfig, fusedGeluGradConfig } from './gelu.ts';
import { fusedLayerNormConfig, fusedLayerNormGradConfig } from './layer-norm.ts';
import { batchMatMulConfig } from './batch-mat-mul.ts';
import { cpuFallbackConfig } from './cpu-fallback.ts';
import { gatherV2Config } from './gather-v2.ts';
import { identityConfig } from './identity.ts';
import { powConfig } from './pow.ts';
import { sumConfig } from './sum.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/** Kernels the wasm backend has, replaced by a version built on the original. */
const OVERRIDES: Record<string, (original: KernelConfig) => KernelConfig> = {
  [BatchMatMul]: batchMatMulConfig,
  [GatherV2]: gatherV2Config,
  [Identity]: identityConfig,
  [Pow]: powConfig,
  [Sum]: sumConfig,
};

/** Kernels the wasm backend lacks (and vadapter's fused AdamW update, GELU and layer norm). */
const ADDED: KernelConfig[] = [fusedAdamWConfig, fusedGeluConfig, fusedGeluGradConfig, fusedLayerNormConfig, fusedLayerNormGradConfig, unsortedSegmentSumConfig, cpuFallbackConfig(Conv2DBackpropFilter), cpuFallbackConfig(Einsum)];

const originals = new Map<string, KernelConfig>();

function replaceKernel(config: KernelConfig): void {
  unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
}

/** Register the kernels above for 'wasm' (once; @tensorflow/tfjs-backend-wasm must be loaded). */
export function registerWasmKernels(): void {
  if (originals.size > 0) return;
  for (const [name, override] of Object.entries(OVERRIDES)) {
    const original = getKernel(name, 'wasm');
    originals.set(name, original);
    replaceKernel(override(original));
  }
  for (const config of ADDED) registerKernel(config);
}

/** Run `fn` with tfjs's own wasm kernel for `name` in place of ours (benchmarks and tests compare the two). */
export async function withOriginalWasmKernel<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const original = originals.get(name);
  if (!original) throw new Error(`no overridden wasm kernel named ${name}; overridden: ${[...originals.keys()].join(', ')}`);
  const ours = getKernel(name, 'wasm');
  replaceKernel(original);
  try {
    return await fn();
  } finally {
    replaceKernel(ours);
  }
}

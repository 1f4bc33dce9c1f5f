// Find out which backends can run here, and why not where they cannot. Each probe loads the
// backend's package only when asked, so a missing optional package costs nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './names.ts';

export interface BackendProbe {
  name: BackendName;
  available: boolean;
  reason?: string; // why not, when unavailable; what was found, when available
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].slice(0, 300);
}

async function probeTensorflow(): Promise<BackendProbe> {
  const failures: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
    } catch (err) {
      failures.push(`${pkg}: ${describe(err)}`);
      continue;
    }
    const found = tf.findBackend('tensorflow') as { isUsingGpuDevice?: boolean } | null;
    if (!found) {
      failures.push(`${pkg}: loaded but registered no "tensorflow" backend`);
      continue;
    }
    const gpu = found.isUsingGpuDevice === true;
    if (pkg.endsWith('-gpu') && !gpu) {
      failures.push(`${pkg}: loaded but sees no GPU`);
      continue;
    }
    return { name: 'tensorflow', available: true, reason: `${pkg} (${gpu ? 'GPU' : 'CPU'})` };
  }
  return { name: 'tensorflow', available: false, reason: failures.join('; ') };
}

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> };
}

/** Dawn prints a warning of its own when it cannot load Vulkan; look for the loader first. */
function findVulkanLoader(): string | undefined {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/lib/x86_64-linux-gnu',
    '/usr/local/lib',
  ];
  return dirs.map((d) => join(d, 'libvulkan.so.1')).find((p) => existsSync(p));
}

async function probeWebgpu(): Promise<BackendProbe> {
  if (process.platform === 'linux' && !findVulkanLoader()) {
    return { name: 'webgpu', available: false, reason: 'no Vulkan loader (libvulkan.so.1) found' };
  }
  let gpu: GpuNavigator['gpu'];
  try {
    const dawn = (await import('webgpu')) as unknown as { create(flags: string[]): GpuNavigator['gpu']; globals: object };
    Object.assign(globalThis, dawn.globals);
    gpu = dawn.create([]);
  } catch (err) {
    return { name: 'webgpu', available: false, reason: `webgpu package: ${describe(err)}` };
  }
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return { name: 'webgpu', available: false, reason: 'no WebGPU adapter (no Vulkan GPU driver found)' };
  const g = globalThis as unknown as { navigator?: GpuNavigator };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  const info = adapter.info ?? {};
  return { name: 'webgpu', available: true, reason: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') };
}

async function probeWasm(): Promise<BackendProbe> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return { name: 'wasm', available: false, reason: describe(err) };
  }
  if (typeof WebAssembly !== 'object') return { name: 'wasm', available: false, reason: 'WebAssembly is not available' };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { name: 'wasm', available: true, reason: simd ? 'SIMD' : 'no SIMD' };
}

async function probeCpu(): Promise<BackendProbe> {
  await import('@tensorflow/tfjs-backend-cpu');
  return { name: 'cpu', available: true, reason: 'plain JavaScript' };
}

const PROBES: Record<BackendName, () => Promise<BackendProbe>> = {
  tensorflow: probeTensorflow,
  webgpu: probeWebgpu,
  wasm: probeWasm,
  cpu: probeCpu,
};

const cache = new Map<BackendName, Promise<BackendProbe>>();

/** Probe one backend (once per process). */
export function probeBackend(name: BackendName): Promise<BackendProbe> {
  let found = cache.get(name);
  if (!found) {
    found = PROBES[name]();
    cache.set(name, found);
  }
  return found;
}

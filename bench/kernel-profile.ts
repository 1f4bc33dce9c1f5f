// Where the time of a tensor computation goes: tfjs's profiler timings summed by kernel name.
import * as tf from '@tensorflow/tfjs-core';
import { formatTable } from '../src/cli/output.ts';

export interface KernelTotal {
  name: string;
  calls: number;
  totalMs: number;
}

export interface KernelProfile {
  wallMs: number;
  kernels: KernelTotal[]; // by total time, largest first
}

export async function profileKernels(fn: () => unknown): Promise<KernelProfile> {
  const start = performance.now();
  const info = await tf.profile(async () => {
    await fn();
  });
  const wallMs = performance.now() - start;
  const totals = new Map<string, KernelTotal>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const t = totals.get(k.name) ?? { name: k.name, calls: 0, totalMs: 0 };
    t.calls++;
    t.totalMs += ms;
    totals.set(k.name, t);
  }
  return { wallMs, kernels: [...totals.values()].sort((a, b) => b.totalMs - a.totalMs) };
}

/** The `top` kernels by time with their share of the wall time, then the rest and the time outside kernels. */
export function formatProfile(profile: KernelProfile, top = 10): string {
  const share = (ms: number) => `${((100 * ms) / profile.wallMs).toFixed(1)}%`;
  const rows = profile.kernels.slice(0, top).map((k) => [k.name, String(k.calls), k.totalMs.toFixed(1), share(k.totalMs)]);
  const rest = profile.kernels.slice(top);
  const restMs = rest.reduce((s, k) => s + k.totalMs, 0);
  const inKernels = profile.kernels.reduce((s, k) => s + k.totalMs, 0);
  rows.push([`${rest.length} other kernels`, String(rest.reduce((s, k) => s + k.calls, 0)), restMs.toFixed(1), share(restMs)]);
  rows.push(['outside kernels (JS, tape, profiler)', '', (profile.wallMs - inKernels).toFixed(1), share(profile.wallMs - inKernels)]);
  return formatTable(['kernel', 'calls', 'total ms', 'share'], rows);
}

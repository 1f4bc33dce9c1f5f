// Time a repeated step: untimed warm-up runs, then timed runs until both a count and a duration are reached.
export interface Timing {
  medianMs: number;
  minMs: number;
  samples: number[];
}

export interface TimingPlan {
  warmup: number;
  minSteps: number;
  minSeconds: number;
}

export async function timeSteps(step: () => unknown, plan: TimingPlan): Promise<Timing> {
  for (let i = 0; i < plan.warmup; i++) await step();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < plan.minSteps || performance.now() - start < plan.minSeconds * 1000) {
    const t0 = performance.now();
    await step();
    samples.push(performance.now() - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0], samples };
}

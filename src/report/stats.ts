// The statistics of a comparison: EMA smoothing of one series, and the mean of several seeds with
// a band (min-max, or the 95% confidence interval of the mean from Student's t).

export type Band = 'ci95' | 'minmax' | 'none';
export const BANDS: readonly Band[] = ['ci95', 'minmax', 'none'];

/**
 * Debiased exponential moving average (TensorBoard's smoothing): e_i = w e_{i-1} + (1 - w) v_i from
 * e_{-1} = 0, divided by 1 - w^(i+1) so that the first value is v_0. w = 0 returns the values.
 */
export function ema(values: number[], weight: number): number[] {
  let acc = 0;
  let debias = 1;
  return values.map((v) => {
    acc = weight * acc + (1 - weight) * v;
    debias *= weight;
    return acc / (1 - debias);
  });
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n - 1 in the denominator). */
export function sampleSd(xs: number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

// t_{0.975, df} for df = 1..30 (the usual two-sided 95% table).
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** The 97.5% quantile of Student's t with `df` degrees of freedom (table to 30, then the Cornish-Fisher expansion around z). */
export function t975(df: number): number {
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

/** Mean of one point's seed values with its band; a single value has a zero-width band. */
export function summarize(values: number[], band: Band): { mean: number; lo: number; hi: number } {
  const m = mean(values);
  if (band === 'none' || values.length < 2) return { mean: m, lo: m, hi: m };
  if (band === 'minmax') return { mean: m, lo: Math.min(...values), hi: Math.max(...values) };
  const half = (t975(values.length - 1) * sampleSd(values)) / Math.sqrt(values.length);
  return { mean: m, lo: m - half, hi: m + half };
}

// The few Python / numpy behaviours that the reference evaluation scripts depend on, so that
// vadapter's numbers come out the same to the last bit where the arithmetic allows it.

/** Characters Python 3's str.split() / str.strip() treat as whitespace (str.isspace). */
const PY_WHITESPACE = '\\t\\n\\u000B\\u000C\\r\\u001C-\\u001F \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const PY_SPLIT = new RegExp(`[${PY_WHITESPACE}]+`, 'u');
const PY_STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, 'gu');

/** Python's `s.split()` (no argument): split on whitespace runs, no empty strings. */
export function pySplit(s: string): string[] {
  const stripped = pyStrip(s);
  return stripped.length === 0 ? [] : stripped.split(PY_SPLIT);
}

/** Python's `s.strip()` (no argument). */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

const PAIRWISE_BLOCK = 128; // numpy's PW_BLOCKSIZE

/**
 * numpy's pairwise summation of float64 (the inner loop of np.add.reduce, hence np.sum and
 * np.mean): below 8 values a plain loop, up to 128 eight interleaved accumulators, above that
 * the halves (rounded to a multiple of 8) summed recursively.
 */
export function numpySum(values: ArrayLike<number>, start = 0, count = values.length - start): number {
  if (count < 8) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += values[start + i];
    return sum;
  }
  if (count <= PAIRWISE_BLOCK) {
    const r = Array.from({ length: 8 }, (_, j) => values[start + j]);
    let i = 8;
    for (; i < count - (count % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    }
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < count; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return numpySum(values, start, half) + numpySum(values, start + half, count - half);
}

/** np.mean of a 1-D float64 array: the pairwise sum divided by the count. */
export function numpyMean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}

/** Python's builtin sum() over floats as Python <= 3.11 does it: left to right from 0. */
export function pySum(values: Iterable<number>): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

/**
 * Python 3's round(x, digits): the decimal nearest to the exact binary value of x, and on an
 * exact tie the one with an even last digit. toFixed already rounds the exact value; only exact
 * ties differ (toFixed rounds them up). x * 10^digits sits exactly halfway between two integers
 * iff x * 2^(digits + 1) is an odd integer, which is exact to test (a power-of-two scaling).
 */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const doubled = x * 2 ** (digits + 1);
  if (Number.isInteger(doubled) && Math.abs(doubled % 2) === 1) {
    const scaled = x * 10 ** digits; // k + 0.5, exactly representable at these magnitudes
    const below = Math.floor(scaled);
    const even = below % 2 === 0 ? below : below + 1;
    return even / 10 ** digits;
  }
  return Number(x.toFixed(digits));
}

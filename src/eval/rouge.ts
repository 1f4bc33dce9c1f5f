// ROUGE-L as pycocoevalcap's rouge.py computes it: the longest common subsequence (LCS) of
// candidate and each reference, precision = LCS / |candidate| and recall = LCS / |reference|,
// the maxima of each over the references (taken separately), combined as an F-measure with
// beta = 1.2. Sentences are split on single spaces, so an empty sentence is one empty token.

const BETA = 1.2;

export function rougeL(candidate: string, references: string[]): number {
  const cand = candidate.split(' ');
  let bestPrecision = 0;
  let bestRecall = 0;
  for (const reference of references) {
    const ref = reference.split(' ');
    const lcs = lcsLength(ref, cand);
    bestPrecision = Math.max(bestPrecision, lcs / cand.length);
    bestRecall = Math.max(bestRecall, lcs / ref.length);
  }
  if (bestPrecision === 0 || bestRecall === 0) return 0;
  return ((1 + BETA ** 2) * bestPrecision * bestRecall) / (bestRecall + BETA ** 2 * bestPrecision);
}

/** Length of the longest common subsequence of two token lists (dynamic programming, two rows). */
export function lcsLength(a: string[], b: string[]): number {
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

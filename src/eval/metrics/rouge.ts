/**
 * ROUGE-L as pycocoevalcap computes it: longest common subsequence of tokens, precision and recall each taken
 * as the best over the references (separately), combined as an F-measure with beta 1.2; the corpus score is
 * the mean over images.
 */

export const ROUGE_BETA = 1.2;

/** Length of the longest common subsequence of two token lists (two-row dynamic programme). */
export function longestCommonSubsequence(a: readonly string[], b: readonly string[]): number {
  if (a.length < b.length) [a, b] = [b, a];
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

export function rougeL(
  candidate: readonly string[],
  references: readonly (readonly string[])[],
  beta = ROUGE_BETA,
): number {
  if (candidate.length === 0 || references.length === 0) return 0;
  let bestPrecision = 0;
  let bestRecall = 0;
  for (const reference of references) {
    if (reference.length === 0) continue;
    const common = longestCommonSubsequence(reference, candidate);
    bestPrecision = Math.max(bestPrecision, common / candidate.length);
    bestRecall = Math.max(bestRecall, common / reference.length);
  }
  if (bestPrecision === 0 || bestRecall === 0) return 0;
  return ((1 + beta ** 2) * bestPrecision * bestRecall) / (bestRecall + beta ** 2 * bestPrecision);
}

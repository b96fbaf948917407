/** Small summary statistics shared by the evaluations and the benchmark. */

/** The p-th percentile (0..100) by linear interpolation between closest ranks (numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

export interface LatencySummary {
  medianMs: number;
  p95Ms: number;
  meanMs: number;
}

export function summariseLatency(milliseconds: readonly number[]): LatencySummary {
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    medianMs: round(percentile(milliseconds, 50)),
    p95Ms: round(percentile(milliseconds, 95)),
    meanMs: round(mean(milliseconds)),
  };
}

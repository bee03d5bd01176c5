/** One look at how much of a drive is used. */
export interface UsageSample {
  /** When it was taken (ms since epoch). */
  at: number;
  usedBytes: number;
}

/**
 * How fast a drive fills, in bytes per ms: the slope of the least-squares line of used bytes over
 * time, which smooths the jitter of single readings. Null when usage is not growing or the samples
 * cannot show a trend (fewer than two distinct times). The agent (drive filling) and the dashboard
 * (time to full) both project from it.
 */
export function fillRate(samples: readonly UsageSample[]): number | null {
  if (samples.length < 2) return null;
  // Centre the times: epoch milliseconds squared lose precision in a double.
  const meanAt = samples.reduce((sum, s) => sum + s.at, 0) / samples.length;
  const meanUsed = samples.reduce((sum, s) => sum + s.usedBytes, 0) / samples.length;
  let covariance = 0;
  let variance = 0;
  for (const s of samples) {
    covariance += (s.at - meanAt) * (s.usedBytes - meanUsed);
    variance += (s.at - meanAt) ** 2;
  }
  if (variance === 0) return null;
  const bytesPerMs = covariance / variance;
  return bytesPerMs > 0 ? bytesPerMs : null;
}

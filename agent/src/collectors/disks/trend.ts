/** One look at a drive's usage, for the trend. */
export interface UsageSample {
  /** When it was taken (ms since epoch). */
  at: number;
  usedBytes: number;
}

/**
 * Fewer samples than this say nothing about a trend: two readings around one large copy would
 * look like a drive filling fast.
 */
export const MIN_TREND_SAMPLES = 3;

/**
 * Milliseconds from the latest sample until used bytes reach `totalBytes`, following the
 * least-squares line of used bytes over time; `null` when usage is not growing or the samples
 * cannot show a trend (fewer than two distinct times).
 *
 * The rate comes from the fit (it smooths the jitter of single readings) but the projection
 * starts from the latest reading, which is the best estimate of where the drive is now.
 */
export function projectTimeToFull(samples: readonly UsageSample[], totalBytes: number): number | null {
  const latest = samples.reduce<UsageSample | undefined>((last, s) => (last === undefined || s.at >= last.at ? s : last), undefined);
  if (latest === undefined) return null;
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
  if (!(bytesPerMs > 0)) return null;
  return Math.max(0, (totalBytes - latest.usedBytes) / bytesPerMs);
}

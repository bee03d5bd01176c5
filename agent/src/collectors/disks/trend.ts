import { fillRate, type UsageSample } from '@vigil/proto/trend';

export type { UsageSample };

/**
 * Fewer samples than this say nothing about a trend: two readings around one large copy would
 * look like a drive filling fast.
 */
export const MIN_TREND_SAMPLES = 3;

/**
 * Nor do samples that span less than this many minutes, whatever their number: on a shared disk
 * another machine's copy of a few minutes made every agent forecast a full drive within a minute.
 */
export const DEFAULT_MIN_SPAN_MINUTES = 30;

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
  const bytesPerMs = fillRate(samples);
  if (latest === undefined || bytesPerMs === null) return null;
  return Math.max(0, (totalBytes - latest.usedBytes) / bytesPerMs);
}

import { fillRate } from '@vigil/proto/trend';

/** How far back the time-to-full trend looks. */
export const TREND_WINDOW_MS = 24 * 3_600_000;
/** Charts get at most this many points per series; the store buckets the rest away. */
export const MAX_CHART_POINTS = 500;

const DAY_MS = 86_400_000;

/**
 * Days until a drive is full, from the least-squares slope of its used bytes over time.
 * Null when the drive is not filling (flat or shrinking), or when there are too few readings,
 * or too short a span, to call it a trend.
 */
export function daysToFull(points: ReadonlyArray<{ time: number; usedBytes: number }>, freeBytes: number): number | null {
  const bytesPerMs = fillRate(points.map((p) => ({ at: p.time, usedBytes: p.usedBytes })));
  if (bytesPerMs === null) return null;
  if (freeBytes <= 0) return 0;
  return freeBytes / bytesPerMs / DAY_MS;
}

/** Bucket width that keeps a [from, to] chart at or under MAX_CHART_POINTS per series. */
export function bucketWidth(from: number, to: number): number {
  return Math.max(1, Math.ceil((to - from + 1) / MAX_CHART_POINTS));
}

export function usedPercent(totalBytes: number, freeBytes: number): number {
  if (!(totalBytes > 0)) return 0;
  return Math.round(((totalBytes - freeBytes) / totalBytes) * 10_000) / 100;
}

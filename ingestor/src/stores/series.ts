import type { FieldValue, FleetTags, SeriesRow, TelemetryPoint } from './telemetry-store.js';

/** The tags every point carries; a row returned by `query` leaves them out. */
export const FLEET_TAG_KEYS: readonly (keyof FleetTags)[] = ['recorder', 'installation', 'site', 'reseller'];

/** The series tags of a point (its own tags, without the fleet's; an empty tag is no tag, as in InfluxDB). */
export function seriesTags(tags: Record<string, string>): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (value !== '' && !(FLEET_TAG_KEYS as readonly string[]).includes(key)) own[key] = value;
  }
  return own;
}

/**
 * One string per series: measurement plus every tag, sorted by key, with empty tags left out
 * (InfluxDB drops a tag whose value is empty, so a '' reseller and no reseller are one series there too).
 */
export function seriesKey(point: Pick<TelemetryPoint, 'measurement' | 'tags'>): string {
  const tags = Object.entries(point.tags)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([point.measurement, ...tags]);
}

export function tagsMatch(tags: Record<string, string>, where: Record<string, string> | undefined): boolean {
  if (!where) return true;
  return Object.entries(where).every(([key, value]) => (tags[key] ?? '') === value);
}

function tagsOrder(a: Record<string, string>, b: Record<string, string>): number {
  const x = JSON.stringify(Object.entries(a).sort());
  const y = JSON.stringify(Object.entries(b).sort());
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The contract's order: by time, then by series tags. */
export function sortRows(rows: SeriesRow[]): SeriesRow[] {
  return rows.sort((a, b) => a.time - b.time || tagsOrder(a.tags, b.tags));
}

/** Larger wins; for min/max of numbers and booleans (false < true). Strings never compare. */
export function isGreater(a: FieldValue, b: FieldValue): boolean {
  if (typeof a === 'string' || typeof b === 'string') return false;
  return Number(a) > Number(b);
}

/** Bucket start for a time, aligned to the epoch as InfluxQL's GROUP BY time() does. */
export function bucketOf(time: number, every: number): number {
  return time - (((time % every) + every) % every);
}

import { READ_MODEL_VIEWS as V } from '@vigil/ingestor';

/**
 * A problem's message is written once, when it is raised ("D:\ is 96.0% full"); the reading it
 * speaks of keeps changing. For problems whose subject has a live reading the API adds `current`,
 * the latest one, so the page can show it beside the raise-time message (docs/DESIGN.md, Fleet state).
 */
export interface CurrentValue {
  /** Disk problems: the drive's latest reading. */
  usedPercent?: number;
  freeBytes?: number;
  totalBytes?: number;
  /** When the drive was last read (ms). */
  at?: number;
  /**
   * Disk problems on the recorder's own page only: days until full at the trend of the last 24 h,
   * null when the drive is not filling. Absent when unknown (the list does not compute trends).
   */
  daysToFull?: number | null;
  /** Licence problems: cameras in use and licensed, from the latest licence reading. */
  cameras?: number;
  licensed?: number;
}

/** Codes whose subject is a drive path (the disk collector's conditions; a log's drive-full event may name one too). */
export const DISK_CODES = ['drive-full', 'drive-filling'] as const;
export const LICENCE_CODES = ['licence-overrun'] as const;

const quoted = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(', ');

/**
 * SQL giving a problem's current value as JSON text, or NULL when it has none, from the SQL of its
 * recorder id, code and subject. fleet.db is attached as `fleet`. Rounded as the disk card rounds
 * (disk-trend.ts usedPercent), so both say the same figure.
 */
export function currentValueSql(recorderId: string, code: string, subject: string): string {
  return `CASE
    WHEN ${code} IN (${quoted(DISK_CODES)}) THEN (SELECT json_object(
        'usedPercent', round((d.total_bytes - d.free_bytes) * 100.0 / d.total_bytes, 2),
        'freeBytes', d.free_bytes, 'totalBytes', d.total_bytes, 'at', d.at)
      FROM fleet.${V.disks} d WHERE d.recorder_id = ${recorderId} AND d.path = ${subject} AND d.total_bytes > 0)
    WHEN ${code} IN (${quoted(LICENCE_CODES)}) THEN (SELECT json_object('cameras', x.camera_count, 'licensed', x.licensed_cameras)
      FROM fleet.${V.recorders} x WHERE x.id = ${recorderId} AND x.licensed_cameras + x.camera_count > 0)
  END`;
}

/**
 * A problem object (SQL json_object text) with `current` added when there is one: a JSON merge
 * patch drops a key whose value is null, so problems without a reading carry no `current` at all.
 */
export function withCurrentJson(problemJson: string, recorderId: string, code: string, subject: string): string {
  return `json_patch(${problemJson}, json_object('current', json(${currentValueSql(recorderId, code, subject)})))`;
}

/** A row from the JS path's queries (column `current`: JSON text or NULL) as the list's SQL gives it. */
export function attachCurrent<T extends { current?: unknown }>(row: T): Omit<T, 'current'> & { current?: CurrentValue } {
  const { current, ...rest } = row;
  return typeof current === 'string' ? { ...rest, current: JSON.parse(current) as CurrentValue } : rest;
}

export const isDiskCode = (code: string): boolean => (DISK_CODES as readonly string[]).includes(code);

/**
 * The recorder's own page adds time to full to its disk problems, from the trends its disk cards
 * use (store.diskTrends): a "full in about 1 h" raised before the drive was freed then reads "not
 * filling". Drives without a computed trend (no time-series store) get none.
 */
export function withTrends<T extends { code: string; subject: string; current?: CurrentValue }>(
  problems: T[],
  trends: ReadonlyMap<string, number | null>,
): T[] {
  return problems.map((p) =>
    p.current && isDiskCode(p.code) && trends.has(p.subject) ? { ...p, current: { ...p.current, daysToFull: trends.get(p.subject) ?? null } } : p,
  );
}

import { READ_MODEL_VIEWS as V } from '@vigil/ingestor';
import type Database from 'better-sqlite3';
import { type AvailabilityScope, type DashboardStore, type User, visibleSlc } from './store.js';

/**
 * Availability of many targets at once (the availability view's table) and of one target per
 * day (its chart), with the rules of availability.ts: online or degraded is up, unavailable or
 * offline is down, a graceful stop is planned and counts neither way, nor does time before a
 * recorder's first state change. Built to answer for 10,000 recorders over 30 days within
 * 200 ms (bench/dashboard/availability.ts): one row per recorder, its state at `from` and its
 * changes in the window packed by SQLite into one string (`since × 4 + kind`, read through the
 * state_changes_recorder index, in time order). Turning 130,000 state changes into JS rows cost
 * five times as much, and SQLite's window functions (LEAD) more still.
 */

export type Grouping = AvailabilityScope;
export const GROUPINGS: readonly Grouping[] = ['recorder', 'site', 'installation', 'reseller'];

export interface AvailabilityListRow {
  /** Recorder id; site as `SLC/site id`; installation SLC; reseller user name: what GET /api/availability takes as `id`. */
  id: string;
  name: string;
  installation?: { slc: string; name: string };
  site?: { id: string; name: string };
  recorders: number;
  availablePercent: number | null;
  upMs: number;
  downMs: number;
  plannedMs: number;
  /** Periods in a down state (unavailable, offline), each recorder's counted separately. */
  outages: number;
  longestOutageMs: number;
  /** Periods stopped gracefully. */
  plannedStops: number;
}

export interface DayAvailability {
  /** The local date, YYYY-MM-DD, in the asked time zone. */
  day: string;
  /** The part of that day inside the range. */
  start: number;
  end: number;
  availablePercent: number | null;
  upMs: number;
  downMs: number;
  plannedMs: number;
}

const UP = 1;
const DOWN = 2;
const PLANNED = 3;
/** The state as a number (0: not known), in SQL, so SQLite packs it with the time. */
const KIND_SQL = (column: string) =>
  `CASE ${column} WHEN 'online' THEN ${UP} WHEN 'degraded' THEN ${UP} WHEN 'unavailable' THEN ${DOWN} WHEN 'offline' THEN ${DOWN} WHEN 'stopped' THEN ${PLANNED} ELSE 0 END`;

type Visit = (kind: number, start: number, stop: number) => void;

/**
 * Visits each period of one recorder's timeline inside [from, end), cut as recorderAvailability
 * cuts them: `prior` is its state at `from` (0 when it was not known yet), `packed` its changes in
 * [from, to] as comma-separated `since × 4 + kind`, oldest first (null when none).
 */
function fold(prior: number, packed: string | null, from: number, end: number, visit: Visit): void {
  let kind = prior;
  let since = from;
  if (packed !== null) {
    let values = packed.split(',').map(Number);
    // SQLite concatenates in the order of the index scan, (recorder_id, since); an explicit ORDER BY
    // in group_concat cost a sorter per recorder (a third of the query), so the order is checked here.
    if (values.some((v, i) => i > 0 && v < values[i - 1]!)) values = values.sort((a, b) => a - b);
    for (const value of values) {
      const next = Math.floor(value / 4);
      if (kind !== 0) {
        const start = Math.max(since, from);
        const stop = Math.min(next, end);
        if (stop > start) visit(kind, start, stop);
      }
      kind = value - next * 4;
      since = next;
    }
  }
  if (kind !== 0) {
    const start = Math.max(since, from);
    if (end > start) visit(kind, start, end);
  }
}

const percent = (up: number, down: number): number | null => (up + down === 0 ? null : (up / (up + down)) * 100);

/** Per grouping: the row's key, name and what else it shows, from a recorder `r` (and its holder `u`). */
const COLUMNS: Record<Grouping, string> = {
  recorder: `r.id AS key, r.name AS name, r.installation_slc AS slc, r.installation_name AS installationName, r.site_id AS siteId, r.site_name AS siteName`,
  site: `r.installation_slc || '/' || r.site_id AS key, r.site_name AS name, r.installation_slc AS slc, r.installation_name AS installationName`,
  installation: 'r.installation_slc AS key, r.installation_name AS name',
  reseller: 'u.username AS key, u.username AS name',
};

interface PackedRow {
  key: string | null;
  name: string;
  slc?: string;
  installationName?: string;
  siteId?: string;
  siteName?: string;
  prior: number;
  packed: string | null;
}

/** Prepared once per reader connection, which outlives every request. */
const prepared = new WeakMap<Database.Database, ReturnType<typeof prepare>>();

function prepare(reader: Database.Database) {
  const visible = visibleSlc('r.installation_slc');
  const timeline = `(SELECT ${KIND_SQL('p.state')} FROM fleet.${V.stateChanges} p WHERE p.recorder_id = r.id AND p.since < @from ORDER BY p.since DESC LIMIT 1) AS prior,
    (SELECT group_concat(sc.since * 4 + ${KIND_SQL('sc.state')}) FROM fleet.${V.stateChanges} sc
      WHERE sc.recorder_id = r.id AND sc.since BETWEEN @from AND @to) AS packed`;
  const holder = 'LEFT JOIN main.installations i ON i.slc = r.installation_slc LEFT JOIN main.users u ON u.id = i.reseller_id';
  const list = (by: Grouping) => reader.prepare(`SELECT ${COLUMNS[by]}, ${timeline} FROM fleet.${V.recorders} r ${holder} WHERE ${visible}`);
  return {
    list: Object.fromEntries(GROUPINGS.map((by) => [by, list(by)])) as Record<Grouping, Database.Statement>,
    of: reader.prepare(`SELECT r.id AS key, ${timeline} FROM fleet.${V.recorders} r WHERE r.id IN (SELECT value FROM json_each(@ids))`),
  };
}

function statements(store: DashboardStore) {
  let q = prepared.get(store.reader);
  if (!q) {
    q = prepare(store.reader);
    prepared.set(store.reader, q);
  }
  return q;
}

/**
 * Every recorder, site, installation or reseller the caller may see, with its availability over
 * [from, to], worst first. A reseller sees its own fleet only, and in the `reseller` grouping only
 * itself; recorders of installations no reseller holds are in no reseller's row.
 */
export function availabilityList(store: DashboardStore, user: User, by: Grouping, from: number, to: number, now = Date.now()): AvailabilityListRow[] {
  const end = Math.min(to, now);
  const recorders = statements(store).list[by].all({ ...store.tenancyOf(user), from, to }) as PackedRow[];
  const rows = new Map<string, AvailabilityListRow>();
  if (by === 'reseller' && user.role === 'reseller') rows.set(user.username, emptyRow(user.username, user.username));
  for (const r of recorders) {
    if (r.key === null) continue;
    let row = rows.get(r.key);
    if (!row) {
      row = emptyRow(r.key, r.name);
      if (r.slc !== undefined) row.installation = { slc: r.slc, name: r.installationName ?? '' };
      if (r.siteId !== undefined) row.site = { id: r.siteId, name: r.siteName ?? '' };
      rows.set(r.key, row);
    }
    row.recorders++;
    const totals = row;
    fold(r.prior ?? 0, r.packed, from, end, (kind, start, stop) => {
      const ms = stop - start;
      if (kind === UP) totals.upMs += ms;
      else if (kind === DOWN) {
        totals.downMs += ms;
        totals.outages++;
        if (ms > totals.longestOutageMs) totals.longestOutageMs = ms;
      } else {
        totals.plannedMs += ms;
        totals.plannedStops++;
      }
    });
  }
  const list = [...rows.values()];
  for (const row of list) row.availablePercent = percent(row.upMs, row.downMs);
  const worst = (p: number | null) => p ?? Number.POSITIVE_INFINITY;
  return list.sort((a, b) => worst(a.availablePercent) - worst(b.availablePercent) || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
}

function emptyRow(id: string, name: string): AvailabilityListRow {
  return { id, name, recorders: 0, availablePercent: null, upMs: 0, downMs: 0, plannedMs: 0, outages: 0, longestOutageMs: 0, plannedStops: 0 };
}

/** Whether `timeZone` is an IANA name this Node knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Local midnights in `timeZone` from the day holding `from` up to the one after `to`'s, each with its date. */
export function dayStarts(from: number, to: number, timeZone: string): Array<{ day: string; start: number }> {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const fields = (t: number) => {
    const f: Record<string, number> = {};
    for (const part of format.formatToParts(t)) if (part.type !== 'literal') f[part.type] = Number(part.value);
    return f as { year: number; month: number; day: number; hour: number; minute: number; second: number };
  };
  // Local wall time minus UTC at t.
  const offset = (t: number) => {
    const f = fields(t);
    return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - (t - (((t % 1000) + 1000) % 1000));
  };
  const midnight = (year: number, month: number, day: number) => {
    const wall = Date.UTC(year, month - 1, day);
    const guess = wall - offset(wall);
    return wall - offset(guess);
  };
  const first = fields(from);
  const days: Array<{ day: string; start: number }> = [];
  for (let n = 0; ; n++) {
    const date = new Date(Date.UTC(first.year, first.month - 1, first.day + n));
    const start = midnight(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    days.push({ day: date.toISOString().slice(0, 10), start });
    if (start > to) return days;
  }
}

/**
 * Availability of one target (as GET /api/availability names it, within the caller's scope: out
 * of scope throws NotFound) per local day of `timeZone` over [from, to]; the first and last days
 * are the parts inside the range.
 */
export function dailyAvailability(
  store: DashboardStore,
  user: User,
  scope: AvailabilityScope,
  id: string,
  from: number,
  to: number,
  timeZone: string,
  now = Date.now(),
): { recorders: number; days: DayAvailability[] } {
  const ids = store.availabilityTargetOf(user, scope, id);
  const end = Math.min(to, now);
  const bounds = dayStarts(from, to, timeZone);
  const days: DayAvailability[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = Math.max(bounds[i]!.start, from);
    const stop = Math.min(bounds[i + 1]!.start, to);
    if (stop > start || (i === 0 && stop === start))
      days.push({ day: bounds[i]!.day, start, end: stop, availablePercent: null, upMs: 0, downMs: 0, plannedMs: 0 });
  }
  const visit: Visit = (kind, start, stop) => {
    // A period may span days: add its part to each.
    for (let d = lastDayAtOrBefore(days, start); d < days.length && days[d]!.start < stop; d++) {
      const day = days[d]!;
      const ms = Math.min(stop, day.end) - Math.max(start, day.start);
      if (ms <= 0) continue;
      if (kind === UP) day.upMs += ms;
      else if (kind === DOWN) day.downMs += ms;
      else day.plannedMs += ms;
    }
  };
  for (const r of statements(store).of.all({ ids: JSON.stringify(ids), from, to }) as PackedRow[]) fold(r.prior ?? 0, r.packed, from, end, visit);
  for (const day of days) day.availablePercent = percent(day.upMs, day.downMs);
  return { recorders: ids.length, days };
}

/** The index of the last day starting at or before t (0 when none). */
function lastDayAtOrBefore(days: readonly DayAvailability[], t: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]!.start <= t) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

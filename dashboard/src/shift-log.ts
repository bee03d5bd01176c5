import type Database from 'better-sqlite3';
import { READ_MODEL_VIEWS, type RecorderStateName } from '@vigil/ingestor';
import { BadRequest, type DashboardStore, type User } from './store.js';

/**
 * The shift log (docs/DESIGN.md "Shift log"): what happened in a period at the installations the
 * caller may see, newest first. Every source is read with one query over the period (indexed:
 * state changes and problem history by recorder and time, acknowledgements by time), then merged
 * here; nothing is stored but when each user last looked.
 */

/** dashboard.db: when each user last marked the shift log as seen; indexes for reading acknowledgements by time. */
export const SHIFT_LOG_TABLES = `
CREATE TABLE IF NOT EXISTS shift_log_seen (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS acknowledgements_at ON acknowledgements (at);
CREATE INDEX IF NOT EXISTS alert_acks_at ON alert_acks (at);
`;

export type ShiftLogKind = 'problem' | 'outage' | 'site-outage' | 'acknowledgement' | 'alert-acknowledgement';
export const SHIFT_LOG_KINDS: readonly ShiftLogKind[] = ['problem', 'outage', 'site-outage', 'acknowledgement', 'alert-acknowledgement'];

interface Where {
  installation: { slc: string; name: string };
  site: { id: string; name: string };
  /** Null for what concerns a whole site. */
  recorder: { id: string; name: string } | null;
}

interface Span {
  start: number;
  /** Null: still so (at the end of the period, or now). */
  end: number | null;
  /** Up to its end, or up to now while it lasts. */
  durationMs: number;
}

export type ShiftLogEntry = Where & {
  /** When it happened within the period (the log's order): its end if it ended in the period, else its start; an acknowledgement's time. */
  at: number;
} & (
    | (Span & {
        kind: 'problem';
        problemKind: 'condition' | 'event';
        code: string;
        subject: string;
        severity: string;
        message: string;
        count?: number;
        acknowledged: { by: string; at: number; comment: string } | null;
      })
    | (Span & {
        kind: 'outage';
        /** The states of the outage in order (unavailable, then offline once the will arrived); `stopped` alone is a planned stop. */
        states: OutageStateName[];
        /** Downtime (unavailable, offline); false for a graceful stop. */
        counted: boolean;
      })
    | (Span & { kind: 'site-outage'; recorders: number })
    | { kind: 'acknowledgement'; by: string; comment: string; code: string; subject: string; since: number }
    | { kind: 'alert-acknowledgement'; by: string; comment: string; alertId: number; summary: string; severity: string }
  );

type OutageStateName = Extract<RecorderStateName, 'unavailable' | 'offline' | 'stopped'>;

export interface ShiftLogGroup {
  installation: { slc: string; name: string };
  site: { id: string; name: string };
  counts: Record<ShiftLogKind, number>;
}

export interface ShiftLogView {
  from: number;
  to: number;
  /** When the caller last marked the log as seen (POST /api/shift-log/seen), null if never. */
  lastSeen: number | null;
  /** Entries in the period after the filters, before the limit. */
  total: number;
  truncated: boolean;
  entries: ShiftLogEntry[];
  /** Every installation and site with entries in the period (the filters' choices), before the filters. */
  groups: ShiftLogGroup[];
}

export interface ShiftLogQuery {
  from?: number;
  to?: number;
  /** An installation's SLC. */
  installation?: string;
  /** `SLC/site id`. */
  site?: string;
  limit?: number;
}

/** At the same moment, the bigger picture first: a site lost, then its recorders. */
const ORDER_AT_SAME_TIME: readonly ShiftLogKind[] = ['site-outage', 'outage', 'problem', 'acknowledgement', 'alert-acknowledgement'];

/** Without a last look: one shift. */
export const DEFAULT_SPAN_MS = 8 * 3_600_000;
/** A last look longer ago than this starts the default period here instead. */
export const MAX_DEFAULT_SPAN_MS = 7 * 86_400_000;
export const MAX_SPAN_MS = 31 * 86_400_000;
export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 2_000;
/** As the ingestor's site correlation: every recorder lost within this is the site lost, not each on its own. */
const SITE_WINDOW_MS = 180_000;

const DOWN = new Set<string>(['unavailable', 'offline']);

interface RecorderCols {
  recorderId: string;
  recorderName: string;
  slc: string;
  installationName: string;
  siteId: string;
  siteName: string;
}

const where = (row: RecorderCols): Where => ({
  installation: { slc: row.slc, name: row.installationName },
  site: { id: row.siteId, name: row.siteName },
  recorder: { id: row.recorderId, name: row.recorderName || row.recorderId },
});

/** Its end if it ended within [from, to], else its start. */
const atOf = (start: number, end: number | null, from: number, to: number) => (end !== null && end >= from && end <= to ? end : start);

export class ShiftLog {
  private readonly q;

  constructor(private readonly store: DashboardStore) {
    const { reader, db } = store;
    const V = READ_MODEL_VIEWS;
    const visible = store.visibleSql('r.installation_slc');
    const cols = `r.id AS recorderId, r.name AS recorderName, r.installation_slc AS slc, r.installation_name AS installationName,
      r.site_id AS siteId, r.site_name AS siteName`;
    const ack = (recorder: string, code: string, subject: string, since: string) =>
      `LEFT JOIN main.acknowledgements a ON a.recorder_id = ${recorder} AND a.code = ${code} AND a.subject = ${subject} AND a.since = ${since}`;
    this.q = {
      seen: db.prepare('SELECT seen_at FROM shift_log_seen WHERE user_id = ?').pluck(),
      markSeen: db.prepare(
        'INSERT INTO shift_log_seen (user_id, seen_at) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET seen_at = MAX(seen_at, excluded.seen_at)',
      ),
      // Cleared problems that were active in the period (problem_history by recorder and ended_at).
      history: reader.prepare(`SELECT ${cols}, h.kind AS problemKind, h.code, h.subject, h.severity, h.message, h.started_at AS start,
          h.ended_at AS end, h.count, a.username AS ackBy, a.at AS ackAt, a.comment AS ackComment
        FROM fleet.${V.recorders} r CROSS JOIN fleet.${V.problemHistory} h ON h.recorder_id = r.id AND h.ended_at >= @from AND h.started_at <= @to
        ${ack('h.recorder_id', 'h.code', 'h.subject', 'h.started_at')}
        WHERE ${visible}`),
      conditions: reader.prepare(`SELECT ${cols}, 'condition' AS problemKind, c.code, c.subject, c.severity, c.message, c.since AS start,
          NULL AS count, a.username AS ackBy, a.at AS ackAt, a.comment AS ackComment
        FROM fleet.${V.recorders} r CROSS JOIN fleet.${V.conditions} c ON c.recorder_id = r.id
        ${ack('c.recorder_id', 'c.code', 'c.subject', 'c.since')}
        WHERE c.since <= @to AND ${visible}`),
      events: reader.prepare(`SELECT ${cols}, 'event' AS problemKind, e.code, e.subject, e.severity, e.message, e.since AS start,
          e.count, a.username AS ackBy, a.at AS ackAt, a.comment AS ackComment
        FROM fleet.${V.recorders} r JOIN fleet.${V.eventProblems} e ON e.recorder_id = r.id
        ${ack('e.recorder_id', 'e.code', 'e.subject', 'e.since')}
        WHERE e.expires_at > @now AND e.since <= @to AND ${visible}`),
      // Each recorder's changes from the last time it was up before `from` until now (so an outage
      // running at either end of the period has its real start and end), sought by recorder and
      // since only for recorders that changed since `from` or are down: any other was up throughout.
      stateChanges: reader.prepare(`SELECT ${cols}, sc.state, sc.since
        FROM fleet.${V.recorders} r CROSS JOIN fleet.${V.stateChanges} sc ON sc.recorder_id = r.id
          AND sc.since >= COALESCE((SELECT MAX(x.since) FROM fleet.${V.stateChanges} x
            WHERE x.recorder_id = r.id AND x.since < @from AND x.state IN ('online', 'degraded')), 0)
        WHERE (r.state_since >= @from OR r.state NOT IN ('online', 'degraded')) AND ${visible}
        ORDER BY r.id, sc.since`),
      siteSizes: reader.prepare(`SELECT r.installation_slc AS slc, r.site_id AS siteId, COUNT(*) AS n FROM fleet.${V.recorders} r
        WHERE ${visible} GROUP BY r.installation_slc, r.site_id HAVING n >= 2`),
      unreachable: reader.prepare(`SELECT s.installation_slc AS slc, s.site_id AS siteId, s.unreachable_since AS since,
          (SELECT MAX(r.installation_name) FROM fleet.${V.recorders} r WHERE r.installation_slc = s.installation_slc) AS installationName,
          (SELECT MAX(r.site_name) FROM fleet.${V.recorders} r WHERE r.installation_slc = s.installation_slc AND r.site_id = s.site_id) AS siteName,
          (SELECT COUNT(*) FROM fleet.${V.recorders} r WHERE r.installation_slc = s.installation_slc AND r.site_id = s.site_id) AS recorders
        FROM fleet.${V.unreachableSites} s WHERE s.unreachable_since <= @to AND ${store.visibleSql('s.installation_slc')}`),
      acknowledgements: reader.prepare(`SELECT ${cols}, a.code, a.subject, a.since, a.username AS by, a.at, a.comment
        FROM main.acknowledgements a JOIN fleet.${V.recorders} r ON r.id = a.recorder_id
        WHERE a.at BETWEEN @from AND @to AND ${visible}`),
    };
  }

  /** When the user last marked the log as seen. */
  lastSeen(user: User): number | null {
    return (this.q.seen.get(user.id) as number | undefined) ?? null;
  }

  /** Marks `at` (now) as the user's last look; an earlier time never replaces a later one. Answers the time kept. */
  markSeen(user: User, at = Date.now()): number {
    this.q.markSeen.run(user.id, at);
    return this.lastSeen(user) ?? at;
  }

  /** The period's entries the caller may see, newest first (see ShiftLogView). */
  entriesFor(user: User, query: ShiftLogQuery = {}, now = Date.now()): ShiftLogView {
    const lastSeen = this.lastSeen(user);
    const to = query.to ?? now;
    const from = query.from ?? Math.max(lastSeen ?? to - DEFAULT_SPAN_MS, to - MAX_DEFAULT_SPAN_MS);
    if (from > to) throw new BadRequest(`querystring/from (${from}) is after querystring/to (${to}): pick a from before to`);
    if (to - from > MAX_SPAN_MS) throw new BadRequest(`querystring/from: the period is longer than ${MAX_SPAN_MS / 86_400_000} days; pick a later from`);
    const slash = query.site?.indexOf('/') ?? -1;
    const site = query.site === undefined ? undefined : { slc: query.site.slice(0, slash), id: query.site.slice(slash + 1) };
    if (query.site !== undefined && slash < 0) throw new BadRequest('querystring/site must be "SLC/site id" (as in the site page\'s address)');
    const limit = query.limit ?? DEFAULT_LIMIT;
    const scope = this.store.tenancyParams(user);
    const params = { ...scope, from, to, now };

    const all: ShiftLogEntry[] = this.store.reader.transaction(() => [
      ...this.problems(params, from, to, now),
      ...this.outages(params, from, to, now),
      ...this.acknowledgements(params),
      ...this.alertAcknowledgements(scope, from, to),
    ])();

    const groups = new Map<string, ShiftLogGroup>();
    for (const entry of all) {
      const key = `${entry.installation.slc}\u0000${entry.site.id}`;
      let group = groups.get(key);
      if (!group) {
        const counts = Object.fromEntries(SHIFT_LOG_KINDS.map((k) => [k, 0])) as Record<ShiftLogKind, number>;
        groups.set(key, (group = { installation: entry.installation, site: entry.site, counts }));
      }
      group.counts[entry.kind] += 1;
    }

    const kept = all.filter(
      (e) =>
        (query.installation === undefined || e.installation.slc === query.installation) &&
        (site === undefined || (e.installation.slc === site.slc && e.site.id === site.id)),
    );
    kept.sort(
      (a, b) =>
        b.at - a.at ||
        ORDER_AT_SAME_TIME.indexOf(a.kind) - ORDER_AT_SAME_TIME.indexOf(b.kind) ||
        (a.recorder?.id ?? '').localeCompare(b.recorder?.id ?? '') ||
        a.site.id.localeCompare(b.site.id),
    );
    return {
      from,
      to,
      lastSeen,
      total: kept.length,
      truncated: kept.length > limit,
      entries: kept.slice(0, limit),
      groups: [...groups.values()].sort(
        (a, b) =>
          a.installation.name.localeCompare(b.installation.name) ||
          a.installation.slc.localeCompare(b.installation.slc) ||
          a.site.name.localeCompare(b.site.name),
      ),
    };
  }

  private problems(params: object, from: number, to: number, now: number): ShiftLogEntry[] {
    type Row = RecorderCols & {
      problemKind: 'condition' | 'event';
      code: string;
      subject: string;
      severity: string;
      message: string;
      start: number;
      end?: number;
      count: number | null;
      ackBy: string | null;
      ackAt: number | null;
      ackComment: string | null;
    };
    const rows = [...(this.q.history.all(params) as Row[]), ...(this.q.conditions.all(params) as Row[]), ...(this.q.events.all(params) as Row[])];
    return rows.map((row) => {
      const end = row.end ?? null;
      return {
        kind: 'problem',
        ...where(row),
        at: atOf(row.start, end, from, to),
        problemKind: row.problemKind,
        code: row.code,
        subject: row.subject,
        severity: row.severity,
        message: row.message,
        ...(row.count === null ? {} : { count: row.count }),
        start: row.start,
        end,
        durationMs: Math.max(0, (end ?? now) - row.start),
        acknowledged: row.ackBy === null ? null : { by: row.ackBy, at: row.ackAt ?? 0, comment: row.ackComment ?? '' },
      };
    });
  }

  /**
   * Recorders' outages (consecutive unavailable/offline as one; a graceful stop on its own) and,
   * from them, whole sites lost: every recorder of a site of two or more down, all gone within the
   * ingestor's correlation window. A site unreachable now is taken from the ingestor itself.
   */
  private outages(params: object, from: number, to: number, now: number): ShiftLogEntry[] {
    type Row = RecorderCols & { state: RecorderStateName; since: number };
    const rows = this.q.stateChanges.all(params) as Row[];
    const entries: ShiftLogEntry[] = [];
    const downBySite = new Map<string, { cols: RecorderCols; runs: Array<{ recorderId: string; start: number; end: number | null }> }>();
    let i = 0;
    while (i < rows.length) {
      const first = rows[i]!;
      let j = i;
      while (j < rows.length && rows[j]!.recorderId === first.recorderId) j += 1;
      const changes = rows.slice(i, j);
      i = j;
      for (let k = 0; k < changes.length; ) {
        const change = changes[k]!;
        if (change.state === 'online' || change.state === 'degraded') {
          k += 1;
          continue;
        }
        const counted = DOWN.has(change.state);
        const states: OutageStateName[] = [];
        let m = k;
        while (m < changes.length && (counted ? DOWN.has(changes[m]!.state) : changes[m]!.state === 'stopped')) {
          const state = changes[m]!.state as OutageStateName;
          if (states.at(-1) !== state) states.push(state);
          m += 1;
        }
        const start = change.since;
        const end = m < changes.length ? changes[m]!.since : null;
        k = m;
        if ((end ?? now) < from || start > to) continue;
        entries.push({
          kind: 'outage',
          ...where(change),
          at: atOf(start, end, from, to),
          states,
          counted,
          start,
          end,
          durationMs: Math.max(0, (end ?? now) - start),
        });
        if (counted) {
          const key = `${change.slc}\u0000${change.siteId}`;
          let site = downBySite.get(key);
          if (!site) downBySite.set(key, (site = { cols: change, runs: [] }));
          site.runs.push({ recorderId: change.recorderId, start, end });
        }
      }
    }

    for (const row of this.q.unreachable.all(params) as Array<{
      slc: string;
      siteId: string;
      since: number;
      installationName: string | null;
      siteName: string | null;
      recorders: number;
    }>) {
      entries.push({
        kind: 'site-outage',
        installation: { slc: row.slc, name: row.installationName ?? '' },
        site: { id: row.siteId, name: row.siteName ?? row.siteId },
        recorder: null,
        at: row.since,
        recorders: row.recorders,
        start: row.since,
        end: null,
        durationMs: Math.max(0, now - row.since),
      });
    }
    const sizes = new Map((this.q.siteSizes.all(params) as Array<{ slc: string; siteId: string; n: number }>).map((s) => [`${s.slc}\u0000${s.siteId}`, s.n]));
    for (const [key, { cols, runs }] of downBySite) {
      const size = sizes.get(key);
      if (size === undefined) continue;
      for (const span of siteOutages(runs, size)) {
        // Ongoing ones are the ingestor's to say (read_v1_unreachable_sites, above).
        if (span.end === null || span.end < from || span.start > to) continue;
        entries.push({
          kind: 'site-outage',
          installation: { slc: cols.slc, name: cols.installationName },
          site: { id: cols.siteId, name: cols.siteName },
          recorder: null,
          at: atOf(span.start, span.end, from, to),
          recorders: size,
          start: span.start,
          end: span.end,
          durationMs: span.end - span.start,
        });
      }
    }
    return entries;
  }

  private acknowledgements(params: object): ShiftLogEntry[] {
    const rows = this.q.acknowledgements.all(params) as Array<
      RecorderCols & { code: string; subject: string; since: number; by: string; at: number; comment: string }
    >;
    return rows.map((row) => ({
      kind: 'acknowledgement',
      ...where(row),
      at: row.at,
      by: row.by,
      comment: row.comment,
      code: row.code,
      subject: row.subject,
      since: row.since,
    }));
  }

  /** Acknowledgements of alerts, one entry per target and condition acknowledged at once (the alerts view's line). Empty without alerts.db. */
  private alertAcknowledgements(scope: object, from: number, to: number): ShiftLogEntry[] {
    const statement = this.alertAcksStatement();
    if (!statement) return [];
    const rows = statement.all({ ...scope, from, to }) as Array<{
      alertId: number;
      targetKind: string;
      targetId: string;
      conditionKey: string;
      summary: string;
      severity: string;
      slc: string;
      siteId: string | null;
      recorderId: string | null;
      recorderName: string | null;
      installationName: string | null;
      siteName: string | null;
      by: string;
      at: number;
      comment: string;
    }>;
    const seen = new Set<string>();
    const entries: ShiftLogEntry[] = [];
    for (const row of rows) {
      const key = `${row.at}\u0000${row.by}\u0000${row.targetKind}\u0000${row.targetId}\u0000${row.conditionKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entries.push({
        kind: 'alert-acknowledgement',
        installation: { slc: row.slc, name: row.installationName ?? '' },
        site: { id: row.siteId ?? '', name: row.siteName ?? row.siteId ?? '' },
        recorder: row.recorderId === null ? null : { id: row.recorderId, name: row.recorderName || row.recorderId },
        at: row.at,
        by: row.by,
        comment: row.comment,
        alertId: row.alertId,
        summary: row.summary,
        severity: row.severity,
      });
    }
    return entries;
  }

  private alertAcks: { schema: string; statement: Database.Statement } | undefined;

  /** Prepared once alerts.db is attached (the store attaches it when the engine has created it). */
  private alertAcksStatement(): Database.Statement | undefined {
    const schema = this.store.alertsSchema();
    if (schema === undefined) return undefined;
    if (this.alertAcks?.schema !== schema) {
      const R = READ_MODEL_VIEWS.recorders;
      this.alertAcks = {
        schema,
        statement: this.store.reader.prepare(`SELECT al.id AS alertId, al.target_kind AS targetKind, al.target_id AS targetId,
            al.condition_key AS conditionKey, al.summary, al.severity, al.installation_slc AS slc, al.site_id AS siteId,
            al.recorder_id AS recorderId, rec.name AS recorderName,
            (SELECT MAX(x.installation_name) FROM fleet.${R} x WHERE x.installation_slc = al.installation_slc) AS installationName,
            (SELECT MAX(x.site_name) FROM fleet.${R} x WHERE x.installation_slc = al.installation_slc AND x.site_id = al.site_id) AS siteName,
            k.username AS by, k.at, k.comment
          FROM main.alert_acks k JOIN ${schema}.read_v1_alerts al ON al.id = k.alert_id LEFT JOIN fleet.${R} rec ON rec.id = al.recorder_id
          WHERE k.at BETWEEN @from AND @to AND ${this.store.visibleSql('al.installation_slc')}
          ORDER BY k.at, al.id`),
      };
    }
    return this.alertAcks.statement;
  }
}

/**
 * Periods in which all `size` recorders of a site were down, each one starting when the last went
 * down, kept when they all went down within SITE_WINDOW_MS (the ingestor's site correlation).
 */
export function siteOutages(
  runs: ReadonlyArray<{ recorderId: string; start: number; end: number | null }>,
  size: number,
): Array<{ start: number; end: number | null }> {
  const boundaries = runs.flatMap((run) => [{ t: run.start, up: false, run }, ...(run.end === null ? [] : [{ t: run.end, up: true, run }])]);
  // Ends before starts at the same time: a recorder back as another goes is not the site lost.
  boundaries.sort((a, b) => a.t - b.t || Number(b.up) - Number(a.up));
  const downSince = new Map<string, number>();
  const spans: Array<{ start: number; end: number | null }> = [];
  let open: { start: number } | undefined;
  for (const boundary of boundaries) {
    if (boundary.up) {
      downSince.delete(boundary.run.recorderId);
      if (open) {
        spans.push({ start: open.start, end: boundary.t });
        open = undefined;
      }
      continue;
    }
    downSince.set(boundary.run.recorderId, boundary.t);
    if (!open && downSince.size >= size) {
      const starts = [...downSince.values()];
      if (Math.max(...starts) - Math.min(...starts) <= SITE_WINDOW_MS) open = { start: boundary.t };
    }
  }
  if (open) spans.push({ start: open.start, end: null });
  return spans;
}

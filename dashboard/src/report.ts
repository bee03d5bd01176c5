import type { Outage } from './availability.js';
import { BadRequest, type DashboardStore, NotFound, type User } from './store.js';

/**
 * The monthly service report (docs/DESIGN.md "Service report"): what a reseller sends a customer
 * about one installation and one calendar month in UTC. Built only from what the caller may see,
 * through the store's scoped methods, so an installation out of scope answers like nonexistent.
 */

export interface ReportTotals {
  availablePercent: number | null;
  upMs: number;
  downMs: number;
  plannedMs: number;
}

export interface ReportOutage extends Outage {
  recorderName: string;
  siteName: string;
}

export interface ProblemKind {
  code: string;
  /** Episodes active in the month (raised in it, or raised earlier and still active in it). */
  episodes: number;
  /** Event occurrences, for event problems (one per episode for conditions). */
  occurrences: number;
  /** Their time within the month, added up. */
  totalMs: number;
  worstSeverity: string;
}

export interface DriveHeadroom {
  recorderId: string;
  recorderName: string;
  path: string;
  totalBytes: number;
  freeBytes: number;
  usedPercent: number;
  freePercent: number;
  /** The lowest free space of the month from the time series; null without them. */
  lowestFreePercent: number | null;
  /** At the current fill rate; null when not filling or not known. */
  daysToFull: number | null;
  /** When the reading was taken (ms). */
  at: number;
}

export interface LicenceUse {
  recorderId: string;
  recorderName: string;
  cameras: number;
  licensed: number;
  /** Cameras beyond the licence (0 when covered). */
  unlicensed: number;
}

export interface ServiceReport {
  slc: string;
  installationName: string;
  /** The reseller holding the installation (null: nobody yet). */
  reseller: string | null;
  /** YYYY-MM. */
  month: string;
  /** Month label, e.g. "March 2026". */
  monthLabel: string;
  timezone: 'UTC';
  /** [from, to): the month, or up to now for the current month. */
  from: number;
  to: number;
  /** The month is not over yet: figures so far. */
  partial: boolean;
  generatedAt: number;
  availability: ReportTotals & { recorders: number };
  sites: Array<ReportTotals & { id: string; name: string; recorders: number }>;
  recorders: Array<ReportTotals & { id: string; name: string; siteId: string; siteName: string }>;
  outages: ReportOutage[];
  problems: ProblemKind[];
  drives: DriveHeadroom[];
  licences: { cameras: number; licensed: number; unlicensed: number; recorders: LicenceUse[] };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, error: 2, critical: 3 };

/** [from, to) of a YYYY-MM month in UTC; a clear error naming the field otherwise. */
export function monthRange(month: string): { from: number; to: number; label: string } {
  const match = MONTH.exec(month);
  if (!match) throw new BadRequest(`month: expected YYYY-MM, e.g. 2026-03 (got "${month.slice(0, 20)}")`);
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  return { from: Date.UTC(year, index, 1), to: Date.UTC(year, index + 1, 1), label: `${MONTH_NAMES[index]} ${year}` };
}

/** The month before the one `now` falls in (UTC), as YYYY-MM: what a subscription sends on the 1st. */
export function previousMonth(now: number): string {
  const date = new Date(now);
  const first = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1);
  return new Date(first).toISOString().slice(0, 7);
}

const totalsOf = (t: ReportTotals): ReportTotals => ({ availablePercent: t.availablePercent, upMs: t.upMs, downMs: t.downMs, plannedMs: t.plannedMs });

/** The report of installation `slc` for `month`, as `user` may see it. NotFound when the installation is not the caller's (or does not exist). */
export async function buildReport(store: DashboardStore, user: User, slc: string, month: string, now = Date.now()): Promise<ServiceReport> {
  const range = monthRange(month);
  if (range.from > now) throw new BadRequest(`month: ${month} has not started yet`);
  const from = range.from;
  const to = Math.min(range.to, now);
  const installation = store.installationsFor(user).find((i) => i.slc === slc);
  const recorders = store.recordersFor(user).filter((r) => r.installation.slc === slc);
  if (!installation || recorders.length === 0) throw new NotFound(`no installation "${slc}"`);
  recorders.sort((a, b) => a.site.name.localeCompare(b.site.name) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

  const whole = store.availabilityFor(user, 'installation', slc, from, to);
  const sites = new Map<string, { id: string; name: string }>();
  for (const r of recorders) sites.set(r.site.id, { id: r.site.id, name: r.site.name });
  const siteRows = [...sites.values()].map((site) => {
    const a = store.availabilityFor(user, 'site', `${slc}/${site.id}`, from, to);
    return { id: site.id, name: site.name, recorders: a.recorders, ...totalsOf(a) };
  });
  const byId = new Map(recorders.map((r) => [r.id, r]));
  const recorderRows = recorders.map((r) => ({
    id: r.id,
    name: r.name,
    siteId: r.site.id,
    siteName: r.site.name,
    ...totalsOf(store.availabilityFor(user, 'recorder', r.id, from, to)),
  }));
  const outages: ReportOutage[] = whole.outages.map((o) => ({
    ...o,
    recorderName: byId.get(o.recorderId)?.name ?? o.recorderId,
    siteName: byId.get(o.recorderId)?.site.name ?? '',
  }));

  const kinds = new Map<string, ProblemKind>();
  const drives: DriveHeadroom[] = [];
  const licences: LicenceUse[] = [];
  for (const r of recorders) {
    for (const p of store.historyFor(user, r.id, from, to).problems) {
      if (p.kind === 'state') continue;
      const start = Math.max(p.start, from);
      const end = Math.min(p.end ?? now, to);
      let kind = kinds.get(p.code);
      if (!kind) kinds.set(p.code, (kind = { code: p.code, episodes: 0, occurrences: 0, totalMs: 0, worstSeverity: p.severity }));
      kind.episodes += 1;
      kind.occurrences += p.count ?? 1;
      kind.totalMs += Math.max(0, end - start);
      if ((SEVERITY_RANK[p.severity] ?? 0) > (SEVERITY_RANK[kind.worstSeverity] ?? 0)) kind.worstSeverity = p.severity;
    }
    const detail = await store.recorderDetailFor(user, r.id);
    const history = await store.diskHistoryFor(user, r.id, from, to);
    for (const disk of detail.disks) {
      const points = history.find((h) => h.path === disk.path)?.points ?? [];
      const maxUsed = points.length > 0 ? Math.max(...points.map(([, used]) => used)) : null;
      drives.push({
        recorderId: r.id,
        recorderName: r.name,
        path: disk.path,
        totalBytes: disk.totalBytes,
        freeBytes: disk.freeBytes,
        usedPercent: disk.usedPercent,
        freePercent: Math.round((100 - disk.usedPercent) * 100) / 100,
        lowestFreePercent: maxUsed === null ? null : Math.round((100 - maxUsed) * 100) / 100,
        daysToFull: disk.daysToFull,
        at: disk.at,
      });
    }
    licences.push({
      recorderId: r.id,
      recorderName: r.name,
      cameras: detail.cameras.count,
      licensed: detail.cameras.licensed,
      unlicensed: Math.max(0, detail.cameras.count - detail.cameras.licensed),
    });
  }
  const problems = [...kinds.values()].sort(
    (a, b) => (SEVERITY_RANK[b.worstSeverity] ?? 0) - (SEVERITY_RANK[a.worstSeverity] ?? 0) || b.episodes - a.episodes || a.code.localeCompare(b.code),
  );
  const sum = (pick: (l: LicenceUse) => number) => licences.reduce((total, l) => total + pick(l), 0);
  return {
    slc,
    installationName: installation.name || slc,
    reseller: user.role === 'reseller' ? user.username : (installation.owner ?? null),
    month,
    monthLabel: range.label,
    timezone: 'UTC',
    from,
    to,
    partial: to < range.to,
    generatedAt: now,
    availability: { recorders: whole.recorders, ...totalsOf(whole) },
    sites: siteRows,
    recorders: recorderRows,
    outages,
    problems,
    drives,
    licences: { cameras: sum((l) => l.cameras), licensed: sum((l) => l.licensed), unlicensed: sum((l) => l.unlicensed), recorders: licences },
  };
}

// ---- formatting shared by the PDF, the CSV and the e-mail -------------------------------------

export function percentText(value: number | null): string {
  if (value === null) return 'n/a';
  // Two decimals: 99.95 % and 100 % are different promises to a customer.
  return `${(Math.floor(value * 100) / 100).toFixed(2)} %`;
}

export function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const STATE_LABEL: Record<string, string> = { unavailable: 'Unavailable', offline: 'Offline', stopped: 'Stopped (planned)' };

// ---- CSV ---------------------------------------------------------------------------------------

/**
 * One cell, RFC 4180: quoted when it holds a comma, quote or line break. Text a spreadsheet would
 * run as a formula (= + - @, and tab or CR that some treat alike) gets a leading ' (OWASP CSV
 * injection); numbers are written as numbers, so a negative one is not mistaken for a formula.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const CSV_COLUMNS = [
  'section',
  'slc',
  'month',
  'site',
  'recorder_id',
  'recorder',
  'item',
  'state',
  'start_utc',
  'end_utc',
  'duration_min',
  'count',
  'available_percent',
  'up_min',
  'down_min',
  'planned_min',
  'total_bytes',
  'free_bytes',
  'used_percent',
  'lowest_free_percent',
  'days_to_full',
  'cameras',
  'licensed',
  'unlicensed',
] as const;
type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | boolean | null>>;

const minutes = (ms: number) => Math.round(ms / 60_000);
const iso = (ms: number) => new Date(ms).toISOString();
const round2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

/** The report as one table, one `section` per kind of row, CRLF line ends (RFC 4180). */
export function reportCsv(report: ServiceReport): string {
  const base = { slc: report.slc, month: report.month };
  const rows: CsvRow[] = [];
  const totals = (t: ReportTotals) => ({
    available_percent: round2(t.availablePercent),
    up_min: minutes(t.upMs),
    down_min: minutes(t.downMs),
    planned_min: minutes(t.plannedMs),
  });
  rows.push({ section: 'installation', ...base, item: report.installationName, count: report.availability.recorders, ...totals(report.availability) });
  for (const s of report.sites) rows.push({ section: 'site', ...base, site: s.name, item: s.id, count: s.recorders, ...totals(s) });
  for (const r of report.recorders) rows.push({ section: 'recorder', ...base, site: r.siteName, recorder_id: r.id, recorder: r.name, ...totals(r) });
  for (const o of report.outages) {
    rows.push({
      section: 'outage',
      ...base,
      site: o.siteName,
      recorder_id: o.recorderId,
      recorder: o.recorderName,
      state: o.state,
      start_utc: iso(o.start),
      end_utc: o.ongoing ? null : iso(o.end),
      duration_min: minutes(o.durationMs),
    });
  }
  for (const p of report.problems) {
    rows.push({ section: 'problem', ...base, item: p.code, state: p.worstSeverity, count: p.episodes, duration_min: minutes(p.totalMs) });
  }
  for (const d of report.drives) {
    rows.push({
      section: 'drive',
      ...base,
      recorder_id: d.recorderId,
      recorder: d.recorderName,
      item: d.path,
      total_bytes: d.totalBytes,
      free_bytes: d.freeBytes,
      used_percent: d.usedPercent,
      lowest_free_percent: d.lowestFreePercent,
      days_to_full: d.daysToFull === null ? null : Math.round(d.daysToFull * 10) / 10,
    });
  }
  for (const l of report.licences.recorders) {
    rows.push({
      section: 'licence',
      ...base,
      recorder_id: l.recorderId,
      recorder: l.recorderName,
      cameras: l.cameras,
      licensed: l.licensed,
      unlicensed: l.unlicensed,
    });
  }
  const lines = [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((column) => csvCell(row[column] ?? null)).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

/** A file name for downloads and attachments: vigil-report-<SLC>-<YYYY-MM>.<ext>, safe characters only. */
export function reportFileName(report: Pick<ServiceReport, 'slc' | 'month'>, ext: 'pdf' | 'csv'): string {
  return `vigil-report-${report.slc.replace(/[^A-Za-z0-9-]/g, '_')}-${report.month}.${ext}`;
}

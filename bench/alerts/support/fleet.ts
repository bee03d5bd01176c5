// The fleet and the alerting configuration bench/alerts/rules.ts measures against: a fleet.db
// written with the ingestor's own FleetDb (installations, sites, failover partners, drives,
// licences, a realistic share of degraded, unavailable and offline recorders, a few unreachable
// sites) and a dashboard.db publishing 200 rules, 4 channels, 3 silences and two resellers'
// holdings through the read_v1 views of docs/DESIGN.md "Alerting". Not a benchmark itself.
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { FleetDb, type RecorderStateName } from '@vigil/ingestor';
import { benchRecorderId } from '../../support/fleet-pki.js';

import { rng } from '../../support/random.js';

export { rng };

export interface Place {
  id: string;
  slc: string;
  site: string;
}

export interface FleetLayout {
  recorders: Place[];
  installations: string[];
  /** `SLC/siteId`, as rule scopes name sites. */
  sites: string[];
  members: Map<string, Place[]>;
}

export const RECORDERS_PER_INSTALLATION = 20;
export const RECORDERS_PER_SITE = 5;

/**
 * `count` recorders, 20 per installation in sites of 5 (10,000: 500 installations, 2,000 sites).
 * The first `benchAgents` are the simulated agents of bench/support/publishers.ts, placed where
 * their births put them (installation `SLC-{n/10}`, one site of 10 each).
 */
export function fleetLayout(count: number, benchAgents = 0): FleetLayout {
  const recorders: Place[] = [];
  for (let n = 0; n < count; n++) {
    if (n < benchAgents) {
      recorders.push({ id: benchRecorderId(n), slc: `SLC-${Math.floor(n / 10)}`, site: `site-${Math.floor(n / 10)}` });
      continue;
    }
    const m = n - benchAgents;
    const inst = Math.floor(m / RECORDERS_PER_INSTALLATION);
    const site = Math.floor((m % RECORDERS_PER_INSTALLATION) / RECORDERS_PER_SITE);
    recorders.push({ id: `rec-${String(m).padStart(5, '0')}`, slc: `M01-${String(inst).padStart(4, '0')}`, site: `site-${inst}-${site}` });
  }
  const members = new Map<string, Place[]>();
  for (const place of recorders) {
    const key = `${place.slc}/${place.site}`;
    members.set(key, [...(members.get(key) ?? []), place]);
  }
  return { recorders, installations: [...new Set(recorders.map((r) => r.slc))], sites: [...members.keys()], members };
}

export const CONDITIONS = [
  { code: 'camera-unreachable', severity: 'warning', subject: (n: number) => `cam-${n % 64}`, message: 'camera unreachable' },
  { code: 'drive-filling', severity: 'warning', subject: () => 'E:', message: 'drive E: will be full in 6 days at the current rate' },
  { code: 'drive-full', severity: 'critical', subject: () => 'E:', message: 'drive E: is 98 % full' },
  { code: 'service-stopped', severity: 'error', subject: () => 'Milestone XProtect Recording Server', message: 'service stopped' },
  { code: 'licence-overrun', severity: 'warning', subject: () => '', message: '105 cameras, 100 licences' },
] as const;
export const EVENT_CODES = ['archive-move-failed', 'archive-delete-failed', 'media-db-write-failure', 'archive-fatal-error', 'file-delete-failed'] as const;

const GB = 1_000_000_000;
export const DISK_TOTAL = 8_000 * GB;
export const freeFor = (usedPercent: number) => Math.round(DISK_TOTAL * (1 - usedPercent / 100));

export interface SeedOptions {
  /** Recorders left out (the simulated agents: their births write them, as a new fleet's would). */
  skip?: ReadonlySet<string>;
  /**
   * The seeded recorders' heartbeat. An ingestor started on this fleet.db expects a heartbeat from
   * each within three periods; a benchmark whose seeded recorders never send one uses a long
   * period, or the whole fleet goes unavailable at once after 92 s.
   */
  heartbeatSeconds?: number;
}

/** Writes fleet.db with the ingestor's FleetDb; returns the writer (the caller closes it). */
export function seedFleet(path: string, layout: FleetLayout, now: number, options: SeedOptions = {}): FleetDb {
  const skip = options.skip ?? new Set<string>();
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
  const random = rng(7);
  const fleet = new FleetDb(path);
  fleet.transaction(() => {
    let siteIndex = 0;
    for (const places of layout.members.values()) {
      // Every other site has a failover pair: its 4th recorder is covered by its 5th.
      const paired = siteIndex++ % 2 === 0 && places.length === RECORDERS_PER_SITE;
      places.forEach((place, i) => {
        if (skip.has(place.id)) return;
        const pair = paired && i === 3 ? (places[4]?.id ?? '') : '';
        fleet.recordBirth({
          id: place.id,
          name: `Recorder ${place.id}`,
          installationSlc: place.slc,
          installationName: `Customer ${place.slc}`,
          siteId: place.site,
          siteName: `Site ${place.site}`,
          latitude: 48 + random() * 10,
          longitude: 5 + random() * 15,
          failoverPartner: pair,
          agentVersion: '1.4.2',
          vmsProduct: 'XProtect',
          vmsVersion: '2024 R2',
          hostname: `${place.id}.local`,
          cameraCount: 16 + Math.floor(random() * 90),
          licensedCameras: 100,
          heartbeatSeconds: options.heartbeatSeconds ?? 30,
          bdSeq: 1,
        });
      });
    }
    layout.recorders.forEach((place, n) => {
      if (skip.has(place.id)) return;
      const roll = random();
      const state: RecorderStateName = roll < 0.9 ? 'online' : roll < 0.96 ? 'degraded' : roll < 0.98 ? 'unavailable' : roll < 0.995 ? 'offline' : 'stopped';
      fleet.setState(place.id, 'online', now - 30 * 86_400_000);
      if (state !== 'online') fleet.setState(place.id, state, now - Math.floor(random() * 86_400_000));
      fleet.touch(place.id, now - Math.floor(random() * 30_000), 1);
      if (state === 'degraded') {
        const c = CONDITIONS[Math.floor(random() * CONDITIONS.length)]!;
        fleet.applyCondition({
          recorderId: place.id,
          code: c.code,
          subject: c.subject(n),
          active: true,
          at: now - Math.floor(random() * 86_400_000),
          severity: c.severity,
          message: c.message,
        });
      }
      fleet.recordDisk({ recorderId: place.id, path: 'C:', totalBytes: 256 * GB, freeBytes: Math.round(256 * GB * (0.3 + random() * 0.4)), at: now });
      // Most archive drives below 90 %, 5 % between 90 and 95 %, 3 % above.
      const full = random();
      const used = full < 0.03 ? 95.5 + random() * 4 : full < 0.08 ? 90.5 + random() * 4 : 40 + random() * 49;
      fleet.recordDisk({ recorderId: place.id, path: 'E:', totalBytes: DISK_TOTAL, freeBytes: freeFor(used), at: now });
    });
    for (const place of layout.recorders) if (!skip.has(place.id)) fleet.refreshCover(place.id);
    // A few sites down as a whole (their recorders unavailable), as the ingestor marks them.
    const seeded = layout.sites.filter((key) => !layout.members.get(key)!.some((place) => skip.has(place.id)));
    for (let i = 0; i < 3; i++) {
      const key = seeded[(i * 37 + 11) % seeded.length]!;
      const places = layout.members.get(key)!;
      for (const place of places) fleet.setState(place.id, 'unavailable', now - 600_000);
      fleet.markSiteUnreachable(places[0]!.slc, places[0]!.site, now - 600_000);
    }
  });
  return fleet;
}

/**
 * dashboard.db as the engine reads it: plain tables named and shaped as the read_v1 views of
 * docs/DESIGN.md "Alerting" (the same stand-in as ingestor/test/alerts/support.ts). The engine
 * only ever SELECTs from these names, so this is what the dashboard's real store offers it.
 */
const DASHBOARD_STAND_IN = `
CREATE TABLE read_v1_alert_rules (id INTEGER PRIMARY KEY, name TEXT, owner_reseller_id INTEGER, condition TEXT, scope TEXT,
  for_seconds INTEGER, severity TEXT, when_covered TEXT, repeat_minutes INTEGER, channel_ids TEXT, enabled INTEGER, updated_at INTEGER);
CREATE TABLE read_v1_alert_channels (id INTEGER PRIMARY KEY, name TEXT, owner_reseller_id INTEGER, type TEXT, config TEXT, enabled INTEGER);
CREATE TABLE read_v1_alert_silences (id INTEGER PRIMARY KEY, owner_reseller_id INTEGER, scope TEXT, rule_id INTEGER, starts_at INTEGER,
  ends_at INTEGER, reason TEXT, created_by TEXT);
CREATE TABLE read_v1_alert_acks (alert_id INTEGER, by TEXT, at INTEGER, comment TEXT);
CREATE TABLE read_v1_installation_holders (slc TEXT PRIMARY KEY, reseller_id INTEGER);
CREATE TABLE read_v1_channel_tests (id INTEGER PRIMARY KEY, channel_id INTEGER, requested_by TEXT, requested_at INTEGER);
`;

export const RESELLERS = [101, 102] as const;
/** Channels: NOC webhook and e-mail, one for each reseller. */
const CHANNELS = [
  { id: 1, owner: null, type: 'webhook', config: { url: 'https://noc.example/hook', secret: 's'.repeat(32), timeoutMs: 5000 } },
  { id: 2, owner: null, type: 'email', config: { to: ['noc@example.com'] } },
  { id: 3, owner: 101, type: 'webhook', config: { url: 'https://reseller-a.example/hook', secret: 'a'.repeat(32), timeoutMs: 5000 } },
  { id: 4, owner: 102, type: 'email', config: { to: ['alerts@reseller-b.example'] } },
] as const;
const CHANNELS_OF = new Map<number | null, number[][]>([
  [null, [[1], [2], [1, 2]]],
  [101, [[3]]],
  [102, [[4]]],
]);

export interface RuleRow {
  id: number;
  name: string;
  owner: number | null;
  condition: object;
  scope: { installations?: string[]; sites?: string[]; recorders?: string[] };
  forSeconds: number;
  severity: string;
  whenCovered: string;
  repeatMinutes: number;
  channels: number[];
}

/** Rules the benchmark checks its results against (global, `for` 0, covered recorders alert as usual). */
export const CHECKED = { down: 1, diskAbove95: 15 } as const;

const SEVERITIES = ['info', 'warning', 'error', 'critical'];
const WHEN_COVERED = ['lower', 'lower', 'skip', 'same'];

/** The conditions scoped rules pick from. */
const CONDITION_POOL: object[] = [
  { kind: 'state', states: ['unavailable', 'offline'] },
  { kind: 'state', states: ['unavailable'] },
  { kind: 'state', states: ['degraded'] },
  { kind: 'problem', code: 'recorder-unavailable' },
  { kind: 'problem', code: 'site-unreachable' },
  { kind: 'problem', code: 'drive-full' },
  { kind: 'problem', code: 'drive-filling' },
  { kind: 'problem', code: 'service-stopped' },
  { kind: 'problem', code: 'camera-unreachable' },
  { kind: 'problem', code: 'archive-move-failed' },
  { kind: 'problem', code: 'media-db-write-failure' },
  { kind: 'problem', minSeverity: 'error' },
  { kind: 'problem', minSeverity: 'critical' },
  { kind: 'metric', metric: 'disk-used-percent', above: 90 },
  { kind: 'metric', metric: 'disk-used-percent', above: 95 },
  { kind: 'metric', metric: 'licence-use-percent', above: 100 },
];

/** 200 rules: 20 NOC rules over everything, 140 NOC rules scoped to installations, sites or recorders, 20 per reseller. */
export function alertRules(layout: FleetLayout, holders: Map<string, number>): RuleRow[] {
  const random = rng(11);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * max) }, () => pick(list)))];
  const rules: RuleRow[] = [];
  const add = (rule: Omit<RuleRow, 'id' | 'name' | 'whenCovered' | 'repeatMinutes'> & Partial<RuleRow>) => {
    const id = rules.length + 1;
    rules.push({ whenCovered: pick(WHEN_COVERED), repeatMinutes: pick([0, 0, 60]), name: `rule ${id}`, ...rule, id });
  };
  const noc = (condition: object, forSeconds: number, severity: string, extra: Partial<RuleRow> = {}) =>
    add({ owner: null, condition, scope: {}, forSeconds, severity, channels: [1, 2], ...extra });
  noc({ kind: 'state', states: ['unavailable', 'offline'] }, 0, 'critical', { whenCovered: 'same', name: 'recorder down' });
  noc({ kind: 'state', states: ['unavailable', 'offline'] }, 300, 'error');
  noc({ kind: 'problem', code: 'recorder-unavailable' }, 60, 'critical');
  noc({ kind: 'problem', code: 'site-unreachable' }, 0, 'critical');
  noc({ kind: 'state', states: ['degraded'] }, 600, 'warning');
  noc({ kind: 'state', states: ['stopped'] }, 0, 'error');
  noc({ kind: 'problem', code: 'drive-full' }, 0, 'critical');
  noc({ kind: 'problem', code: 'drive-filling' }, 3600, 'warning');
  noc({ kind: 'problem', code: 'service-stopped' }, 0, 'error');
  noc({ kind: 'problem', code: 'camera-unreachable' }, 300, 'warning');
  noc({ kind: 'problem', code: 'media-db-write-failure' }, 0, 'error');
  noc({ kind: 'problem', code: 'archive-move-failed' }, 0, 'error');
  noc({ kind: 'problem', minSeverity: 'critical' }, 0, 'critical');
  noc({ kind: 'problem', minSeverity: 'error' }, 120, 'error');
  noc({ kind: 'metric', metric: 'disk-used-percent', above: 95 }, 0, 'critical', { whenCovered: 'same', name: 'disk above 95 %' });
  noc({ kind: 'metric', metric: 'disk-used-percent', above: 90 }, 3600, 'warning');
  noc({ kind: 'metric', metric: 'licence-use-percent', above: 100 }, 0, 'warning');
  noc({ kind: 'problem', code: 'licence-overrun' }, 0, 'warning');
  noc({ kind: 'problem', code: 'archive-fatal-error' }, 0, 'critical');
  noc({ kind: 'problem', code: 'agent-dropped' }, 0, 'warning');
  const scoped = (owner: number | null, scope: RuleRow['scope']) =>
    add({
      owner,
      condition: pick(CONDITION_POOL),
      scope,
      forSeconds: pick([0, 0, 0, 60, 300]),
      severity: pick(SEVERITIES),
      channels: pick(CHANNELS_OF.get(owner)!),
    });
  for (let i = 0; i < 90; i++) scoped(null, { installations: some(layout.installations, 5) });
  for (let i = 0; i < 40; i++) scoped(null, { sites: some(layout.sites, 10) });
  for (let i = 0; i < 10; i++) scoped(null, { recorders: some(layout.recorders, 20).map((r) => r.id) });
  for (const reseller of RESELLERS) {
    const held = layout.installations.filter((slc) => holders.get(slc) === reseller);
    for (let i = 0; i < 5; i++) scoped(reseller, {});
    for (let i = 0; i < 15; i++) scoped(reseller, { installations: some(held, 3) });
  }
  return rules;
}

/** Every fifth installation is held by reseller 101, the next by 102; the rest are NOC's alone. */
export function resellerHolders(layout: FleetLayout): Map<string, number> {
  const holders = new Map<string, number>();
  layout.installations.forEach((slc, i) => {
    if (i % 5 === 1) holders.set(slc, RESELLERS[0]);
    if (i % 5 === 2) holders.set(slc, RESELLERS[1]);
  });
  return holders;
}

export function writeDashboard(path: string, layout: FleetLayout, now: number): { rules: RuleRow[]; holders: Map<string, number> } {
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(DASHBOARD_STAND_IN);
  const holders = resellerHolders(layout);
  const rules = alertRules(layout, holders);
  db.transaction(() => {
    for (const c of CHANNELS)
      db.prepare('INSERT INTO read_v1_alert_channels VALUES (?, ?, ?, ?, ?, 1)').run(c.id, `channel ${c.id}`, c.owner, c.type, JSON.stringify(c.config));
    for (const [slc, reseller] of holders) db.prepare('INSERT INTO read_v1_installation_holders VALUES (?, ?)').run(slc, reseller);
    const insert = db.prepare(`INSERT INTO read_v1_alert_rules VALUES (@id, @name, @owner, @condition, @scope, @forSeconds, @severity, @whenCovered,
      @repeatMinutes, @channels, 1, @now)`);
    for (const rule of rules)
      insert.run({
        ...rule,
        condition: JSON.stringify(rule.condition),
        scope: JSON.stringify({ installations: [], sites: [], recorders: [], ...rule.scope }),
        channels: JSON.stringify(rule.channels),
        now,
      });
    const silence = db.prepare(
      'INSERT INTO read_v1_alert_silences (owner_reseller_id, scope, rule_id, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const scope = (installations: string[]) => JSON.stringify({ installations, sites: [], recorders: [] });
    // A NOC maintenance window over two installations, a reseller's silence of one of its rules, one that is over.
    silence.run(null, scope(layout.installations.slice(3, 5)), null, now - 3_600_000, now + 3_600_000, 'maintenance window', 'noc');
    silence.run(RESELLERS[0], scope([]), rules.find((r) => r.owner === RESELLERS[0])?.id ?? null, now - 60_000, now + 86_400_000, 'known issue', 'reseller');
    silence.run(null, scope(layout.installations.slice(0, 1)), null, now - 7_200_000, now - 3_600_000, 'last night', 'noc');
  })();
  db.close();
  return { rules, holders };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { AlertsDb } from '../../src/alerts/alerts-db.js';
import { DashboardConfigSource } from '../../src/alerts/config-source.js';
import { AlertEngine } from '../../src/alerts/engine.js';
import { FleetFacts } from '../../src/alerts/fleet-facts.js';
import { FleetDb } from '../../src/registry/fleet-db.js';

/**
 * The dashboard's side of the contract as the engine sees it: dashboard.db publishing the
 * read_v1 views of docs/DESIGN.md "Alerting". Here they are plain tables with those names and
 * columns (the engine only reads them), so the engine is tested without the dashboard; the
 * integration tests use the dashboard's real store.
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

export interface RuleSpec {
  name?: string;
  owner?: number | null;
  condition: object;
  scope?: { installations?: string[]; sites?: string[]; recorders?: string[] };
  forSeconds?: number;
  severity?: string;
  whenCovered?: string;
  repeatMinutes?: number;
  channels?: number[];
  enabled?: boolean;
}

export function alertingFixture(options: { groupWindowMs?: number; catchUpQuietMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-alerts-'));
  let now = Date.UTC(2026, 11, 1, 9);
  const fleet = new FleetDb(join(dir, 'fleet.db'));
  const dashboard = new Database(join(dir, 'dashboard.db'));
  dashboard.exec(DASHBOARD_STAND_IN);
  const logger = pino({ level: 'silent' });
  let db = new AlertsDb(join(dir, 'alerts.db'));
  let fleetReader = new Database(join(dir, 'fleet.db'), { readonly: true });
  let config = new DashboardConfigSource(join(dir, 'dashboard.db'), logger);
  const makeEngine = () =>
    new AlertEngine({
      db,
      facts: new FleetFacts(fleetReader),
      config,
      logger,
      now: () => now,
      groupWindowMs: options.groupWindowMs ?? 0,
      catchUpQuietMs: options.catchUpQuietMs,
    });
  let engine = makeEngine();
  let nextRule = 1;

  const fixture = {
    dir,
    get db() {
      return db;
    },
    get engine() {
      return engine;
    },
    get now() {
      return now;
    },
    advance(ms: number) {
      now += ms;
      engine.tick();
    },
    tick() {
      engine.tick();
    },
    recorder(
      id: string,
      fields: {
        state?: string;
        slc?: string;
        site?: string;
        name?: string;
        coveredBy?: string | null;
        partner?: string;
        cameras?: number;
        licensed?: number;
      } = {},
    ) {
      fleet.db
        .prepare(`INSERT INTO recorders (id, name, installation_slc, installation_name, site_id, site_name, state, state_since, covered_by, failover_partner, camera_count, licensed_cameras)
          VALUES (@id, @name, @slc, @slcName, @site, @siteName, @state, @now, @coveredBy, @partner, @cameras, @licensed)
          ON CONFLICT (id) DO UPDATE SET state = excluded.state, covered_by = excluded.covered_by, camera_count = excluded.camera_count,
            licensed_cameras = excluded.licensed_cameras, installation_slc = excluded.installation_slc, site_id = excluded.site_id`)
        .run({
          id,
          name: fields.name ?? `Recorder ${id}`,
          slc: fields.slc ?? 'SLC-A',
          slcName: `Customer ${fields.slc ?? 'SLC-A'}`,
          site: fields.site ?? 'main',
          siteName: `Site ${fields.site ?? 'main'}`,
          state: fields.state ?? 'online',
          now,
          coveredBy: fields.coveredBy ?? null,
          partner: fields.partner ?? '',
          cameras: fields.cameras ?? 0,
          licensed: fields.licensed ?? 0,
        });
      engine.touchRecorder(id);
    },
    condition(recorderId: string, code: string, subject: string, active: boolean, severity = 'error') {
      fleet.db
        .prepare(`INSERT INTO conditions (recorder_id, code, subject, severity, message, since, active, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (recorder_id, code, subject) DO UPDATE SET active = excluded.active, since = excluded.since, severity = excluded.severity`)
        .run(recorderId, code, subject, severity, `${code} on ${subject}`, now, active ? 1 : 0, now);
    },
    disk(recorderId: string, path: string, usedPercent: number) {
      fleet.db
        .prepare(`INSERT INTO latest_disks (recorder_id, path, total_bytes, free_bytes, at) VALUES (?, ?, 1000, ?, ?)
          ON CONFLICT (recorder_id, path) DO UPDATE SET free_bytes = excluded.free_bytes, at = excluded.at`)
        .run(recorderId, path, Math.round(1000 - usedPercent * 10), now);
    },
    siteUnreachable(slc: string, site: string, unreachable: boolean) {
      if (unreachable)
        fleet.db.prepare('INSERT OR REPLACE INTO site_states (installation_slc, site_id, unreachable_since) VALUES (?, ?, ?)').run(slc, site, now);
      else fleet.db.prepare('DELETE FROM site_states WHERE installation_slc = ? AND site_id = ?').run(slc, site);
      engine.touchSite(slc, site);
    },
    rule(spec: RuleSpec): number {
      const id = nextRule++;
      dashboard
        .prepare(
          `INSERT INTO read_v1_alert_rules VALUES (@id, @name, @owner, @condition, @scope, @forSeconds, @severity, @whenCovered, @repeat, @channels, @enabled, @now)`,
        )
        .run({
          id,
          name: spec.name ?? `rule ${id}`,
          owner: spec.owner ?? null,
          condition: JSON.stringify(spec.condition),
          scope: JSON.stringify({ installations: [], sites: [], recorders: [], ...spec.scope }),
          forSeconds: spec.forSeconds ?? 0,
          severity: spec.severity ?? 'critical',
          whenCovered: spec.whenCovered ?? 'lower',
          repeat: spec.repeatMinutes ?? 0,
          channels: JSON.stringify(spec.channels ?? []),
          enabled: spec.enabled === false ? 0 : 1,
          now,
        });
      return id;
    },
    setRule(id: number, fields: Record<string, unknown>) {
      for (const [column, value] of Object.entries(fields))
        dashboard.prepare(`UPDATE read_v1_alert_rules SET ${column} = ? WHERE id = ?`).run(value as never, id);
    },
    channel(id: number, owner: number | null = null, enabled = true) {
      dashboard
        .prepare('INSERT INTO read_v1_alert_channels VALUES (?, ?, ?, ?, ?, ?)')
        .run(
          id,
          `channel ${id}`,
          owner,
          'webhook',
          JSON.stringify({ url: 'http://127.0.0.1:9/hook', secret: 'x'.repeat(32), timeoutMs: 1000 }),
          enabled ? 1 : 0,
        );
    },
    holder(slc: string, resellerId: number) {
      dashboard.prepare('INSERT OR REPLACE INTO read_v1_installation_holders VALUES (?, ?)').run(slc, resellerId);
    },
    silence(spec: { scope?: object; ruleId?: number | null; startsAt?: number; endsAt: number; owner?: number | null }) {
      dashboard
        .prepare('INSERT INTO read_v1_alert_silences (owner_reseller_id, scope, rule_id, starts_at, ends_at, reason, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          spec.owner ?? null,
          JSON.stringify({ installations: [], sites: [], recorders: [], ...spec.scope }),
          spec.ruleId ?? null,
          spec.startsAt ?? now,
          spec.endsAt,
          'maintenance',
          'noc',
        );
    },
    acknowledge(alertId: number) {
      dashboard.prepare('INSERT INTO read_v1_alert_acks VALUES (?, ?, ?, ?)').run(alertId, 'noc', now, 'on it');
    },
    /** Every alert row, oldest first. */
    alerts() {
      return db.db.prepare('SELECT * FROM read_v1_alerts ORDER BY id').all() as Array<{
        id: number;
        rule_id: number;
        target_kind: string;
        target_id: string;
        state: string;
        severity: string;
        summary: string;
        inhibited: number;
        condition_key: string;
        pending_since: number;
        firing_since: number | null;
        resolved_at: number | null;
        notified_count: number;
      }>;
    },
    transitions(alertId: number) {
      return (
        db.db
          .prepare(`SELECT state, at FROM read_v1_alert_transitions WHERE alert_id = ?
        ORDER BY at, CASE state WHEN 'pending' THEN 0 WHEN 'firing' THEN 1 ELSE 2 END`)
          .all(alertId) as Array<{ state: string; at: number }>
      ).map((row) => row.state);
    },
    notifications() {
      return (
        db.db
          .prepare('SELECT id, channel_id AS channelId, kind, alert_ids AS alertIds, status, next_attempt_at AS dueAt FROM notifications ORDER BY id')
          .all() as Array<{
          id: number;
          channelId: number;
          kind: string;
          alertIds: string;
          status: string;
          dueAt: number;
        }>
      ).map((row) => ({ ...row, alertIds: JSON.parse(row.alertIds) as number[] }));
    },
    /** Stops the engine and opens everything again from the files, as an ingestor restart does. */
    restart() {
      engine.close();
      db.close();
      config.close();
      fleetReader.close();
      db = new AlertsDb(join(dir, 'alerts.db'));
      fleetReader = new Database(join(dir, 'fleet.db'), { readonly: true });
      config = new DashboardConfigSource(join(dir, 'dashboard.db'), logger);
      engine = makeEngine();
      engine.tick();
    },
    close() {
      engine.close();
      db.close();
      config.close();
      fleetReader.close();
      dashboard.close();
      fleet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

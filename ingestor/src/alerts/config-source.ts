import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  ALERT_METRICS,
  ALERT_SEVERITIES,
  ALERT_STATES,
  type AlertChannel,
  type AlertRule,
  type AlertScope,
  type AlertSeverity,
  type ChannelConfig,
  type RuleCondition,
  type Silence,
} from './model.js';

/** What people decided, as the dashboard publishes it (docs/DESIGN.md "Alerting"), read at one moment. */
export interface AlertConfig {
  rules: Map<number, AlertRule>;
  channels: Map<number, AlertChannel>;
  silences: Silence[];
  acknowledged: Set<number>;
  /** Installation SLC -> the reseller user holding it. */
  holders: Map<string, number>;
  testRequests: Array<{ id: number; channelId: number; requestedAt: number }>;
  /**
   * User name -> contact e-mail (null: none set), from read_v1_user_contacts; empty when the
   * dashboard.db predates it (version 1), so a channel's users are then all skipped, with a reason.
   */
  contacts: Map<string, string | null>;
}

/**
 * Reads dashboard.db through its read_v1 views on a read-only connection, again whenever the file
 * changed (PRAGMA data_version). Until the dashboard has created them there is no configuration,
 * which is not the same as none: the engine then leaves every alert as it is.
 */
export class DashboardConfigSource {
  private db: Database.Database | undefined;
  private version = -1;
  private current: AlertConfig | undefined;
  private lastProblem = '';

  constructor(
    private readonly dashboardDbPath: string,
    private readonly logger: Logger,
  ) {}

  /** The configuration now, reloaded if dashboard.db changed; undefined while it cannot be read. */
  read(): { config: AlertConfig; changed: boolean } | undefined {
    try {
      const db = this.connection();
      if (!db) return undefined;
      const version = db.pragma('data_version', { simple: true }) as number;
      if (this.current && version === this.version) return { config: this.current, changed: false };
      this.current = db.transaction(() => load(db, this.logger))();
      this.version = version;
      this.lastProblem = '';
      return { config: this.current, changed: true };
    } catch (error) {
      this.db?.close();
      this.db = undefined;
      const problem = (error as Error).message;
      if (problem !== this.lastProblem) this.logger.warn({ err: problem }, 'alerting waits for the dashboard to publish its alert rules (dashboard.db)');
      this.lastProblem = problem;
      return this.current ? { config: this.current, changed: false } : undefined;
    }
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private connection(): Database.Database | undefined {
    if (this.db) return this.db;
    if (!existsSync(this.dashboardDbPath)) return undefined;
    const db = new Database(this.dashboardDbPath, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    this.db = db;
    return db;
  }
}

interface RuleRow {
  id: number;
  name: string;
  owner_reseller_id: number | null;
  condition: string;
  scope: string;
  for_seconds: number;
  severity: string;
  when_covered: string;
  repeat_minutes: number;
  channel_ids: string;
  enabled: number;
}

function load(db: Database.Database, logger: Logger): AlertConfig {
  const rules = new Map<number, AlertRule>();
  for (const row of db.prepare('SELECT * FROM read_v1_alert_rules WHERE enabled = 1').all() as RuleRow[]) {
    try {
      rules.set(row.id, parseRule(row));
    } catch (error) {
      // The dashboard validates what it stores; a row it could not have written is skipped, loudly.
      logger.error({ ruleId: row.id, err: (error as Error).message }, 'alert rule skipped: it does not say what alerting needs');
    }
  }
  const channels = new Map<number, AlertChannel>();
  for (const row of db.prepare('SELECT id, name, owner_reseller_id, type, config, enabled FROM read_v1_alert_channels').all() as Array<{
    id: number;
    name: string;
    owner_reseller_id: number | null;
    type: string;
    config: string;
    enabled: number;
  }>) {
    try {
      channels.set(row.id, {
        id: row.id,
        name: row.name,
        ownerResellerId: row.owner_reseller_id,
        config: parseChannel(row.type, row.config),
        enabled: row.enabled === 1,
      });
    } catch (error) {
      logger.error({ channelId: row.id, err: (error as Error).message }, 'alert channel skipped: it does not say what alerting needs');
    }
  }
  const silences: Silence[] = [];
  for (const row of db.prepare('SELECT id, owner_reseller_id, scope, rule_id, starts_at, ends_at, reason FROM read_v1_alert_silences').all() as Array<{
    id: number;
    owner_reseller_id: number | null;
    scope: string;
    rule_id: number | null;
    starts_at: number;
    ends_at: number;
    reason: string;
  }>) {
    silences.push({
      id: row.id,
      ownerResellerId: row.owner_reseller_id,
      scope: parseScope(row.scope),
      ruleId: row.rule_id,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      reason: row.reason,
    });
  }
  const acknowledged = new Set((db.prepare('SELECT alert_id FROM read_v1_alert_acks').pluck().all() as number[]).map(Number));
  const holders = new Map(
    (db.prepare('SELECT slc, reseller_id FROM read_v1_installation_holders').all() as Array<{ slc: string; reseller_id: number }>).map((row) => [
      row.slc,
      row.reseller_id,
    ]),
  );
  const testRequests = (
    db.prepare('SELECT id, channel_id, requested_at FROM read_v1_channel_tests').all() as Array<{ id: number; channel_id: number; requested_at: number }>
  ).map((row) => ({ id: row.id, channelId: row.channel_id, requestedAt: row.requested_at }));
  const contacts = new Map<string, string | null>();
  // Published from read model version 2 on; an older dashboard.db has no such view.
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'read_v1_user_contacts'").get() !== undefined) {
    for (const row of db.prepare('SELECT username, contact_email FROM read_v1_user_contacts').all() as Array<{
      username: string;
      contact_email: string | null;
    }>) {
      contacts.set(row.username, row.contact_email);
    }
  }
  return { rules, channels, silences, acknowledged, holders, testRequests, contacts };
}

function parseRule(row: RuleRow): AlertRule {
  const condition = JSON.parse(row.condition) as RuleCondition;
  if (condition.kind === 'problem') {
    if (condition.minSeverity !== undefined && !ALERT_SEVERITIES.includes(condition.minSeverity)) throw new Error(`minSeverity ${condition.minSeverity}`);
  } else if (condition.kind === 'state') {
    if (!Array.isArray(condition.states) || condition.states.some((s) => !(ALERT_STATES as readonly string[]).includes(s))) throw new Error('states');
  } else if (condition.kind === 'metric') {
    if (!ALERT_METRICS.includes(condition.metric) || typeof condition.above !== 'number') throw new Error('metric');
  } else {
    throw new Error(`condition kind ${(condition as { kind: string }).kind}`);
  }
  if (!ALERT_SEVERITIES.includes(row.severity as AlertSeverity)) throw new Error(`severity ${row.severity}`);
  const whenCovered = row.when_covered === 'skip' || row.when_covered === 'same' ? row.when_covered : 'lower';
  return {
    id: row.id,
    name: row.name,
    ownerResellerId: row.owner_reseller_id,
    condition,
    scope: parseScope(row.scope),
    forMs: Math.max(0, row.for_seconds) * 1000,
    severity: row.severity as AlertSeverity,
    whenCovered,
    repeatMs: Math.max(0, row.repeat_minutes) * 60_000,
    channelIds: (JSON.parse(row.channel_ids) as unknown[]).map(Number),
  };
}

function parseScope(text: string): AlertScope {
  const scope = JSON.parse(text) as Partial<AlertScope>;
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return { installations: list(scope.installations), sites: list(scope.sites), recorders: list(scope.recorders) };
}

function parseChannel(type: string, text: string): ChannelConfig {
  const config = JSON.parse(text) as Record<string, unknown>;
  if (type === 'webhook') {
    if (typeof config.url !== 'string' || typeof config.secret !== 'string') throw new Error('webhook needs url and secret');
    return { type, url: config.url, secret: config.secret, timeoutMs: typeof config.timeoutMs === 'number' ? config.timeoutMs : 10_000 };
  }
  if (type === 'email') {
    const to = Array.isArray(config.to) ? config.to.map(String) : [];
    const users = Array.isArray(config.users) ? config.users.map(String) : [];
    if (to.length === 0 && users.length === 0) throw new Error('email needs recipients (to or users)');
    return { type, to, users };
  }
  throw new Error(`channel type ${type}`);
}

import type Database from 'better-sqlite3';
import { publishViews } from '@vigil/ingestor';
import { SEVERITIES, type Severity } from './severity.js';

/**
 * dashboard.db's alerting tables (what people decide: rules, channels, silences,
 * acknowledgements, channel test requests, the audit) and the views the ingestor's alert engine
 * reads of them (docs/DESIGN.md "Alerting", "The two stores' views"). The views are a published
 * contract like fleet.db's read model: columns are only ever added; another meaning is a new
 * version (read_v2_*), published beside the old one.
 */
export const DASHBOARD_READ_MODEL_VERSION = 2;

export const ALERT_TABLES = `
-- owner_reseller_id NULL: NOC's (every installation). A reseller's rule matches only installations it holds.
CREATE TABLE IF NOT EXISTS alert_rules (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL,
  owner_reseller_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  condition         TEXT NOT NULL,
  scope             TEXT NOT NULL,
  for_seconds       INTEGER NOT NULL,
  severity          TEXT NOT NULL,
  when_covered      TEXT NOT NULL CHECK (when_covered IN ('lower', 'skip', 'same')),
  repeat_minutes    INTEGER NOT NULL,
  channel_ids       TEXT NOT NULL,
  enabled           INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  updated_by        TEXT NOT NULL
);
-- config is JSON; a webhook's includes its secret, which no API answer and no audit entry ever carries.
CREATE TABLE IF NOT EXISTS alert_channels (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL,
  owner_reseller_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  type              TEXT NOT NULL CHECK (type IN ('webhook', 'email')),
  config            TEXT NOT NULL,
  enabled           INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  updated_by        TEXT NOT NULL
);
-- rule_id NULL: every rule of its owner (NOC's: every rule). No foreign key: a silence of a deleted rule silences nothing.
CREATE TABLE IF NOT EXISTS alert_silences (
  id                INTEGER PRIMARY KEY,
  owner_reseller_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  scope             TEXT NOT NULL,
  rule_id           INTEGER,
  starts_at         INTEGER NOT NULL,
  ends_at           INTEGER NOT NULL,
  reason            TEXT NOT NULL,
  created_by        TEXT NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_silences_ends ON alert_silences (ends_at);
-- One row per alert of alerts.db (its id); the user's name is copied so a removed user's stay.
CREATE TABLE IF NOT EXISTS alert_acks (
  alert_id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  at       INTEGER NOT NULL,
  comment  TEXT NOT NULL DEFAULT ''
);
-- "Send test" requests; the engine sends each once and records the outcome in alerts.db.
CREATE TABLE IF NOT EXISTS channel_tests (
  id           INTEGER PRIMARY KEY,
  channel_id   INTEGER NOT NULL,
  requested_by TEXT NOT NULL,
  requested_at INTEGER NOT NULL
);
-- Every change to a rule, channel, silence or user. before/after are the API's view of it (never a secret, never a password).
CREATE TABLE IF NOT EXISTS audit_log (
  id                INTEGER PRIMARY KEY,
  at                INTEGER NOT NULL,
  username          TEXT NOT NULL,
  entity            TEXT NOT NULL CHECK (entity IN ('rule', 'channel', 'silence', 'user')),
  entity_id         INTEGER NOT NULL,
  owner_reseller_id INTEGER,
  action            TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  before            TEXT,
  after             TEXT
);
CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity, entity_id);
`;

export const DASHBOARD_READ_VIEWS = {
  rules: 'read_v1_alert_rules',
  channels: 'read_v1_alert_channels',
  silences: 'read_v1_alert_silences',
  acks: 'read_v1_alert_acks',
  holders: 'read_v1_installation_holders',
  channelTests: 'read_v1_channel_tests',
  /** Since version 2: whom an e-mail channel's `users` reach (NULL: no contact e-mail set). */
  userContacts: 'read_v1_user_contacts',
} as const;

const V = DASHBOARD_READ_VIEWS;

const VIEW_SELECTS_V1: Record<Exclude<(typeof V)[keyof typeof V], typeof V.userContacts>, string> = {
  [V.rules]: `SELECT id, name, owner_reseller_id, condition, scope, for_seconds, severity, when_covered, repeat_minutes, channel_ids, enabled, updated_at FROM alert_rules`,
  [V.channels]: `SELECT id, name, owner_reseller_id, type, config, enabled FROM alert_channels`,
  [V.silences]: `SELECT id, owner_reseller_id, scope, rule_id, starts_at, ends_at, reason, created_by FROM alert_silences`,
  [V.acks]: `SELECT alert_id, username AS "by", at, comment FROM alert_acks`,
  [V.holders]: `SELECT slc, reseller_id FROM installations`,
  [V.channelTests]: `SELECT id, channel_id, requested_by, requested_at FROM channel_tests`,
};

const VIEW_SELECTS: Record<(typeof V)[keyof typeof V], string> = {
  ...VIEW_SELECTS_V1,
  [V.userContacts]: `SELECT username, contact_email FROM users`,
};

/**
 * Creates the views (again, if a definition changed) and records the versions, in one transaction
 * each. Version 2 only adds a view, so the file keeps saying it publishes version 1 too.
 */
export function publishDashboardReadModel(db: Database.Database): void {
  publishViews(db, VIEW_SELECTS_V1, 1);
  publishViews(db, VIEW_SELECTS, DASHBOARD_READ_MODEL_VERSION);
}

interface OldRule {
  id: number;
  name: string;
  code: string | null;
  min_severity: string;
  installation_slc: string | null;
  enabled: number;
  created_at: number;
}

/**
 * Rules of the first alerting (a code, a minimum severity, one installation or all) become rules
 * of today's shape, owned by NOC, notifying nobody until someone adds a channel. The old minimum
 * severity becomes the rule's severity, but at least warning: an info alert wakes nobody.
 */
export function migrateOldRules(db: Database.Database): number {
  const old = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rules'").get();
  if (!old) return 0;
  const rows = db.prepare('SELECT id, name, code, min_severity, installation_slc, enabled, created_at FROM rules ORDER BY id').all() as OldRule[];
  const insert = db.prepare(`INSERT INTO alert_rules (id, name, owner_reseller_id, condition, scope, for_seconds, severity, when_covered,
    repeat_minutes, channel_ids, enabled, created_at, updated_at, updated_by)
    VALUES (@id, @name, NULL, @condition, @scope, 0, @severity, 'lower', 240, '[]', @enabled, @createdAt, @createdAt, 'migration')`);
  db.transaction(() => {
    for (const row of rows) {
      const minSeverity = (SEVERITIES as readonly string[]).includes(row.min_severity) ? (row.min_severity as Severity) : 'info';
      const severity: Severity = SEVERITIES.indexOf(minSeverity) < SEVERITIES.indexOf('warning') ? 'warning' : minSeverity;
      insert.run({
        id: row.id,
        name: row.name,
        condition: JSON.stringify({ kind: 'problem', ...(row.code === null ? {} : { code: row.code }), minSeverity }),
        scope: JSON.stringify({ installations: row.installation_slc === null ? [] : [row.installation_slc], sites: [], recorders: [] }),
        severity,
        enabled: row.enabled ? 1 : 0,
        createdAt: row.created_at,
      });
    }
    db.exec('DROP TABLE rules');
  })();
  return rows.length;
}

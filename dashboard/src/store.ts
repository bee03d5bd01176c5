import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  openReadModel,
  READ_MODEL_VIEWS,
  ReadModelUnavailable,
  type DiskRow,
  type RecorderRow,
  type RecorderStateName,
  type ServiceRow,
  type StateChangeRow,
  type TelemetryStore,
} from '@vigil/ingestor';
import { combine, recorderAvailability, type AvailabilityTotals, type Outage } from './availability.js';
import { enrollmentTokenDigest, type FleetPki } from '@vigil/proto/pki';
import { isRecorderId } from '@vigil/proto/wire';
import { bucketWidth, daysToFull, TREND_WINDOW_MS, usedPercent } from './disk-trend.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { attachCurrent, type CurrentValue, currentValueSql, withCurrentJson, withTrends } from './current-values.js';
import { worstState } from './severity.js';
import { bySiteAttention, type SiteAttention, siteAttention } from './site-attention.js';
import {
  ALERT_METRICS,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  isKnownCode,
  scopeMatches,
  type AlertEntry,
  type AlertHistoryEntry,
  type AlertRow,
  type AlertScope,
  type AlertView,
  type AuditEntity,
  type AuditEntry,
  type Channel,
  type ChannelInput,
  type ChannelTestView,
  type Owner,
  type PublicChannelConfig,
  type Rule,
  type RuleInput,
  type Silence,
  type SilenceInput,
  type StoredChannelConfig,
} from './alerting.js';
import { ALERT_TABLES, migrateOldRules, publishDashboardReadModel } from './alert-schema.js';
import { Accounts, type AccountView, cleanContactEmail, migrateAccounts } from './accounts.js';
import { severityRank } from './severity.js';
import { SHIFT_LOG_TABLES } from './shift-log.js';

export type Role = 'admin' | 'noc' | 'reseller';

/** The ingestor's time-series outbox has not drained since `since` (ms); `points` waited then. */
export interface TelemetryStall {
  since: number;
  points: number;
  lastError: string | null;
}
export const ROLES: readonly Role[] = ['admin', 'noc', 'reseller'];

export interface User {
  id: number;
  username: string;
  role: Role;
}

/** Who acknowledged a problem (one episode of it: recorder, code, subject, since), when, and why. */
export interface Acknowledgement {
  by: string;
  at: number;
  comment: string;
}

export interface Problem {
  /** condition: raised and not yet cleared; event: within its lifetime; state: the recorder's (or its site's) own state. */
  kind: 'condition' | 'event' | 'state';
  code: string;
  subject: string;
  severity: string;
  message: string;
  since: number;
  /** Events: how many times since the problem was raised, and the last time. */
  count?: number;
  lastSeen?: number;
  /** Events: when the problem clears unless it happens again (its last occurrence plus its code's lifetime). */
  clearsAt?: number;
  /** Null until a NOC user or admin acknowledges it; an acknowledged problem stays listed (and counts) until it clears. */
  acknowledged: Acknowledgement | null;
  /** The subject's latest reading (disk, licence), for problems that have one; the message is as of the raise. */
  current?: CurrentValue;
}

/** A problem of the recorder's past or present, for "what happened overnight". */
export interface HistoryEntry {
  kind: 'condition' | 'event' | 'state';
  code: string;
  subject: string;
  severity: string;
  message: string;
  start: number;
  /** Null while the problem is still active. */
  end: number | null;
  /** Up to its end, or up to now (or the range's end, when earlier) while active. */
  durationMs: number;
  count?: number;
  acknowledged: Acknowledgement | null;
}

export type AvailabilityScope = 'recorder' | 'site' | 'installation' | 'reseller';

export interface AvailabilityView extends AvailabilityTotals {
  scope: AvailabilityScope;
  id: string;
  from: number;
  to: number;
  /** The recorders counted. */
  recorders: number;
}

export interface RecorderView {
  id: string;
  name: string;
  installation: { slc: string; name: string };
  site: { id: string; name: string; latitude: number | null; longitude: number | null; unreachable: boolean };
  state: RecorderStateName;
  stateSince: number;
  lastSeen: number | null;
  agentVersion: string;
  failoverPartner: string;
  /** The failover partner's id while it is online or degraded (still recording), else null. */
  coveredBy: string | null;
  problems: Problem[];
}

export interface DiskView {
  path: string;
  totalBytes: number;
  freeBytes: number;
  usedPercent: number;
  at: number;
  daysToFull: number | null;
}

export interface RecorderDetail extends RecorderView {
  disks: DiskView[];
  services: Array<{ name: string; running: boolean; at: number }>;
  cameras: { count: number; licensed: number };
  failover: { partner: string | null; partnerState: RecorderStateName | null; covered: boolean };
  vmsProduct: string;
  vmsVersion: string;
  hostname: string;
  /** How far behind the fleet's clock the agent's is (ms, negative: ahead) while the ingestor corrects its times; else null. */
  clockOffsetMs: number | null;
}

export interface SiteView {
  id: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
  installation: { slc: string; name: string };
  worstState: RecorderStateName;
  unreachable: boolean;
  /** How much of the site is wrong, and how badly: the map's colour, order and wording (site-attention.ts). */
  attention: SiteAttention;
  counts: Record<RecorderStateName, number>;
  recorders: Array<{ id: string; name: string; state: RecorderStateName }>;
}

/** How an installation became a reseller's (docs/DESIGN.md "Tenancy"). */
export type OwnershipSource = 'registration' | 'enrollment' | 'admin' | 'approved-claim';

export interface InstallationView {
  slc: string;
  name: string;
  /** When it became the caller's (reseller), or anyone's (NOC/admin); null for an installation no reseller holds. */
  registeredAt: number | null;
  recorders: number;
  /** The reseller holding it: in NOC's and admin's view only (null: nobody); never in a reseller's. */
  owner?: string | null;
  /** How it became its holder's: a recorder enrolled with the holder's token, an admin assigned it, an approved claim, or a registration from before ownership had to be proven. */
  source?: OwnershipSource | null;
}

export type ClaimStatus = 'pending' | 'approved' | 'rejected';

export interface ClaimView {
  id: number;
  slc: string;
  /** From the fleet once a recorder of it has reported, else ''. */
  name: string;
  /** 'slc': asked for by SLC alone; 'enrollment': a recorder enrolled with the reseller's token, but the installation was held or claimed by another. */
  via: 'slc' | 'enrollment';
  recorderId: string | null;
  status: ClaimStatus;
  requestedAt: number;
  decidedAt: number | null;
  /** Admin's view only: who asks, and who holds the installation now (null: nobody). */
  reseller?: string;
  holder?: string | null;
}

export type EnrollmentTokenStatus = 'pending' | 'expired' | 'revoked' | 'enrolled' | 'granted' | 'claim-pending';

export interface EnrollmentTokenView {
  id: number;
  slc: string;
  installationName: string;
  recorderId: string;
  createdAt: number;
  expiresAt: number;
  /**
   * pending: not used yet; enrolled: the recorder has its certificate, and the installation
   * becomes the reseller's once the recorder reports it; granted: it has; claim-pending: the
   * installation was held or claimed by someone else, so an admin decides; expired; revoked.
   */
  status: EnrollmentTokenStatus;
  enrolledAt: number | null;
}

/** A new token: the secret itself is in this answer only (the store keeps its digest). */
export interface NewEnrollmentToken extends EnrollmentTokenView {
  token: string;
}

export interface UserView {
  username: string;
  role: Role;
  createdAt: number;
}

export type { Rule, RuleInput } from './alerting.js';

/** A request the caller's role may not make at all (403). Scope misses are 404s, never this. */
export class Forbidden extends Error {
  readonly statusCode = 403;
}

/** Not there, or not the caller's to see: both answer alike (404), so nothing leaks by probing. */
export class NotFound extends Error {
  readonly statusCode = 404;
}

/** A value the schema could not judge is not right (400); the message names the field. */
export class BadRequest extends Error {
  readonly statusCode = 400;
}

/** The request clashes with what exists (409). The message never names another tenant. */
export class Conflict extends Error {
  readonly statusCode = 409;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'noc', 'reseller')),
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL
);
-- Tenancy: a reseller sees an installation only once it holds it (docs/DESIGN.md "Tenancy"):
-- a recorder enrolled with its token, an admin assigned it or approved its claim. Rows from before
-- ownership had to be proven (source 'registration') stay as they were.
CREATE TABLE IF NOT EXISTS installations (
  slc           TEXT PRIMARY KEY,
  reseller_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  registered_at INTEGER NOT NULL
);
-- Requests for an installation nobody has proven: by SLC alone, or an enrolment into one held or
-- claimed by another reseller. Only an admin turns one into ownership.
CREATE TABLE IF NOT EXISTS claims (
  id           INTEGER PRIMARY KEY,
  slc          TEXT NOT NULL,
  reseller_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  via          TEXT NOT NULL CHECK (via IN ('slc', 'enrollment')),
  recorder_id  TEXT,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_at INTEGER NOT NULL,
  decided_at   INTEGER,
  decided_by   INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS claims_one_pending ON claims (slc, reseller_id) WHERE status = 'pending';
-- Enrolment tokens resellers made (the token itself only as its SHA-256, as in the PKI's file).
CREATE TABLE IF NOT EXISTS enrollment_tokens (
  id                INTEGER PRIMARY KEY,
  digest            TEXT NOT NULL UNIQUE,
  reseller_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  slc               TEXT NOT NULL,
  installation_name TEXT NOT NULL,
  recorder_id       TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  revoked_at        INTEGER,
  enrolled_at       INTEGER,
  outcome           TEXT CHECK (outcome IN ('granted', 'claim'))
);
-- Acknowledged problems, one row per episode (a problem raised again has another since). Kept
-- after the problem cleared, for its history; the user's name is copied so a removed user's stay.
CREATE TABLE IF NOT EXISTS acknowledgements (
  recorder_id TEXT NOT NULL,
  code        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  since       INTEGER NOT NULL,
  username    TEXT NOT NULL,
  at          INTEGER NOT NULL,
  comment     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (recorder_id, code, subject, since)
);
${ALERT_TABLES}`;

const UNKNOWN_USER_HASH = hashPassword(randomBytes(16).toString('hex'));
const SESSION_TTL_MS = 12 * 3_600_000;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64');

/** A recorder row as the dashboard's scoped queries return it (the read model's recorder, with its site's reachability). */
type ScopedRecorderRow = Pick<
  RecorderRow,
  | 'id'
  | 'name'
  | 'installationSlc'
  | 'installationName'
  | 'siteId'
  | 'siteName'
  | 'latitude'
  | 'longitude'
  | 'failoverPartner'
  | 'agentVersion'
  | 'state'
  | 'stateSince'
  | 'lastSeen'
  | 'coveredBy'
> & {
  /** When its site became unreachable as a whole, else null. */
  siteUnreachableSince: number | null;
};

type DetailRow = ScopedRecorderRow &
  Pick<RecorderRow, 'vmsProduct' | 'vmsVersion' | 'hostname' | 'cameraCount' | 'licensedCameras'> & { clockOffsetMs: number | null };

interface Scope {
  all: 0 | 1;
  userId: number;
}

/**
 * Problems a recorder has because of its state rather than a reported condition. Written once
 * here and used both by the JS views and, as bound parameters, by the list's SQL (recordersJsonFor).
 */
const STATE_PROBLEMS = {
  // One site-level problem instead of one per recorder: the network, not the recorders, is likely at fault.
  siteUnreachable: {
    code: 'site-unreachable',
    // As bad as a recorder lost by its last will: nothing of the site records or is watched.
    severity: 'critical',
    message: 'site unreachable: all its recorders stopped answering at once (site network or power)',
  },
  unavailable: { code: 'recorder-unavailable', severity: 'error', message: 'missed 3 heartbeats: the recorder or its network is down' },
  offline: { code: 'recorder-unavailable', severity: 'critical', message: 'connection lost (last will): the agent process or host went away' },
} as const;

function stateProblem(row: ScopedRecorderRow): Problem | undefined {
  if (row.state !== 'unavailable' && row.state !== 'offline') return undefined;
  if (row.siteUnreachableSince !== null)
    return { kind: 'state', ...STATE_PROBLEMS.siteUnreachable, subject: row.siteId, since: row.siteUnreachableSince, acknowledged: null };
  return { kind: 'state', ...STATE_PROBLEMS[row.state], subject: row.id, since: row.stateSince, acknowledged: null };
}

const ackKey = (recorderId: string, problem: { code: string; subject: string; since: number }) =>
  `${recorderId}\u0000${problem.code}\u0000${problem.subject}\u0000${problem.since}`;

/** The list's SQL for a problem's acknowledgement (JSON or NULL), given the SQL of its code, subject and since. */
const ackJson = (code: string, subject: string, since: string) =>
  `json((SELECT json_object('by', a.username, 'at', a.at, 'comment', a.comment) FROM main.acknowledgements a
    WHERE a.recorder_id = r.id AND a.code = ${code} AND a.subject = ${subject} AND a.since = ${since}))`;

/** STATE_PROBLEMS as the named parameters of the list's SQL. */
const STATE_PROBLEM_PARAMS = {
  siteCode: STATE_PROBLEMS.siteUnreachable.code,
  siteSeverity: STATE_PROBLEMS.siteUnreachable.severity,
  siteMessage: STATE_PROBLEMS.siteUnreachable.message,
  unavailableCode: STATE_PROBLEMS.unavailable.code,
  unavailableSeverity: STATE_PROBLEMS.unavailable.severity,
  unavailableMessage: STATE_PROBLEMS.unavailable.message,
  offlineCode: STATE_PROBLEMS.offline.code,
  offlineSeverity: STATE_PROBLEMS.offline.severity,
  offlineMessage: STATE_PROBLEMS.offline.message,
};

/** How often a cached list is rebuilt anyway, so events leave the list when their lifetime ends even while the ingestor is away. */
const EVENT_WINDOW_STEP_MS = 10_000;
/** The most a list lags behind fleet.db (last_seen, a further problem on an already degraded recorder). */
export const LIST_MAX_AGE_MS = 1_000;
/**
 * After a state change was published, how long every fleet.db change rebuilds the list. The
 * ingestor publishes from inside the transaction that records the change, so its commit can land
 * a moment after the message; pages refetch right after the live event, well within this.
 */
const STRICT_AFTER_STATE_CHANGE_MS = 500;

/** How often a dashboard started before the ingestor looks for fleet.db again, and how often it says it still waits. */
const READ_MODEL_RETRY_MS = 500;
const WAITING_LOG_EVERY_MS = 30_000;

export interface StoreOptions {
  telemetry?: TelemetryStore;
  /** The fleet PKI (shared data directory): resellers' enrolment tokens are made in it and the broker's redemptions read from it. */
  pki?: FleetPki;
  /** How often redeemed tokens are looked for (default 1 s); 0: only when asked (settleEnrollments). */
  settleEveryMs?: number;
  log?: { warn(details: object, message: string): void; info(details: object, message: string): void };
  /** The alert engine's alerts.db (default: beside fleet.db). Opened read-only once it exists; never created here. */
  alertsDbPath?: string;
}

/** How long a token may live: an installer has a week by default, a month at most. */
export const ENROLLMENT_TOKEN_TTL_MS = 7 * 86_400_000;
export const ENROLLMENT_TOKEN_MAX_TTL_MS = 30 * 86_400_000;
/** A token redeemed just before it expired is still looked for this long after. */
const REDEMPTION_GRACE_MS = 86_400_000;

export interface OpenStoreOptions extends StoreOptions {
  log: NonNullable<StoreOptions['log']>;
  /** Gives up waiting for fleet.db (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  retryMs?: number;
}

/** The tenancy rule, the only place it is written down: NOC and admin (@all = 1) everything, a reseller the installations it holds. */
export const visibleSlc = (column: string) => `(@all = 1 OR ${column} IN (SELECT slc FROM main.installations WHERE reseller_id = @userId))`;

/** The views of alerts.db the dashboard reads (docs/DESIGN.md "Alerting"); without all of them it shows no alerts. */
const ALERTS_DB_VIEWS = ['read_v1_alerts', 'read_v1_alert_transitions', 'read_v1_channel_status', 'read_v1_channel_test_results'] as const;
const ALERTS_SCHEMA = 'alerts';
const ALERTS_RETRY_MS = 500;
/** What "resolved today" and the silences list look back over. */
const RECENT_MS = 86_400_000;
/** The longest silence. */
const MAX_SILENCE_MS = 366 * 86_400_000;

const emptyCounts = (): Record<RecorderStateName, number> => ({ online: 0, degraded: 0, unavailable: 0, offline: 0, stopped: 0 });

/**
 * The dashboard's own data (users, sessions, installations' holders, claims, enrolment tokens, alert rules) in dashboard.db,
 * and the fleet as the ingestor publishes it. Two connections: `db` writes dashboard.db only;
 * `reader` is opened read-only (SQLITE_OPEN_READONLY) on dashboard.db with the ingestor's
 * fleet.db attached as `fleet`, so that tenancy is one SQL condition and nothing here can write
 * fleet.db. Of fleet.db it reads only the read model's views (READ_MODEL_VIEWS): the ingestor
 * owns the tables. The constructor throws ReadModelUnavailable while fleet.db is missing or
 * unpublished (DashboardStore.open waits for it); it never creates or migrates fleet tables.
 * Every route reads and changes data only through this class, which takes the calling user and
 * applies the tenancy rule (docs/DESIGN.md "Tenancy") and the role rules here, in one place:
 * - NOC and admin see every installation; a reseller only those it holds (enrolled with its token, assigned or approved by an admin);
 * - out of scope answers exactly like nonexistent (NotFound);
 * - users are managed by admins, rules by NOC and admins, claims and tokens by resellers, decisions and assignments by admins (Forbidden).
 */
export class DashboardStore {
  /** dashboard.db, writable: the dashboard's own tables. */
  readonly db: Database.Database;
  /** Opened read-only (SQLITE_OPEN_READONLY): dashboard.db as `main` and fleet.db's read model as `fleet`. */
  readonly reader: Database.Database;
  /** Bumped by our own writes that change what a caller sees, so a cached list never depends on when `reader` notices them. */
  private generation = 0;
  private readonly listCache = new Map<string, { version: string; fleetVersion: number; builtAt: number; json: Buffer }>();
  /** Until then, any fleet.db change rebuilds the list (see recordersJsonFor). */
  private strictUntil = 0;
  private readonly telemetry: TelemetryStore | undefined;
  private readonly pki: FleetPki | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private readonly q;
  private readonly alertsDbPath: string;
  /** Statements on alerts.db, once it is attached to `reader`. */
  private aq: ReturnType<DashboardStore['prepareAlertQueries']> | undefined;
  private alertsTriedAt = 0;
  /** Bumped by acknowledgements and silences: they change alert entries without alerts.db changing. */
  private alertGeneration = 0;
  /** Told of every acknowledgement and silence change (the live plugin sends the `alerts` event). */
  readonly alertListeners = new Set<() => void>();
  /** Users as people manage them: roles, passwords, contact e-mails, last logins (accounts.ts). */
  readonly accounts: Accounts;

  /**
   * The store, once the ingestor has published the read model in fleet.db. A dashboard started
   * before the ingestor (or beside an older one) waits here, saying so in the log, and never
   * creates fleet.db itself.
   */
  static async open(dashboardDbPath: string, fleetDbPath: string, options: OpenStoreOptions): Promise<DashboardStore> {
    const retryMs = options.retryMs ?? READ_MODEL_RETRY_MS;
    let waitingSince: number | undefined;
    let loggedAt = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      try {
        const store = new DashboardStore(dashboardDbPath, fleetDbPath, options);
        if (waitingSince !== undefined) options.log.info({ fleetDbPath, waitedMs: Date.now() - waitingSince }, 'fleet.db is ready: serving');
        return store;
      } catch (error) {
        if (!(error instanceof ReadModelUnavailable)) throw error;
        const now = Date.now();
        waitingSince ??= now;
        if (now - loggedAt >= WAITING_LOG_EVERY_MS) {
          loggedAt = now;
          options.log.warn(
            { fleetDbPath, reason: error.reason, detail: error.message },
            'waiting for the ingestor to create fleet.db (start "vigil ingestor" with the same --data-dir)',
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  /** Throws ReadModelUnavailable while fleet.db is missing or does not publish the read model (see open). */
  constructor(dashboardDbPath: string, fleetDbPath: string, options: StoreOptions = {}) {
    this.telemetry = options.telemetry;
    this.pki = options.pki;
    this.alertsDbPath = options.alertsDbPath ?? join(dirname(fleetDbPath), 'alerts.db');
    mkdirSync(dirname(dashboardDbPath), { recursive: true });
    // Webhook secrets live here: the file (and its WAL, which SQLite creates with the file's mode) is the owner's only.
    if (!existsSync(dashboardDbPath)) closeSync(openSync(dashboardDbPath, 'a', 0o600));
    this.db = new Database(dashboardDbPath);
    try {
      this.db.pragma('journal_mode = WAL');
      for (const file of [dashboardDbPath, `${dashboardDbPath}-wal`, `${dashboardDbPath}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('foreign_keys = ON');
      this.db.exec(SCHEMA);
      migrate(this.db);
      migrateAccounts(this.db);
      this.db.exec(SHIFT_LOG_TABLES);
      const migrated = migrateOldRules(this.db);
      if (migrated > 0) options.log?.info({ rules: migrated }, 'alert rules migrated to the new shape (owned by NOC, no channels yet)');
      publishDashboardReadModel(this.db);
      this.reader = openReadModel(fleetDbPath, dashboardDbPath);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const { db, reader } = this;
    const V = READ_MODEL_VIEWS;
    const recorderColumns = `r.id, r.name, r.installation_slc AS installationSlc, r.installation_name AS installationName,
      r.site_id AS siteId, r.site_name AS siteName, r.latitude, r.longitude, r.failover_partner AS failoverPartner,
      r.agent_version AS agentVersion, r.state, r.state_since AS stateSince, r.last_seen AS lastSeen, r.covered_by AS coveredBy,
      s.unreachable_since AS siteUnreachableSince`;
    const withSite = `fleet.${V.recorders} r LEFT JOIN fleet.${V.unreachableSites} s ON s.installation_slc = r.installation_slc AND s.site_id = r.site_id`;
    const stateCode = `CASE WHEN s.unreachable_since IS NOT NULL THEN @siteCode WHEN r.state = 'unavailable' THEN @unavailableCode ELSE @offlineCode END`;
    const stateSubject = 'CASE WHEN s.unreachable_since IS NOT NULL THEN r.site_id ELSE r.id END';
    const stateSince = 'COALESCE(s.unreachable_since, r.state_since)';
    // The tenancy rule, the only place it is written down.
    const visible = visibleSlc('r.installation_slc');
    this.q = {
      userByName: db.prepare('SELECT id, username, role, password_hash AS passwordHash FROM users WHERE username = ?'),
      users: db.prepare('SELECT username, role, created_at AS createdAt FROM users ORDER BY username'),
      insertUser: db.prepare('INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)'),
      deleteUser: db.prepare('DELETE FROM users WHERE username = ?'),
      setPassword: db.prepare('UPDATE users SET password_hash = ? WHERE username = ?'),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)'),
      sessionUser: db.prepare(`SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.expires_at > ?`),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      holder: db.prepare('SELECT reseller_id AS resellerId FROM installations WHERE slc = ?'),
      grant: db.prepare(`INSERT INTO installations (slc, reseller_id, registered_at, source) VALUES (@slc, @resellerId, @at, @source)
        ON CONFLICT (slc) DO UPDATE SET reseller_id = excluded.reseller_id, registered_at = excluded.registered_at, source = excluded.source`),
      unregister: db.prepare('DELETE FROM installations WHERE slc = ? AND reseller_id = ?'),
      ownInstallations: reader.prepare(`SELECT i.slc, COALESCE(MAX(r.installation_name), '') AS name, i.registered_at AS registeredAt, COUNT(r.id) AS recorders,
        i.source FROM installations i LEFT JOIN fleet.${V.recorders} r ON r.installation_slc = i.slc WHERE i.reseller_id = ? GROUP BY i.slc ORDER BY name, i.slc`),
      allInstallations:
        reader.prepare(`SELECT a.slc, MAX(a.name) AS name, i.registered_at AS registeredAt, SUM(a.n) AS recorders, u.username AS owner, i.source FROM (
          SELECT installation_slc AS slc, MAX(installation_name) AS name, COUNT(*) AS n FROM fleet.${V.recorders} WHERE installation_slc <> '' GROUP BY installation_slc
          UNION ALL SELECT slc, '' AS name, 0 AS n FROM installations
        ) a LEFT JOIN installations i ON i.slc = a.slc LEFT JOIN users u ON u.id = i.reseller_id GROUP BY a.slc ORDER BY name, a.slc`),
      pendingClaim: db.prepare(`SELECT id FROM claims WHERE slc = ? AND reseller_id = ? AND status = 'pending'`),
      othersPendingClaim: db.prepare(`SELECT 1 FROM claims WHERE slc = ? AND reseller_id <> ? AND status = 'pending' LIMIT 1`),
      insertClaim: db.prepare(
        `INSERT INTO claims (slc, reseller_id, via, recorder_id, status, requested_at) VALUES (@slc, @resellerId, @via, @recorderId, 'pending', @at)`,
      ),
      decideClaim: db.prepare(`UPDATE claims SET status = @status, decided_at = @at, decided_by = @by WHERE id = @id AND status = 'pending'`),
      settleOwnClaims: db.prepare(
        `UPDATE claims SET status = 'approved', decided_at = @at, decided_by = @by WHERE slc = @slc AND reseller_id = @resellerId AND status = 'pending'`,
      ),
      claimEnrolled: db.prepare(`UPDATE claims SET via = 'enrollment', recorder_id = ? WHERE id = ?`),
      withdrawClaim: db.prepare(`DELETE FROM claims WHERE id = ? AND reseller_id = ? AND status = 'pending'`),
      claim: db.prepare(`SELECT id, slc, reseller_id AS resellerId, status FROM claims WHERE id = ?`),
      // Names come from the fleet (the first recorder that reported) or, for an enrolment, from the reseller's token.
      // A reseller gets no name from the fleet: the installation is not (yet) its to read.
      claims:
        reader.prepare(`SELECT c.id, c.slc, COALESCE((SELECT MAX(r.installation_name) FROM fleet.${V.recorders} r WHERE @all = 1 AND r.installation_slc = c.slc),
          (SELECT MAX(t.installation_name) FROM enrollment_tokens t WHERE t.slc = c.slc AND t.reseller_id = c.reseller_id), '') AS name,
          c.via, c.recorder_id AS recorderId, c.status, c.requested_at AS requestedAt, c.decided_at AS decidedAt,
          u.username AS reseller, h.username AS holder
        FROM claims c JOIN users u ON u.id = c.reseller_id LEFT JOIN installations i ON i.slc = c.slc LEFT JOIN users h ON h.id = i.reseller_id
        WHERE (@all = 1 OR c.reseller_id = @userId) AND (c.status = 'pending' OR c.decided_at >= @decidedSince)
        ORDER BY c.status = 'pending' DESC, c.requested_at, c.id`),
      insertToken: db.prepare(`INSERT INTO enrollment_tokens (digest, reseller_id, slc, installation_name, recorder_id, created_at, expires_at)
        VALUES (@digest, @resellerId, @slc, @installationName, @recorderId, @createdAt, @expiresAt)`),
      tokens: db.prepare(`SELECT id, slc, installation_name AS installationName, recorder_id AS recorderId, created_at AS createdAt, expires_at AS expiresAt,
          revoked_at AS revokedAt, enrolled_at AS enrolledAt, outcome FROM enrollment_tokens
        WHERE reseller_id = @userId AND revoked_at IS NULL AND (expires_at >= @since OR enrolled_at IS NOT NULL)
        ORDER BY created_at DESC, id DESC`),
      token:
        db.prepare(`SELECT id, digest, reseller_id AS resellerId, slc, installation_name AS installationName, recorder_id AS recorderId, created_at AS createdAt,
          expires_at AS expiresAt, revoked_at AS revokedAt, enrolled_at AS enrolledAt, outcome FROM enrollment_tokens WHERE id = ?`),
      revokeToken: db.prepare('UPDATE enrollment_tokens SET revoked_at = ? WHERE id = ?'),
      resellerTokenDigests: db
        .prepare(`SELECT t.digest FROM enrollment_tokens t JOIN users u ON u.id = t.reseller_id
        WHERE u.username = ? AND t.revoked_at IS NULL AND t.enrolled_at IS NULL`)
        .pluck(),
      liveTokenFor: db.prepare(
        `SELECT reseller_id AS resellerId FROM enrollment_tokens WHERE recorder_id = ? AND revoked_at IS NULL AND enrolled_at IS NULL AND expires_at > ?`,
      ),
      unsettledTokens:
        db.prepare(`SELECT id, digest, reseller_id AS resellerId, slc, recorder_id AS recorderId, enrolled_at AS enrolledAt FROM enrollment_tokens
        WHERE outcome IS NULL AND revoked_at IS NULL AND (enrolled_at IS NOT NULL OR expires_at > ?)`),
      markEnrolled: db.prepare('UPDATE enrollment_tokens SET enrolled_at = ? WHERE id = ? AND enrolled_at IS NULL'),
      settleToken: db.prepare('UPDATE enrollment_tokens SET outcome = ? WHERE id = ?'),
      reportedSlc: reader.prepare(`SELECT installation_slc FROM fleet.${V.recorders} WHERE id = ?`).pluck(),
      recorders: reader.prepare(`SELECT ${recorderColumns} FROM ${withSite} WHERE ${visible} ORDER BY r.installation_name, r.site_name, r.name, r.id`),
      // The same list as recordersFor() maps in JS, built as JSON text by SQLite itself: for 10,000
      // recorders this is several times faster than making JS objects and stringifying them.
      // api.test.ts checks that both give the same answer.
      // (group_concat rather than json_group_array for the outer list: it does not parse each row's JSON again.)
      // In no particular order: sorting 4 MB of JSON rows costs SQLite as much as building them,
      // and the page sorts (worst first) anyway.
      recordersJson: reader
        .prepare(`SELECT '[' || COALESCE(group_concat(j, ','), '') || ']' FROM (
        SELECT json_object(
          'id', r.id, 'name', CASE WHEN r.name = '' THEN r.id ELSE r.name END,
          'installation', json_object('slc', r.installation_slc, 'name', r.installation_name),
          'site', json_object('id', r.site_id, 'name', r.site_name, 'latitude', r.latitude, 'longitude', r.longitude,
            'unreachable', json(CASE WHEN s.unreachable_since IS NULL THEN 'false' ELSE 'true' END)),
          'state', r.state, 'stateSince', r.state_since, 'lastSeen', r.last_seen, 'agentVersion', r.agent_version,
          'failoverPartner', r.failover_partner, 'coveredBy', r.covered_by,
          'problems', (SELECT json_group_array(json(p.j) ORDER BY p.o, p.k, p.code, p.subject) FROM (
            SELECT 0 AS o, 0 AS k, '' AS code, '' AS subject, json_object('kind', 'state',
              'code', ${stateCode},
              'subject', ${stateSubject},
              'severity', CASE WHEN s.unreachable_since IS NOT NULL THEN @siteSeverity WHEN r.state = 'unavailable' THEN @unavailableSeverity ELSE @offlineSeverity END,
              'message', CASE WHEN s.unreachable_since IS NOT NULL THEN @siteMessage WHEN r.state = 'unavailable' THEN @unavailableMessage ELSE @offlineMessage END,
              'since', ${stateSince}, 'acknowledged', ${ackJson(stateCode, stateSubject, stateSince)}) AS j
            WHERE r.state IN ('unavailable', 'offline')
            UNION ALL
            SELECT 1, c.since, c.code, c.subject, ${withCurrentJson(
              `json_object('kind', 'condition', 'code', c.code, 'subject', c.subject, 'severity', c.severity,
              'message', c.message, 'since', c.since, 'acknowledged', ${ackJson('c.code', 'c.subject', 'c.since')})`,
              'r.id',
              'c.code',
              'c.subject',
            )}
            FROM fleet.${V.conditions} c WHERE c.recorder_id = r.id
            UNION ALL
            SELECT 2, -e.last_seen, e.code, e.subject, ${withCurrentJson(
              `json_object('kind', 'event', 'code', e.code, 'subject', e.subject, 'severity', e.severity,
              'message', e.message, 'since', e.since, 'count', e.count, 'lastSeen', e.last_seen, 'clearsAt', e.expires_at,
              'acknowledged', ${ackJson('e.code', 'e.subject', 'e.since')})`,
              'r.id',
              'e.code',
              'e.subject',
            )}
            FROM fleet.${V.eventProblems} e WHERE e.recorder_id = r.id AND e.expires_at > @now
          ) p)
        ) AS j FROM ${withSite} WHERE ${visible})`)
        .pluck(),
      stateCounts: reader.prepare(`SELECT r.state, COUNT(*) AS n FROM fleet.${V.recorders} r WHERE ${visible} GROUP BY r.state`),
      fleetVersion: reader.prepare('PRAGMA fleet.data_version').pluck(),
      ownVersion: reader.prepare('PRAGMA main.data_version').pluck(),
      recorder: reader.prepare(`SELECT ${recorderColumns}, r.vms_product AS vmsProduct, r.vms_version AS vmsVersion, r.hostname,
        r.camera_count AS cameraCount, r.licensed_cameras AS licensedCameras, r.clock_offset_ms AS clockOffsetMs
        FROM ${withSite} WHERE r.id = @id AND ${visible}`),
      visibleState: reader.prepare(`SELECT r.state FROM fleet.${V.recorders} r WHERE r.id = @id AND ${visible}`),
      conditions: reader.prepare(`SELECT c.recorder_id AS recorderId, 'condition' AS kind, c.code, c.subject, c.severity, c.message, c.since,
        ${currentValueSql('c.recorder_id', 'c.code', 'c.subject')} AS current
        FROM fleet.${V.conditions} c JOIN fleet.${V.recorders} r ON r.id = c.recorder_id WHERE ${visible} ORDER BY c.since, c.code, c.subject`),
      conditionsOf: reader.prepare(`SELECT 'condition' AS kind, code, subject, severity, message, since,
        ${currentValueSql('recorder_id', 'code', 'subject')} AS current
        FROM fleet.${V.conditions} WHERE recorder_id = ? ORDER BY since, code, subject`),
      events: reader.prepare(`SELECT e.recorder_id AS recorderId, 'event' AS kind, e.code, e.subject, e.severity, e.message, e.since,
        e.count, e.last_seen AS lastSeen, e.expires_at AS clearsAt, ${currentValueSql('e.recorder_id', 'e.code', 'e.subject')} AS current
        FROM fleet.${V.eventProblems} e JOIN fleet.${V.recorders} r ON r.id = e.recorder_id WHERE e.expires_at > @now AND ${visible}
        ORDER BY e.last_seen DESC, e.code, e.subject`),
      eventsOf: reader.prepare(`SELECT 'event' AS kind, code, subject, severity, message, since, count, last_seen AS lastSeen, expires_at AS clearsAt,
        ${currentValueSql('recorder_id', 'code', 'subject')} AS current
        FROM fleet.${V.eventProblems} WHERE recorder_id = ? AND expires_at > ? ORDER BY last_seen DESC, code, subject`),
      acknowledgements: db.prepare('SELECT recorder_id AS recorderId, code, subject, since, username AS by, at, comment FROM acknowledgements'),
      acknowledgementsOf: db.prepare(
        'SELECT recorder_id AS recorderId, code, subject, since, username AS by, at, comment FROM acknowledgements WHERE recorder_id = ?',
      ),
      acknowledge: db.prepare(`INSERT INTO acknowledgements (recorder_id, code, subject, since, username, at, comment)
        VALUES (@recorderId, @code, @subject, @since, @username, @at, @comment) ON CONFLICT DO NOTHING`),
      problemHistory: reader.prepare(`SELECT kind, code, subject, severity, message, started_at AS start, ended_at AS end, count
        FROM fleet.${V.problemHistory} WHERE recorder_id = @id AND ended_at >= @from AND started_at <= @to ORDER BY started_at, code, subject`),
      siteRecorders: reader
        .prepare(`SELECT r.id FROM fleet.${V.recorders} r WHERE r.installation_slc = @slc AND r.site_id = @siteId AND ${visible} ORDER BY r.id`)
        .pluck(),
      installationRecorders: reader.prepare(`SELECT r.id FROM fleet.${V.recorders} r WHERE r.installation_slc = @slc AND ${visible} ORDER BY r.id`).pluck(),
      resellerRecorders: reader
        .prepare(`SELECT r.id FROM fleet.${V.recorders} r
          WHERE r.installation_slc IN (SELECT slc FROM installations WHERE reseller_id = @resellerId) AND ${visible} ORDER BY r.id`)
        .pluck(),
      // ---- alerting: what people decide (dashboard.db) ----
      rules: db.prepare(`SELECT r.*, u.username AS ownerName FROM alert_rules r LEFT JOIN users u ON u.id = r.owner_reseller_id
        WHERE @all = 1 OR r.owner_reseller_id = @userId ORDER BY r.id`),
      rule: db.prepare('SELECT r.*, u.username AS ownerName FROM alert_rules r LEFT JOIN users u ON u.id = r.owner_reseller_id WHERE r.id = ?'),
      insertRule: db.prepare(`INSERT INTO alert_rules (name, owner_reseller_id, condition, scope, for_seconds, severity, when_covered, repeat_minutes,
        channel_ids, enabled, created_at, updated_at, updated_by) VALUES (@name, @owner, @condition, @scope, @forSeconds, @severity, @whenCovered,
        @repeatMinutes, @channelIds, @enabled, @at, @at, @by)`),
      updateRule: db.prepare(`UPDATE alert_rules SET name = @name, condition = @condition, scope = @scope, for_seconds = @forSeconds, severity = @severity,
        when_covered = @whenCovered, repeat_minutes = @repeatMinutes, channel_ids = @channelIds, enabled = @enabled, updated_at = @at, updated_by = @by
        WHERE id = @id`),
      deleteRule: db.prepare('DELETE FROM alert_rules WHERE id = ?'),
      channels: db.prepare(`SELECT c.*, u.username AS ownerName FROM alert_channels c LEFT JOIN users u ON u.id = c.owner_reseller_id
        WHERE @all = 1 OR c.owner_reseller_id = @userId ORDER BY c.id`),
      channel: db.prepare('SELECT c.*, u.username AS ownerName FROM alert_channels c LEFT JOIN users u ON u.id = c.owner_reseller_id WHERE c.id = ?'),
      ownedChannel: db.prepare('SELECT id FROM alert_channels WHERE id = ? AND owner_reseller_id IS ?').pluck(),
      insertChannel: db.prepare(`INSERT INTO alert_channels (name, owner_reseller_id, type, config, enabled, created_at, updated_at, updated_by)
        VALUES (@name, @owner, @type, @config, @enabled, @at, @at, @by)`),
      updateChannel: db.prepare(`UPDATE alert_channels SET name = @name, type = @type, config = @config, enabled = @enabled, updated_at = @at, updated_by = @by
        WHERE id = @id`),
      deleteChannel: db.prepare('DELETE FROM alert_channels WHERE id = ?'),
      rulesUsingChannel: db.prepare(`SELECT r.name FROM alert_rules r, json_each(r.channel_ids) j WHERE j.value = ? ORDER BY r.id`).pluck(),
      insertChannelTest: db.prepare('INSERT INTO channel_tests (channel_id, requested_by, requested_at) VALUES (?, ?, ?)'),
      channelTest: db.prepare('SELECT id, channel_id AS channelId, requested_by AS requestedBy, requested_at AS requestedAt FROM channel_tests WHERE id = ?'),
      lastChannelTest: db.prepare(`SELECT id, channel_id AS channelId, requested_by AS requestedBy, requested_at AS requestedAt FROM channel_tests
        WHERE channel_id = ? ORDER BY id DESC LIMIT 1`),
      silences: db.prepare(`SELECT s.*, u.username AS ownerName FROM alert_silences s LEFT JOIN users u ON u.id = s.owner_reseller_id
        WHERE (@all = 1 OR s.owner_reseller_id = @userId) AND s.ends_at >= @since ORDER BY s.starts_at, s.id`),
      activeSilences: db.prepare(`SELECT s.*, u.username AS ownerName FROM alert_silences s LEFT JOIN users u ON u.id = s.owner_reseller_id
        WHERE s.starts_at <= @now AND s.ends_at > @now ORDER BY s.id`),
      silence: db.prepare('SELECT s.*, u.username AS ownerName FROM alert_silences s LEFT JOIN users u ON u.id = s.owner_reseller_id WHERE s.id = ?'),
      insertSilence: db.prepare(`INSERT INTO alert_silences (owner_reseller_id, scope, rule_id, starts_at, ends_at, reason, created_by, created_at)
        VALUES (@owner, @scope, @ruleId, @startsAt, @endsAt, @reason, @by, @at)`),
      endSilence: db.prepare('UPDATE alert_silences SET starts_at = MIN(starts_at, @now), ends_at = @now WHERE id = @id'),
      insertAck: db.prepare('INSERT OR IGNORE INTO alert_acks (alert_id, username, at, comment) VALUES (?, ?, ?, ?)'),
      acks: db.prepare('SELECT alert_id AS alertId, username AS by, at, comment FROM alert_acks WHERE alert_id IN (SELECT value FROM json_each(?))'),
      audit: db.prepare(`INSERT INTO audit_log (at, username, entity, entity_id, owner_reseller_id, action, before, after)
        VALUES (@at, @by, @entity, @entityId, @owner, @action, @before, @after)`),
      auditEntries: db.prepare(`SELECT at, username AS by, entity, entity_id AS entityId, action, before, after FROM audit_log
        WHERE (@all = 1 OR owner_reseller_id = @userId) AND (@entity IS NULL OR entity = @entity) AND (@id IS NULL OR entity_id = @id)
          AND (entity <> 'user' OR @admin = 1)
        ORDER BY at DESC, id DESC LIMIT 1000`),
      // Scope entries as the owner may name them: NOC anything the fleet (or an installation's holder) knows, a reseller what it holds.
      scopeInstallation: reader
        .prepare(`SELECT 1 WHERE ${visibleSlc('@slc')} AND (EXISTS (SELECT 1 FROM fleet.${V.recorders} WHERE installation_slc = @slc)
          OR EXISTS (SELECT 1 FROM main.installations WHERE slc = @slc))`)
        .pluck(),
      scopeSite: reader.prepare(`SELECT 1 FROM fleet.${V.recorders} r WHERE r.installation_slc = @slc AND r.site_id = @siteId AND ${visible} LIMIT 1`).pluck(),
      scopeRecorder: reader.prepare(`SELECT 1 FROM fleet.${V.recorders} r WHERE r.id = @id AND ${visible}`).pluck(),
      disksOf: reader.prepare(`SELECT path, total_bytes AS totalBytes, free_bytes AS freeBytes, at FROM fleet.${V.disks} WHERE recorder_id = ? ORDER BY path`),
      servicesOf: reader.prepare(`SELECT name, running, at FROM fleet.${V.services} WHERE recorder_id = ? ORDER BY name`),
      stateChangesOf: reader.prepare(`
        SELECT state, since FROM fleet.${V.stateChanges} WHERE recorder_id = @id AND since BETWEEN @from AND @to
        UNION ALL
        SELECT * FROM (SELECT state, since FROM fleet.${V.stateChanges} WHERE recorder_id = @id AND since < @from ORDER BY since DESC LIMIT 1)
        ORDER BY since`),
    };
    this.accounts = new Accounts(db);
    this.startSettling(options.settleEveryMs ?? 1_000, options.log);
  }

  // ---- users and sessions --------------------------------------------------------------------

  async createUser(username: string, role: Role, password: string): Promise<User> {
    const info = this.q.insertUser.run(username, role, await hashPassword(password), Date.now());
    return { id: Number(info.lastInsertRowid), username, role };
  }

  async setPassword(username: string, password: string): Promise<void> {
    this.q.setPassword.run(await hashPassword(password), username);
  }

  /**
   * The ingestor's telemetry outbox while it is stalled (read_v1_ingestor_health), for NOC and
   * admin: resellers get undefined, as does everyone while it drains. A fleet.db from before the
   * view existed reads as no stall.
   */
  telemetryStallFor(caller: User): TelemetryStall | undefined {
    if (caller.role === 'reseller') return undefined;
    let row: { since: number | null; points: number; lastError: string | null } | undefined;
    try {
      row = this.reader
        .prepare(`SELECT outbox_stalled_since AS since, outbox_points AS points, outbox_last_error AS lastError FROM fleet.${READ_MODEL_VIEWS.ingestorHealth}`)
        .get() as typeof row;
    } catch {
      return undefined;
    }
    if (!row || row.since === null) return undefined;
    return { since: row.since, points: row.points, lastError: row.lastError };
  }

  userExists(username: string): boolean {
    return this.q.userByName.get(username) !== undefined;
  }

  userByName(username: string): User | undefined {
    const row = this.q.userByName.get(username) as User | undefined;
    return row ? { id: row.id, username: row.username, role: row.role } : undefined;
  }

  /**
   * Makes sure an admin exists. With a password given, it is (re)set to that; otherwise a new
   * admin gets a generated password, returned so the caller can print it once.
   */
  async ensureAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
    if (this.userExists('admin')) {
      if (password) await this.setPassword('admin', password);
      return { created: false };
    }
    const chosen = password ?? generatePassword();
    await this.createUser('admin', 'admin', chosen);
    return password ? { created: true } : { created: true, generatedPassword: chosen };
  }

  async login(username: string, password: string): Promise<{ user: User; token: string } | undefined> {
    const row = this.q.userByName.get(username) as (User & { passwordHash: string }) | undefined;
    // Hash even for unknown users so response time does not reveal which usernames exist.
    const ok = await verifyPassword(password, row?.passwordHash ?? (await UNKNOWN_USER_HASH));
    if (!row || !ok) return undefined;
    const token = randomBytes(32).toString('base64url');
    this.q.purgeSessions.run(Date.now());
    this.q.insertSession.run(tokenHash(token), row.id, Date.now() + SESSION_TTL_MS);
    this.accounts.recordLogin(row.id);
    return { user: { id: row.id, username: row.username, role: row.role }, token };
  }

  userForSession(token: string): User | undefined {
    return this.q.sessionUser.get(tokenHash(token), Date.now()) as User | undefined;
  }

  logout(token: string): void {
    this.q.deleteSession.run(tokenHash(token));
  }

  usersFor(caller: User): UserView[] {
    this.requireRole(caller, ['admin'], 'only admins manage users');
    return this.q.users.all() as UserView[];
  }

  async addUser(caller: User, username: string, role: Role, password: string, contactEmail: string | null = null): Promise<AccountView> {
    this.requireRole(caller, ['admin'], 'only admins manage users');
    const contact = cleanContactEmail(contactEmail);
    if (this.userExists(username)) throw new Conflict(`a user "${username}" exists already`);
    await this.createUser(username, role, password);
    return this.accounts.created(caller, username, contact);
  }

  /** Removes a user, its sessions and (for a reseller) its registrations. */
  removeUser(caller: User, username: string): void {
    this.requireRole(caller, ['admin'], 'only admins manage users');
    if (username === caller.username) throw new Conflict('you cannot remove your own account');
    this.accounts.removing(caller, username, () => {
      // Its unused tokens would otherwise still enrol recorders for nobody.
      for (const digest of this.q.resellerTokenDigests.all(username) as string[]) this.pki?.revokeEnrollmentToken(digest);
      this.q.deleteUser.run(username);
    });
    this.generation += 1; // its registrations went with it
  }

  // ---- installations: ownership, claims, enrolment tokens --------------------------------------

  /**
   * A reseller asks for an installation by its SLC alone. That proves nothing (an SLC is printed
   * on licences and invoices), so it only makes a pending claim an admin decides on. The answer is
   * the same whether nobody holds the SLC, another reseller holds it, or it is claimed already:
   * 'pending'. Only the caller's own installation answers otherwise ('already-yours').
   */
  claimInstallation(reseller: User, slc: string): 'already-yours' | 'pending' {
    this.requireRole(reseller, ['reseller'], 'only resellers claim installations');
    const holder = this.q.holder.get(slc) as { resellerId: number } | undefined;
    if (holder?.resellerId === reseller.id) return 'already-yours';
    if (!this.q.pendingClaim.get(slc, reseller.id)) this.q.insertClaim.run({ slc, resellerId: reseller.id, via: 'slc', recorderId: null, at: Date.now() });
    return 'pending';
  }

  /** A reseller gives up one of its own installations; anyone else's answers like a missing one. */
  unregisterInstallation(caller: User, slc: string): void {
    this.requireRole(caller, ['reseller'], 'only resellers register installations');
    if (this.q.unregister.run(slc, caller.id).changes === 0) throw new NotFound(`you have no installation "${slc}"`);
    this.generation += 1;
  }

  /** An admin makes an installation a reseller's (taking it from another, if one held it). */
  assignInstallation(admin: User, slc: string, username: string): void {
    this.requireRole(admin, ['admin'], 'only admins assign installations');
    const reseller = this.userByName(username);
    if (reseller?.role !== 'reseller') throw new NotFound(`no reseller "${username}"`);
    this.db.transaction(() => {
      this.grantInstallation(slc, reseller, 'admin');
      this.q.settleOwnClaims.run({ slc, resellerId: reseller.id, at: Date.now(), by: admin.id });
    })();
  }

  /**
   * Makes an installation a reseller's, without a caller to check: for the demo, seeding, and the
   * decisions above once they are made. Keeps no one else's claim from being decided.
   */
  grantInstallation(slc: string, reseller: User, source: OwnershipSource): void {
    if ((this.q.holder.get(slc) as { resellerId: number } | undefined)?.resellerId === reseller.id) return;
    this.q.grant.run({ slc, resellerId: reseller.id, at: Date.now(), source });
    this.generation += 1;
  }

  claimsFor(user: User): ClaimView[] {
    this.requireRole(user, ['reseller', 'admin'], 'claims are decided by admins');
    this.settleEnrollments();
    const rows = this.q.claims.all({ all: user.role === 'admin' ? 1 : 0, userId: user.id, decidedSince: Date.now() - 30 * 86_400_000 }) as Array<
      ClaimView & { reseller: string; holder: string | null }
    >;
    // A reseller sees its own requests, never who holds or asks for an installation.
    return user.role === 'admin' ? rows : rows.map(({ reseller: _r, holder: _h, ...own }) => own);
  }

  /** An admin approves a claim: the installation becomes the claimant's. */
  approveClaim(admin: User, id: number): void {
    this.requireRole(admin, ['admin'], 'only admins decide claims');
    this.db.transaction(() => {
      const claim = this.pendingClaimById(id);
      this.q.decideClaim.run({ id, status: 'approved', at: Date.now(), by: admin.id });
      this.grantInstallation(claim.slc, { id: claim.resellerId, username: '', role: 'reseller' }, 'approved-claim');
    })();
  }

  rejectClaim(admin: User, id: number): void {
    this.requireRole(admin, ['admin'], 'only admins decide claims');
    this.pendingClaimById(id);
    this.q.decideClaim.run({ id, status: 'rejected', at: Date.now(), by: admin.id });
  }

  /** A reseller withdraws one of its pending claims; anyone else's, or a decided one, answers like a missing one. */
  withdrawClaim(reseller: User, id: number): void {
    this.requireRole(reseller, ['reseller'], 'only resellers withdraw their claims');
    if (this.q.withdrawClaim.run(id, reseller.id).changes === 0) throw new NotFound(`you have no pending claim ${id}`);
  }

  private pendingClaimById(id: number): { slc: string; resellerId: number } {
    const claim = this.q.claim.get(id) as { slc: string; resellerId: number; status: ClaimStatus } | undefined;
    if (!claim) throw new NotFound(`no claim ${id}`);
    if (claim.status !== 'pending') throw new Conflict(`claim ${id} is ${claim.status} already`);
    return claim;
  }

  /**
   * A reseller makes a one-time enrolment token for a recorder of one of its customers'
   * installations. The installer redeems it with "vigil agent enroll"; once that recorder reports
   * the installation, it becomes this reseller's (settleEnrollments). Refused only for a recorder
   * id the fleet uses already and the caller cannot see, whose certificate it would replace; the
   * installation's holder, if any, never changes the answer.
   */
  createEnrollmentToken(
    reseller: User,
    input: { slc: string; installationName: string; recorderId: string; ttlMs?: number },
    now = Date.now(),
  ): NewEnrollmentToken {
    this.requireRole(reseller, ['reseller'], 'only resellers make enrolment tokens here (operators: "vigil pki token")');
    const pki = this.requirePki();
    const { slc, installationName, recorderId } = input;
    if (!isRecorderId(recorderId)) throw new BadRequest('recorderId: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
    const ttlMs = input.ttlMs ?? ENROLLMENT_TOKEN_TTL_MS;
    if (!(ttlMs > 0 && ttlMs <= ENROLLMENT_TOKEN_MAX_TTL_MS)) throw new BadRequest('ttlHours: between 1 and 720 hours');
    const known = pki.registry().recorders[recorderId] !== undefined || this.q.reportedSlc.get(recorderId) !== undefined;
    const tokenHolder = this.q.liveTokenFor.get(recorderId, now) as { resellerId: number } | undefined;
    if ((known && !this.canSee(reseller, recorderId)) || (tokenHolder && tokenHolder.resellerId !== reseller.id)) {
      throw new Conflict(`recorder id "${recorderId}" is in use in this fleet: choose another id for the new recorder`);
    }
    const token = pki.createEnrollmentToken(recorderId, ttlMs, now, { issuedBy: reseller.username, installationSlc: slc });
    const info = this.q.insertToken.run({
      digest: enrollmentTokenDigest(token),
      resellerId: reseller.id,
      slc,
      installationName,
      recorderId,
      createdAt: now,
      expiresAt: now + ttlMs,
    });
    return {
      id: Number(info.lastInsertRowid),
      slc,
      installationName,
      recorderId,
      createdAt: now,
      expiresAt: now + ttlMs,
      status: 'pending',
      enrolledAt: null,
      token,
    };
  }

  /** The caller's tokens that are not revoked: unused ones, used ones, and those expired within the last 30 days. */
  enrollmentTokensFor(reseller: User, now = Date.now()): EnrollmentTokenView[] {
    this.requireRole(reseller, ['reseller'], "enrolment tokens here are resellers' own");
    this.settleEnrollments(now);
    const rows = this.q.tokens.all({ userId: reseller.id, since: now - 30 * 86_400_000 }) as TokenRow[];
    return rows.map((row) => tokenView(row, now));
  }

  /** Withdraws one of the caller's unused tokens: the broker refuses it from then on. Anyone else's answers like a missing one. */
  revokeEnrollmentToken(reseller: User, id: number, now = Date.now()): void {
    this.requireRole(reseller, ['reseller'], "enrolment tokens here are resellers' own");
    const row = this.q.token.get(id) as (TokenRow & { digest: string; resellerId: number }) | undefined;
    if (!row || row.resellerId !== reseller.id) throw new NotFound(`no enrolment token ${id}`);
    this.settleEnrollments(now);
    const status = tokenView(this.q.token.get(id) as TokenRow, now).status;
    if (status === 'revoked') return;
    if (status !== 'pending' && status !== 'expired') throw new Conflict(`enrolment token ${id} has been used already: a recorder enrolled with it`);
    if (!this.requirePki().revokeEnrollmentToken(row.digest) && this.requirePki().enrollmentRedemption(row.digest)) {
      throw new Conflict(`enrolment token ${id} has been used already: a recorder enrolled with it`);
    }
    this.q.revokeToken.run(now, id);
  }

  /**
   * Turns tokens the broker has redeemed into ownership. A token counts once the broker recorded
   * that it enrolled its recorder and that recorder has reported (its birth, in fleet.db) the
   * installation the token names: then the installation becomes the token's reseller's, unless
   * another reseller holds or claims it, in which case the enrolment is a pending claim an admin
   * decides (and the token's reseller is told only "pending", as for a claim by SLC).
   * Runs every second, and before the lists that show its results.
   */
  settleEnrollments(now = Date.now()): void {
    const pki = this.pki;
    if (!pki) return;
    const rows = this.q.unsettledTokens.all(now - REDEMPTION_GRACE_MS) as Array<{
      id: number;
      digest: string;
      resellerId: number;
      slc: string;
      recorderId: string;
      enrolledAt: number | null;
    }>;
    for (const row of rows) {
      let enrolledAt = row.enrolledAt;
      if (enrolledAt === null) {
        const redemption = pki.enrollmentRedemption(row.digest);
        if (!redemption || redemption.recorderId !== row.recorderId) continue;
        enrolledAt = Date.parse(redemption.redeemedAt) || now;
        this.q.markEnrolled.run(enrolledAt, row.id);
      }
      if (this.q.reportedSlc.get(row.recorderId) !== row.slc) continue;
      this.db.transaction(() => {
        const holder = this.q.holder.get(row.slc) as { resellerId: number } | undefined;
        const contested =
          (holder !== undefined && holder.resellerId !== row.resellerId) || this.q.othersPendingClaim.get(row.slc, row.resellerId) !== undefined;
        if (contested) {
          // An enrolment is better evidence than an SLC: a pending claim by SLC of the same reseller becomes this one.
          const pending = this.q.pendingClaim.get(row.slc, row.resellerId) as { id: number } | undefined;
          if (pending) this.q.claimEnrolled.run(row.recorderId, pending.id);
          else this.q.insertClaim.run({ slc: row.slc, resellerId: row.resellerId, via: 'enrollment', recorderId: row.recorderId, at: now });
          this.q.settleToken.run('claim', row.id);
        } else {
          if (holder === undefined) this.q.grant.run({ slc: row.slc, resellerId: row.resellerId, at: now, source: 'enrollment' });
          this.q.settleOwnClaims.run({ slc: row.slc, resellerId: row.resellerId, at: now, by: null });
          this.q.settleToken.run('granted', row.id);
          this.generation += 1;
        }
      })();
    }
  }

  /** Settles enrolments every `everyMs` until close (the store does not keep the process alive for it). */
  private startSettling(everyMs: number, log: StoreOptions['log']): void {
    if (!this.pki || everyMs <= 0) return;
    this.settleTimer = setInterval(() => {
      try {
        this.settleEnrollments();
      } catch (error) {
        log?.warn({ err: (error as Error).message }, 'enrolment tokens not settled this time (tried again in a moment)');
      }
    }, everyMs);
    this.settleTimer.unref();
  }

  private requirePki(): FleetPki {
    if (!this.pki) throw new Conflict("this dashboard has no access to the fleet PKI (start it with the fleet's --data-dir)");
    return this.pki;
  }

  installationsFor(user: User): InstallationView[] {
    this.settleEnrollments();
    return (user.role === 'reseller' ? this.q.ownInstallations.all(user.id) : this.q.allInstallations.all()) as InstallationView[];
  }

  // ---- recorders, sites, history -------------------------------------------------------------

  recordersFor(user: User): RecorderView[] {
    const scope = this.scope(user);
    const problems = this.problems(scope);
    const acks = this.acknowledgementsBy(this.q.acknowledgements.all());
    return (this.q.recorders.all(scope) as ScopedRecorderRow[]).map((row) => this.view(row, problems.get(row.id) ?? [], acks));
  }

  /**
   * GET /api/recorders as JSON text: {recorders: RecorderView[], counts}. Built by SQLite in one
   * statement and kept per scope. A busy fleet.db changes many times a second (every heartbeat
   * commits last_seen), so its changes are folded into at most one rebuild per LIST_MAX_AGE_MS;
   * except right after a state change (noteStateChange, called by the live relay), when every
   * change is shown at once, so a page refetching on a live event always sees it. Our own writes
   * (registrations), other writers of dashboard.db and the moving recent-event window invalidate
   * it at once too.
   */
  recordersJsonFor(user: User): Buffer {
    const scope = this.scope(user);
    const key = scope.all ? 'all' : `reseller:${scope.userId}`;
    const now = Date.now();
    const fleetVersion = this.q.fleetVersion.get() as number;
    const version = `${this.q.ownVersion.get()}:${this.generation}:${Math.floor(now / EVENT_WINDOW_STEP_MS)}`;
    const cached = this.listCache.get(key);
    if (cached && cached.version === version) {
      const fleetUnchanged = cached.fleetVersion === fleetVersion;
      const recentEnough = now - cached.builtAt < LIST_MAX_AGE_MS && now >= this.strictUntil;
      if (fleetUnchanged || recentEnough) return cached.json;
    }
    const json = this.reader.transaction(() => {
      const recorders = this.q.recordersJson.get({ ...scope, ...STATE_PROBLEM_PARAMS, now }) as string;
      const counts = emptyCounts();
      for (const row of this.q.stateCounts.all(scope) as Array<{ state: RecorderStateName; n: number }>) counts[row.state] = row.n;
      // Kept as UTF-8 bytes: 4 MB for 10,000 recorders need not be encoded again for every answer.
      return Buffer.from(`{"recorders":${recorders},"counts":${JSON.stringify(counts)}}`);
    })();
    this.listCache.set(key, { version, fleetVersion, builtAt: now, json });
    return json;
  }

  /** A recorder changed state (the ingestor published it): lists show every fleet change at once for a while. */
  noteStateChange(): void {
    this.strictUntil = Date.now() + STRICT_AFTER_STATE_CHANGE_MS;
  }

  recorderFor(user: User, id: string): RecorderView | undefined {
    const row = this.q.recorder.get({ ...this.scope(user), id }) as DetailRow | undefined;
    return row ? this.view(row, this.problemsOf(id), this.acknowledgementsBy(this.q.acknowledgementsOf.all(id))) : undefined;
  }

  canSee(user: User, recorderId: string): boolean {
    return this.q.visibleState.get({ ...this.scope(user), id: recorderId }) !== undefined;
  }

  async recorderDetailFor(user: User, id: string): Promise<RecorderDetail> {
    const row = this.q.recorder.get({ ...this.scope(user), id }) as DetailRow | undefined;
    if (!row) throw new NotFound(`no recorder "${id}"`);
    const latestDisks = this.q.disksOf.all(id) as DiskRow[];
    const trends = await this.diskTrends(id, latestDisks);
    const partnerState = row.failoverPartner
      ? ((this.q.visibleState.get({ ...this.scope(user), id: row.failoverPartner }) as { state: RecorderStateName } | undefined)?.state ?? null)
      : null;
    const view = this.view(row, this.problemsOf(id), this.acknowledgementsBy(this.q.acknowledgementsOf.all(id)));
    return {
      ...view,
      problems: withTrends(view.problems, trends),
      disks: latestDisks.map((d) => ({ ...d, usedPercent: usedPercent(d.totalBytes, d.freeBytes), daysToFull: trends.get(d.path) ?? null })),
      services: (this.q.servicesOf.all(id) as Array<Omit<ServiceRow, 'running'> & { running: number }>).map((row) => ({ ...row, running: row.running === 1 })),
      cameras: { count: row.cameraCount, licensed: row.licensedCameras },
      failover: { partner: row.failoverPartner || null, partnerState, covered: row.coveredBy !== null },
      vmsProduct: row.vmsProduct,
      vmsVersion: row.vmsVersion,
      hostname: row.hostname,
      clockOffsetMs: row.clockOffsetMs,
    };
  }

  /** Used percent per drive over [from, to], bucketed by the time-series store to at most ~500 points. */
  async diskHistoryFor(user: User, id: string, from: number, to: number): Promise<Array<{ path: string; points: Array<[number, number]> }>> {
    this.requireVisible(user, id);
    if (!this.telemetry) return [];
    // The fullest moment of each bucket, so a short spike to 100 % is not averaged away.
    const rows = await this.telemetry.query({
      measurement: 'disk',
      recorder: id,
      field: 'used_percent',
      from,
      to,
      every: bucketWidth(from, to),
      aggregate: 'max',
    });
    const series = new Map<string, Array<[number, number]>>();
    for (const row of rows) {
      const path = row.tags.path ?? '';
      let points = series.get(path);
      if (!points) series.set(path, (points = []));
      points.push([row.time, Number(row.value)]);
    }
    return [...series].map(([path, points]) => ({ path, points }));
  }

  /** State changes in [from, to], preceded by the state in force at `from`, oldest first. */
  timelineFor(user: User, id: string, from: number, to: number): Array<{ state: RecorderStateName; since: number }> {
    this.requireVisible(user, id);
    return this.q.stateChangesOf.all({ id, from, to }) as StateChangeRow[];
  }

  /**
   * Acknowledges one of the recorder's active problems, named by code, subject and since (one
   * episode: raised again later, it is a new problem). NOC staff and admins only; a reseller reads
   * acknowledgements but makes none. Answers the problem as now listed.
   */
  acknowledge(user: User, recorderId: string, which: { code: string; subject: string; since: number; comment: string }): Problem {
    this.requireRole(user, ['noc', 'admin'], 'only NOC staff and admins acknowledge problems');
    const recorder = this.recorderFor(user, recorderId);
    if (!recorder) throw new NotFound(`no recorder "${recorderId}"`);
    const problem = recorder.problems.find((p) => p.code === which.code && p.subject === which.subject && p.since === which.since);
    if (!problem)
      throw new NotFound(`recorder "${recorderId}" has no active problem ${which.code} "${which.subject}" since ${which.since} (it may have cleared)`);
    if (problem.acknowledged) throw new Conflict(`already acknowledged by ${problem.acknowledged.by}`);
    const acknowledged = { by: user.username, at: Date.now(), comment: which.comment };
    this.q.acknowledge.run({
      recorderId,
      code: which.code,
      subject: which.subject,
      since: which.since,
      username: user.username,
      at: acknowledged.at,
      comment: which.comment,
    });
    this.generation += 1;
    return { ...problem, acknowledged };
  }

  /**
   * What happened to the recorder in [from, to]: every problem that was active in the range
   * (cleared ones from the ingestor's history, active ones with no end), and its outages (the
   * periods it was unavailable, offline or stopped), oldest first.
   */
  historyFor(user: User, id: string, from: number, to: number): { problems: HistoryEntry[]; outages: Outage[] } {
    const recorder = this.recorderFor(user, id);
    if (!recorder) throw new NotFound(`no recorder "${id}"`);
    const now = Date.now();
    const end = Math.min(to, now);
    const acks = this.acknowledgementsBy(this.q.acknowledgementsOf.all(id));
    const past = (
      this.q.problemHistory.all({ id, from, to }) as Array<Omit<HistoryEntry, 'durationMs' | 'acknowledged' | 'end'> & { end: number; count: number | null }>
    ).map(({ count, ...row }) => ({
      ...row,
      ...(count === null ? {} : { count }),
      durationMs: row.end - row.start,
      acknowledged: acks.get(ackKey(id, { code: row.code, subject: row.subject, since: row.start })) ?? null,
    }));
    const active = recorder.problems
      .filter((p) => p.kind !== 'state' && p.since <= to)
      .map((p) => ({
        kind: p.kind,
        code: p.code,
        subject: p.subject,
        severity: p.severity,
        message: p.message,
        start: p.since,
        end: null,
        durationMs: Math.max(0, end - p.since),
        ...(p.count === undefined ? {} : { count: p.count }),
        acknowledged: p.acknowledged,
      }));
    const outages = recorderAvailability(id, this.q.stateChangesOf.all({ id, from, to }) as StateChangeRow[], from, to, now).outages;
    const problems: HistoryEntry[] = [...past, ...active].sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
    return { problems, outages };
  }

  /**
   * What happened at a site (`SLC/site id`) in [from, to]: the history of each of its recorders
   * the caller may see, merged, oldest first. Out of scope answers like nonexistent.
   */
  siteHistoryFor(user: User, site: string, from: number, to: number): { problems: Array<HistoryEntry & { recorderId: string }>; outages: Outage[] } {
    const slash = site.indexOf('/');
    const ids = slash < 0 ? [] : (this.q.siteRecorders.all({ ...this.scope(user), slc: site.slice(0, slash), siteId: site.slice(slash + 1) }) as string[]);
    if (ids.length === 0) throw new NotFound(`no site "${site}"`);
    const problems: Array<HistoryEntry & { recorderId: string }> = [];
    const outages: Outage[] = [];
    for (const id of ids) {
      const one = this.historyFor(user, id, from, to);
      problems.push(...one.problems.map((entry) => ({ recorderId: id, ...entry })));
      outages.push(...one.outages);
    }
    problems.sort((a, b) => a.start - b.start || a.recorderId.localeCompare(b.recorderId) || a.code.localeCompare(b.code));
    outages.sort((a, b) => a.start - b.start || a.recorderId.localeCompare(b.recorderId));
    return { problems, outages };
  }

  /**
   * Availability over [from, to] of a recorder, a site (`SLC/site id`), an installation (SLC) or a
   * reseller's fleet (its user name), within what the caller may see: a reseller may ask for
   * itself only, and anything out of scope answers like nonexistent.
   */
  availabilityFor(user: User, scope: AvailabilityScope, id: string, from: number, to: number): AvailabilityView {
    return this.availabilityOf(scope, id, this.availabilityTargetOf(user, scope, id), from, to);
  }

  /**
   * The recorders behind an availability target (see availabilityFor) that the caller may see,
   * oldest id first; out of scope or unknown throws NotFound. A reseller's fleet may be empty.
   */
  availabilityTargetOf(user: User, scope: AvailabilityScope, id: string): string[] {
    const visible = this.scope(user);
    let ids: string[];
    if (scope === 'recorder') {
      ids = this.canSee(user, id) ? [id] : [];
    } else if (scope === 'site') {
      const slash = id.indexOf('/');
      ids = slash < 0 ? [] : (this.q.siteRecorders.all({ ...visible, slc: id.slice(0, slash), siteId: id.slice(slash + 1) }) as string[]);
    } else if (scope === 'installation') {
      ids = this.q.installationRecorders.all({ ...visible, slc: id }) as string[];
    } else {
      const reseller = this.userByName(id);
      const allowed = reseller?.role === 'reseller' && (user.role !== 'reseller' || reseller.id === user.id);
      ids = allowed ? (this.q.resellerRecorders.all({ ...visible, resellerId: reseller.id }) as string[]) : [];
      if (allowed) return ids;
    }
    if (ids.length === 0) throw new NotFound(`no ${scope} "${id}"`);
    return ids;
  }

  /** The parameters `visibleSlc` expects (@all, @userId) for the caller, for queries written outside this class. */
  tenancyOf(user: User): { all: 0 | 1; userId: number } {
    return this.scope(user);
  }

  private availabilityOf(scope: AvailabilityScope, id: string, ids: readonly string[], from: number, to: number): AvailabilityView {
    const now = Date.now();
    const totals = this.reader.transaction(() =>
      combine(
        ids.map((recorderId) => recorderAvailability(recorderId, this.q.stateChangesOf.all({ id: recorderId, from, to }) as StateChangeRow[], from, to, now)),
      ),
    )();
    return { scope, id, from, to, recorders: ids.length, ...totals };
  }

  sitesFor(user: User): SiteView[] {
    const sites = new Map<string, SiteView>();
    for (const r of this.recordersFor(user)) {
      const key = `${r.installation.slc}\u0000${r.site.id}`;
      let site = sites.get(key);
      if (!site) {
        site = {
          id: r.site.id,
          name: r.site.name,
          latitude: r.site.latitude,
          longitude: r.site.longitude,
          installation: r.installation,
          worstState: 'online',
          unreachable: r.site.unreachable,
          attention: siteAttention([], false),
          counts: emptyCounts(),
          recorders: [],
        };
        sites.set(key, site);
      }
      site.counts[r.state] += 1;
      site.recorders.push({ id: r.id, name: r.name, state: r.state });
    }
    for (const site of sites.values()) {
      site.worstState = worstState(site.recorders.map((r) => r.state));
      site.attention = siteAttention(
        site.recorders.map((r) => r.state),
        site.unreachable,
      );
    }
    return [...sites.values()].sort((a, b) => bySiteAttention(a.attention, b.attention) || (a.name || a.id).localeCompare(b.name || b.id));
  }

  // ---- alerting: rules, channels, silences, audit ------------------------------------------------
  // NOC and admin see and change every rule, channel and silence, and make NOC's; a reseller only
  // its own, which may name only what it holds and its own channels (docs/DESIGN.md "Alerting").

  rulesFor(user: User): Rule[] {
    return (this.q.rules.all(this.scope(user)) as RuleRecord[]).map(ruleView);
  }

  createRule(user: User, input: RuleInput): Rule {
    const owner = this.ownerIdOf(user);
    const clean = this.checkRule(input, owner);
    const at = Date.now();
    return this.db.transaction(() => {
      const id = Number(this.q.insertRule.run({ ...ruleParams(clean), owner, at, by: user.username }).lastInsertRowid);
      const rule = this.ruleById(id)!;
      this.audit(user, 'rule', id, owner, 'create', null, rule);
      return rule;
    })();
  }

  updateRule(user: User, id: number, input: RuleInput): Rule {
    const before = this.ownRule(user, id);
    const owner = ownerIdOfRecord(before);
    const clean = this.checkRule(input, owner);
    return this.db.transaction(() => {
      this.q.updateRule.run({ ...ruleParams(clean), id, at: Date.now(), by: user.username });
      const rule = this.ruleById(id)!;
      this.audit(user, 'rule', id, owner, 'update', ruleView(before), rule);
      return rule;
    })();
  }

  deleteRule(user: User, id: number): void {
    const before = this.ownRule(user, id);
    this.db.transaction(() => {
      this.q.deleteRule.run(id);
      this.audit(user, 'rule', id, ownerIdOfRecord(before), 'delete', ruleView(before), null);
    })();
  }

  channelsFor(user: User): Channel[] {
    const records = this.q.channels.all(this.scope(user)) as ChannelRecord[];
    this.ensureAlertsDb();
    return records.map((record) => this.channelView(record));
  }

  createChannel(user: User, input: ChannelInput): Channel {
    const owner = this.ownerIdOf(user);
    const config = this.withChannelUsers(checkChannelConfig(input, undefined), owner);
    const at = Date.now();
    return this.db.transaction(() => {
      const id = Number(
        this.q.insertChannel.run({
          name: input.name,
          owner,
          type: input.type,
          config: JSON.stringify(config),
          enabled: input.enabled === false ? 0 : 1,
          at,
          by: user.username,
        }).lastInsertRowid,
      );
      const channel = this.channelView(this.q.channel.get(id) as ChannelRecord);
      this.audit(user, 'channel', id, owner, 'create', null, auditableChannel(channel));
      return channel;
    })();
  }

  updateChannel(user: User, id: number, input: ChannelInput): Channel {
    const before = this.ownChannel(user, id);
    const config = this.withChannelUsers(checkChannelConfig(input, before), ownerIdOfRecord(before));
    return this.db.transaction(() => {
      this.q.updateChannel.run({
        id,
        name: input.name,
        type: input.type,
        config: JSON.stringify(config),
        enabled: input.enabled === false ? 0 : 1,
        at: Date.now(),
        by: user.username,
      });
      const channel = this.channelView(this.q.channel.get(id) as ChannelRecord);
      const secretChanged = input.type === 'webhook' && input.config.secret !== undefined;
      this.audit(user, 'channel', id, ownerIdOfRecord(before), 'update', auditableChannel(this.channelView(before)), {
        ...auditableChannel(channel),
        ...(secretChanged ? { secretChanged: true } : {}),
      });
      return channel;
    })();
  }

  deleteChannel(user: User, id: number): void {
    const before = this.ownChannel(user, id);
    const users = this.q.rulesUsingChannel.all(id) as string[];
    if (users.length > 0) throw new Conflict(`channel ${id} is used by rule(s) ${users.map((n) => `"${n}"`).join(', ')}: remove it from them first`);
    this.db.transaction(() => {
      this.q.deleteChannel.run(id);
      this.audit(user, 'channel', id, ownerIdOfRecord(before), 'delete', auditableChannel(this.channelView(before)), null);
    })();
  }

  /** Files a "send test" request; the ingestor's notifier sends it like any notification and records the outcome in alerts.db. */
  requestChannelTest(user: User, channelId: number): number {
    this.ownChannel(user, channelId);
    const id = Number(this.q.insertChannelTest.run(channelId, user.username, Date.now()).lastInsertRowid);
    return id;
  }

  channelTestFor(user: User, channelId: number, testId: number): ChannelTestView {
    this.ownChannel(user, channelId);
    const row = this.q.channelTest.get(testId) as TestRequest | undefined;
    if (!row || row.channelId !== channelId) throw new NotFound(`no test ${testId} of channel ${channelId}`);
    this.ensureAlertsDb();
    return this.testView(row);
  }

  silencesFor(user: User): Silence[] {
    return (this.q.silences.all({ ...this.scope(user), since: Date.now() - RECENT_MS }) as SilenceRecord[]).map(silenceView);
  }

  createSilence(user: User, input: SilenceInput): Silence {
    const owner = this.ownerIdOf(user);
    const scope = this.checkScope(input.scope, owner);
    const ruleId = input.ruleId ?? null;
    if (ruleId !== null) {
      const rule = this.q.rule.get(ruleId) as RuleRecord | undefined;
      if (!rule || (owner !== null && rule.owner_reseller_id !== owner)) throw new BadRequest(`ruleId: no rule ${ruleId}`);
    }
    const now = Date.now();
    const startsAt = input.startsAt ?? now;
    if (input.endsAt <= Math.max(startsAt, now)) throw new BadRequest('endsAt: must be after startsAt and in the future');
    if (input.endsAt - startsAt > MAX_SILENCE_MS) throw new BadRequest('endsAt: a silence lasts at most 366 days');
    const reason = input.reason.trim();
    if (reason === '') throw new BadRequest('reason: say why (e.g. "maintenance window")');
    const silence = this.db.transaction(() => {
      const id = Number(
        this.q.insertSilence.run({ owner, scope: JSON.stringify(scope), ruleId, startsAt, endsAt: input.endsAt, reason, by: user.username, at: now })
          .lastInsertRowid,
      );
      const created = silenceView(this.q.silence.get(id) as SilenceRecord);
      this.audit(user, 'silence', id, owner, 'create', null, created);
      return created;
    })();
    this.alertsChanged();
    return silence;
  }

  /** Ends a silence now (one not begun yet never begins). */
  endSilence(user: User, id: number): void {
    const before = this.q.silence.get(id) as SilenceRecord | undefined;
    if (!before || (user.role === 'reseller' && before.owner_reseller_id !== user.id)) throw new NotFound(`no silence ${id}`);
    const now = Date.now();
    if (before.ends_at <= now) return;
    this.db.transaction(() => {
      this.q.endSilence.run({ id, now });
      this.audit(user, 'silence', id, before.owner_reseller_id, 'delete', silenceView(before), silenceView(this.q.silence.get(id) as SilenceRecord));
    })();
    this.alertsChanged();
  }

  auditFor(user: User, entity?: AuditEntity, id?: number): AuditEntry[] {
    // Changes to users are the admins' business only (they manage them).
    const admin = user.role === 'admin' ? 1 : 0;
    const rows = this.q.auditEntries.all({ ...this.scope(user), admin, entity: entity ?? null, id: id ?? null }) as Array<
      Omit<AuditEntry, 'before' | 'after'> & { before: string | null; after: string | null }
    >;
    return rows.map((row) => ({
      ...row,
      before: row.before === null ? null : JSON.parse(row.before),
      after: row.after === null ? null : JSON.parse(row.after),
    }));
  }

  // ---- alerting: the engine's alerts (alerts.db) -------------------------------------------------

  /**
   * The caller's visible alerts, one entry per target and condition (several rules matching the
   * same problem are one entry), worst first. Empty while alerts.db is missing.
   */
  alertsFor(user: User, view: AlertView = 'firing'): AlertEntry[] {
    const entries = this.alertEntries(user).filter((entry) => inView(entry, view, Date.now()));
    return entries.sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || (b.firingSince ?? b.pendingSince) - (a.firingSince ?? a.pendingSince) || a.id - b.id,
    );
  }

  /** The nav badge: firing entries, and those neither acknowledged nor silenced (inhibited ones, under an unreachable site, are not counted). */
  alertSummaryFor(user: User): { firing: number; firingUnacknowledged: number } {
    const firing = this.alertEntries(user).filter((entry) => entry.state === 'firing' && !entry.inhibited);
    return { firing: firing.length, firingUnacknowledged: firing.filter((entry) => !entry.acknowledged && !entry.silenced).length };
  }

  /** Acknowledges every alert of the entry holding alert `id` (NOC, admin and resellers alike, for alerts they see). */
  acknowledgeAlert(user: User, id: number, comment: string): AlertEntry {
    const aq = this.ensureAlertsDb();
    const row = aq ? (aq.alert.get({ ...this.scope(user), id }) as { state: string } | undefined) : undefined;
    if (!row) throw new NotFound(`no alert ${id}`);
    if (row.state === 'resolved') throw new Conflict(`alert ${id} is resolved already`);
    const entry = this.alertEntries(user).find((e) => e.ids.includes(id));
    if (!entry) throw new NotFound(`no alert ${id}`);
    if (entry.acknowledged) throw new Conflict(`already acknowledged by ${entry.acknowledged.by}`);
    const at = Date.now();
    this.db.transaction(() => {
      for (const alertId of entry.ids) this.q.insertAck.run(alertId, user.username, at, comment);
    })();
    this.alertsChanged();
    return this.alertEntries(user).find((e) => e.ids.includes(id)) ?? entry;
  }

  /** A recorder's alerts active in [from, to] (its own and its site's), each with its transitions, oldest first. */
  recorderAlertsFor(user: User, recorderId: string, from: number, to: number): AlertHistoryEntry[] {
    const recorder = this.q.recorder.get({ ...this.scope(user), id: recorderId }) as DetailRow | undefined;
    if (!recorder) throw new NotFound(`no recorder "${recorderId}"`);
    const aq = this.ensureAlertsDb();
    if (!aq) return [];
    const rows = aq.recorderAlerts.all({
      ...this.scope(user),
      id: recorderId,
      slc: recorder.installationSlc,
      siteId: recorder.siteId,
      from,
      to,
    }) as AlertRowWithExtras[];
    const entries = this.entriesOf(rows, (row) => `${row.targetKind}\u0000${row.targetId}\u0000${row.conditionKey}\u0000${row.pendingSince}`);
    return entries
      .map((entry) => {
        const seen = new Set<string>();
        const transitions = (aq.transitions.all(JSON.stringify(entry.ids)) as Array<{ at: number; state: string }>).filter(({ at, state }) => {
          const key = `${at}:${state}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        return { ...entry, transitions };
      })
      .sort((a, b) => a.pendingSince - b.pendingSince || a.id - b.id);
  }

  /**
   * Changes whenever alert entries may have: alerts.db changed (its data_version), or an
   * acknowledgement or silence was made here. The live plugin polls it.
   */
  alertsVersion(): string {
    const aq = this.ensureAlertsDb();
    return `${aq ? (aq.dataVersion.get() as number) : 'none'}:${this.alertGeneration}`;
  }

  private alertsChanged(): void {
    this.alertGeneration += 1;
    for (const listener of this.alertListeners) listener();
  }

  /**
   * alerts.db attached read-only to `reader` as `alerts`, once the engine has created it with its
   * views; until then undefined (looked for again at most every ALERTS_RETRY_MS). Never creates it.
   */
  private ensureAlertsDb() {
    if (this.aq) return this.aq;
    const now = Date.now();
    if (now - this.alertsTriedAt < ALERTS_RETRY_MS) return undefined;
    this.alertsTriedAt = now;
    if (!existsSync(this.alertsDbPath)) return undefined;
    try {
      this.reader.prepare(`ATTACH DATABASE ? AS ${ALERTS_SCHEMA}`).run(this.alertsDbPath);
    } catch {
      return undefined;
    }
    try {
      const present = this.reader
        .prepare(`SELECT name FROM ${ALERTS_SCHEMA}.sqlite_master WHERE type = 'view' AND name IN (${ALERTS_DB_VIEWS.map(() => '?').join(', ')})`)
        .pluck()
        .all(...ALERTS_DB_VIEWS);
      if (present.length < ALERTS_DB_VIEWS.length) throw new Error('alerts.db has no read_v1 views yet');
      this.aq = this.prepareAlertQueries();
      return this.aq;
    } catch {
      try {
        this.reader.exec(`DETACH DATABASE ${ALERTS_SCHEMA}`);
      } catch {
        // not attached
      }
      return undefined;
    }
  }

  private prepareAlertQueries() {
    const { reader } = this;
    const A = ALERTS_SCHEMA;
    const R = READ_MODEL_VIEWS.recorders;
    const columns = `a.id, a.rule_id AS ruleId, a.target_kind AS targetKind, a.target_id AS targetId, a.recorder_id AS recorderId,
      a.installation_slc AS installationSlc, a.site_id AS siteId, a.condition_key AS conditionKey, a.state, a.severity, a.summary,
      a.pending_since AS pendingSince, a.firing_since AS firingSince, a.resolved_at AS resolvedAt, a.inhibited,
      rec.name AS recorderName,
      (SELECT MAX(x.site_name) FROM fleet.${R} x WHERE x.installation_slc = a.installation_slc AND x.site_id = a.site_id) AS siteName,
      (SELECT MAX(x.installation_name) FROM fleet.${R} x WHERE x.installation_slc = a.installation_slc) AS installationName,
      ru.name AS ruleName, (SELECT h.reseller_id FROM main.installations h WHERE h.slc = a.installation_slc) AS holder,
      ack.username AS ackBy, ack.at AS ackAt, ack.comment AS ackComment`;
    const from = `${A}.read_v1_alerts a LEFT JOIN fleet.${R} rec ON rec.id = a.recorder_id
      LEFT JOIN main.alert_rules ru ON ru.id = a.rule_id LEFT JOIN main.alert_acks ack ON ack.alert_id = a.id`;
    const visible = visibleSlc('a.installation_slc');
    return {
      alerts: reader.prepare(`SELECT ${columns} FROM ${from} WHERE ${visible} AND (a.state <> 'resolved' OR a.resolved_at >= @since)`),
      alert: reader.prepare(`SELECT a.state FROM ${A}.read_v1_alerts a WHERE a.id = @id AND ${visible}`),
      recorderAlerts: reader.prepare(`SELECT ${columns} FROM ${from} WHERE ${visible}
        AND (a.recorder_id = @id OR (a.target_kind = 'site' AND a.installation_slc = @slc AND a.site_id = @siteId))
        AND a.pending_since <= @to AND (a.resolved_at IS NULL OR a.resolved_at >= @from)`),
      transitions: reader.prepare(`SELECT at, state FROM ${A}.read_v1_alert_transitions WHERE alert_id IN (SELECT value FROM json_each(?))
        ORDER BY at, CASE state WHEN 'pending' THEN 0 WHEN 'firing' THEN 1 ELSE 2 END`),
      channelStatus: reader.prepare(`SELECT last_success_at AS lastSuccessAt, last_failure_at AS lastFailureAt, last_error AS lastError
        FROM ${A}.read_v1_channel_status WHERE channel_id = ?`),
      testResult: reader.prepare(`SELECT status, last_error AS error, sent_at AS sentAt FROM ${A}.read_v1_channel_test_results WHERE test_id = ?`),
      dataVersion: reader.prepare(`PRAGMA ${A}.data_version`).pluck(),
    };
  }

  /** Every entry the caller sees now: active ones, and those resolved within RECENT_MS. */
  private alertEntries(user: User): AlertEntry[] {
    const aq = this.ensureAlertsDb();
    if (!aq) return [];
    const rows = aq.alerts.all({ ...this.scope(user), since: Date.now() - RECENT_MS }) as AlertRowWithExtras[];
    // Active alerts of a target and condition are one entry; resolved ones one per episode.
    return this.entriesOf(
      rows,
      (row) => `${row.targetKind}\u0000${row.targetId}\u0000${row.conditionKey}\u0000${row.state === 'resolved' ? row.pendingSince : 'active'}`,
    );
  }

  private entriesOf(rows: AlertRowWithExtras[], keyOf: (row: AlertRowWithExtras) => string): AlertEntry[] {
    const now = Date.now();
    const silences = (this.q.activeSilences.all({ now }) as SilenceRecord[]).map((record) => ({ record, view: silenceView(record) }));
    const groups = new Map<string, AlertRowWithExtras[]>();
    for (const row of rows) {
      const key = keyOf(row);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(row);
    }
    const stateRank = { firing: 2, pending: 1, resolved: 0 } as const;
    return [...groups.values()].map((group) => {
      const rep = [...group].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || stateRank[b.state] - stateRank[a.state] || a.id - b.id)[0]!;
      const state = group.reduce<AlertRow['state']>((best, row) => (stateRank[row.state] > stateRank[best] ? row.state : best), 'resolved');
      const firingSinces = group.map((row) => row.firingSince).filter((t): t is number => t !== null);
      const acked = group.every((row) => row.ackBy !== null);
      const lastAck = acked ? [...group].sort((a, b) => (b.ackAt ?? 0) - (a.ackAt ?? 0))[0]! : undefined;
      // A silence applies to an alert in its scope (and of its rule, if it names one); a reseller's
      // only at installations it holds (as the engine judges it, ingestor/src/alerts/engine.ts).
      // The entry is silenced when every alert of it is, i.e. when nobody is notified of it.
      const silenceOf = (row: AlertRowWithExtras) =>
        silences.find(
          ({ record, view }) =>
            (view.ruleId === null || view.ruleId === row.ruleId) &&
            (record.owner_reseller_id === null || record.owner_reseller_id === row.holder) &&
            scopeMatches(view.scope, row),
        );
      const perAlert = group.map(silenceOf);
      const silence = perAlert.every((found) => found !== undefined) ? perAlert[0] : undefined;
      const ruleNames = new Map<number, string>();
      for (const row of group) ruleNames.set(row.ruleId, row.ruleName ?? `rule ${row.ruleId} (deleted)`);
      return {
        id: rep.id,
        ids: group.map((row) => row.id).sort((a, b) => a - b),
        rules: [...ruleNames].map(([id, name]) => ({ id, name })),
        state,
        severity: rep.severity,
        summary: rep.summary,
        conditionKey: rep.conditionKey,
        target: { kind: rep.targetKind, id: rep.targetId },
        recorder: rep.recorderId === null ? null : { id: rep.recorderId, name: rep.recorderName || rep.recorderId },
        site: rep.siteId ? { id: rep.siteId, name: rep.siteName ?? rep.siteId } : null,
        installation: rep.installationSlc ? { slc: rep.installationSlc, name: rep.installationName ?? '' } : null,
        pendingSince: Math.min(...group.map((row) => row.pendingSince)),
        firingSince: firingSinces.length > 0 ? Math.min(...firingSinces) : null,
        resolvedAt: state === 'resolved' ? Math.max(...group.map((row) => row.resolvedAt ?? 0)) : null,
        inhibited: group.every((row) => row.inhibited === 1),
        silenced: silence ? { id: silence.view.id, reason: silence.view.reason, endsAt: silence.view.endsAt } : null,
        acknowledged: lastAck ? { by: lastAck.ackBy!, at: lastAck.ackAt!, comment: lastAck.ackComment ?? '' } : null,
      };
    });
  }

  private channelView(record: ChannelRecord): Channel {
    const stored = JSON.parse(record.config) as StoredChannelConfig;
    const config: PublicChannelConfig =
      'url' in stored ? { url: stored.url, timeoutMs: stored.timeoutMs, secretSet: true } : { to: stored.to, users: stored.users ?? [] };
    const notes = 'url' in stored ? [] : this.accounts.channelNotes(stored.users ?? []);
    const status = (this.aq?.channelStatus.get(record.id) as Channel['status'] | undefined) ?? { lastSuccessAt: null, lastFailureAt: null, lastError: null };
    const lastTest = this.q.lastChannelTest.get(record.id) as TestRequest | undefined;
    return {
      id: record.id,
      name: record.name,
      type: record.type,
      config,
      enabled: record.enabled === 1,
      owner: ownerOf(record),
      status: { ...status, ...(lastTest ? { lastTest: this.testView(lastTest) } : {}) },
      ...(notes.length > 0 ? { notes } : {}),
    };
  }

  /** An e-mail channel's users checked against who its owner may address (accounts.ts); at least one recipient in all. */
  private withChannelUsers(config: StoredChannelConfig, owner: number | null): StoredChannelConfig {
    if ('url' in config) return config;
    const users = this.accounts.checkChannelUsers(config.users ?? [], owner);
    if (config.to.length === 0 && users.length === 0) throw new BadRequest('config.to: name at least one address, or a user in config.users');
    return users.length > 0 ? { to: config.to, users } : { to: config.to };
  }

  private testView(request: TestRequest): ChannelTestView {
    const result = this.aq?.testResult.get(request.id) as { status: 'queued' | 'sent' | 'failed'; error: string | null; sentAt: number | null } | undefined;
    return {
      id: request.id,
      requestedAt: request.requestedAt,
      requestedBy: request.requestedBy,
      status: result?.status ?? 'waiting',
      error: result?.error ?? null,
      at: result?.sentAt ?? null,
    };
  }

  /** NOC's (null) for NOC staff and admins, the reseller's own id for a reseller. */
  private ownerIdOf(user: User): number | null {
    return user.role === 'reseller' ? user.id : null;
  }

  private ruleById(id: number): Rule | undefined {
    const record = this.q.rule.get(id) as RuleRecord | undefined;
    return record ? ruleView(record) : undefined;
  }

  /** A rule the caller may change: NOC and admin any, a reseller its own; anything else answers like nonexistent. */
  private ownRule(user: User, id: number): RuleRecord {
    const record = this.q.rule.get(id) as RuleRecord | undefined;
    if (!record || (user.role === 'reseller' && record.owner_reseller_id !== user.id)) throw new NotFound(`no rule ${id}`);
    return record;
  }

  private ownChannel(user: User, id: number): ChannelRecord {
    const record = this.q.channel.get(id) as ChannelRecord | undefined;
    if (!record || (user.role === 'reseller' && record.owner_reseller_id !== user.id)) throw new NotFound(`no channel ${id}`);
    return record;
  }

  /** What the schema cannot judge: codes, metric ranges, scope entries and channels, against the rule's owner. */
  private checkRule(input: RuleInput, owner: number | null): RuleInput & { scope: AlertScope } {
    const { condition } = input;
    if (condition.kind === 'problem' && condition.code !== undefined && !isKnownCode(condition.code)) {
      throw new BadRequest(`condition.code: unknown problem code "${condition.code}" (GET /api/alert-conditions lists them)`);
    }
    if (condition.kind === 'metric') {
      const metric = ALERT_METRICS.find((m) => m.metric === condition.metric)!;
      if (!(condition.above >= metric.min && condition.above <= metric.max)) {
        throw new BadRequest(`condition.above: ${condition.metric} takes ${metric.min} to ${metric.max} (${metric.unit})`);
      }
    }
    const scope = this.checkScope(input.scope, owner);
    for (const channelId of input.channelIds ?? []) {
      if (this.q.ownedChannel.get(channelId, owner) === undefined)
        throw new BadRequest(`channelIds: no channel ${channelId}${owner === null ? ' of NOC' : ''}`);
    }
    return { ...input, scope };
  }

  /** Every scope entry must name something its owner holds; unknown and another's get the same answer. */
  private checkScope(scope: Partial<AlertScope> | undefined, owner: number | null): AlertScope {
    const clean: AlertScope = { installations: scope?.installations ?? [], sites: scope?.sites ?? [], recorders: scope?.recorders ?? [] };
    const visible = { all: owner === null ? 1 : 0, userId: owner ?? 0 };
    for (const slc of clean.installations) {
      if (this.q.scopeInstallation.get({ ...visible, slc }) === undefined) throw new BadRequest(`scope.installations: no installation "${slc}"`);
    }
    for (const site of clean.sites) {
      const slash = site.indexOf('/');
      const found = slash > 0 && this.q.scopeSite.get({ ...visible, slc: site.slice(0, slash), siteId: site.slice(slash + 1) }) !== undefined;
      if (!found) throw new BadRequest(`scope.sites: no site "${site}" (write "SLC/siteId")`);
    }
    for (const id of clean.recorders) {
      if (this.q.scopeRecorder.get({ ...visible, id }) === undefined) throw new BadRequest(`scope.recorders: no recorder "${id}"`);
    }
    return clean;
  }

  private audit(user: User, entity: AuditEntity, entityId: number, owner: number | null, action: AuditEntry['action'], before: unknown, after: unknown): void {
    this.q.audit.run({
      at: Date.now(),
      by: user.username,
      entity,
      entityId,
      owner,
      action,
      before: before === null ? null : JSON.stringify(before),
      after: after === null ? null : JSON.stringify(after),
    });
  }

  close(): void {
    clearInterval(this.settleTimer);
    this.alertListeners.clear();
    this.reader.close();
    this.db.close();
  }

  // ---- the rules themselves ------------------------------------------------------------------

  /** The tenancy rule as SQL on an installation SLC column, for modules with their own queries (bind tenancyParams). */
  visibleSql(column: string): string {
    return visibleSlc(column);
  }

  /** The named parameters visibleSql's condition binds for the caller. */
  tenancyParams(user: User): { all: 0 | 1; userId: number } {
    return this.scope(user);
  }

  /** The schema name alerts.db is attached as on `reader`, once the engine has created it; else undefined. */
  alertsSchema(): string | undefined {
    return this.ensureAlertsDb() ? ALERTS_SCHEMA : undefined;
  }

  private scope(user: User): Scope {
    return { all: user.role === 'reseller' ? 0 : 1, userId: user.id };
  }

  private requireVisible(user: User, recorderId: string): void {
    if (!this.canSee(user, recorderId)) throw new NotFound(`no recorder "${recorderId}"`);
  }

  private requireRole(user: User, roles: readonly Role[], why: string): void {
    if (!roles.includes(user.role)) throw new Forbidden(why);
  }

  /** Active conditions and recent events, per recorder, within the caller's scope. */
  private problems(scope: Scope): Map<string, Problem[]> {
    const byRecorder = new Map<string, Problem[]>();
    const rows = [
      ...(this.q.conditions.all(scope) as Array<Problem & { recorderId: string }>),
      ...(this.q.events.all({ ...scope, now: Date.now() }) as Array<Problem & { recorderId: string }>),
    ];
    for (const { recorderId, ...problem } of rows.map(attachCurrent)) {
      let list = byRecorder.get(recorderId);
      if (!list) byRecorder.set(recorderId, (list = []));
      list.push(problem);
    }
    return byRecorder;
  }

  /** One recorder's problems; call only after its visibility was checked. */
  private problemsOf(recorderId: string): Problem[] {
    return [...(this.q.conditionsOf.all(recorderId) as Problem[]), ...(this.q.eventsOf.all(recorderId, Date.now()) as Problem[])].map(attachCurrent);
  }

  /** Days to full per drive, from the trend of the last 24 h of readings in the time-series store. */
  private async diskTrends(id: string, disks: ReadonlyArray<{ path: string; freeBytes: number }>): Promise<Map<string, number | null>> {
    const trends = new Map<string, number | null>();
    if (!this.telemetry || disks.length === 0) return trends;
    const to = Date.now();
    const rows = await this.telemetry.query({ measurement: 'disk', recorder: id, field: 'free_bytes', from: to - TREND_WINDOW_MS, to });
    for (const disk of disks) {
      // Used bytes grow exactly as free bytes shrink (for a drive of one size), so the free-space series is enough.
      const points = rows.filter((row) => row.tags.path === disk.path).map((row) => ({ time: row.time, usedBytes: -Number(row.value) }));
      trends.set(disk.path, daysToFull(points, disk.freeBytes));
    }
    return trends;
  }

  /** Acknowledgements by ackKey. */
  private acknowledgementsBy(rows: unknown[]): Map<string, Acknowledgement> {
    const byKey = new Map<string, Acknowledgement>();
    for (const { recorderId, code, subject, since, by, at, comment } of rows as Array<
      Acknowledgement & { recorderId: string; code: string; subject: string; since: number }
    >) {
      byKey.set(ackKey(recorderId, { code, subject, since }), { by, at, comment });
    }
    return byKey;
  }

  private view(row: ScopedRecorderRow, found: Problem[], acks: ReadonlyMap<string, Acknowledgement>): RecorderView {
    const fromState = stateProblem(row);
    // Rows from SQLite carry no `acknowledged` and a NULL clearsAt for conditions; the list's SQL gives neither.
    const conditions = found.map(({ clearsAt, ...problem }) => ({
      ...problem,
      ...(clearsAt == null ? {} : { clearsAt }),
      acknowledged: acks.get(ackKey(row.id, problem)) ?? null,
    }));
    if (fromState) fromState.acknowledged = acks.get(ackKey(row.id, fromState)) ?? null;
    return {
      id: row.id,
      name: row.name || row.id,
      installation: { slc: row.installationSlc, name: row.installationName },
      site: { id: row.siteId, name: row.siteName, latitude: row.latitude, longitude: row.longitude, unreachable: row.siteUnreachableSince !== null },
      state: row.state,
      stateSince: row.stateSince,
      lastSeen: row.lastSeen,
      agentVersion: row.agentVersion,
      failoverPartner: row.failoverPartner,
      coveredBy: row.coveredBy,
      problems: fromState ? [fromState, ...conditions] : conditions,
    };
  }
}

interface TokenRow {
  id: number;
  slc: string;
  installationName: string;
  recorderId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  enrolledAt: number | null;
  outcome: 'granted' | 'claim' | null;
}

function tokenView(row: TokenRow, now: number): EnrollmentTokenView {
  const status: EnrollmentTokenStatus =
    row.revokedAt !== null
      ? 'revoked'
      : row.outcome === 'granted'
        ? 'granted'
        : row.outcome === 'claim'
          ? 'claim-pending'
          : row.enrolledAt !== null
            ? 'enrolled'
            : row.expiresAt < now
              ? 'expired'
              : 'pending';
  return {
    id: row.id,
    slc: row.slc,
    installationName: row.installationName,
    recorderId: row.recorderId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    status,
    enrolledAt: row.enrolledAt,
  };
}

/** dashboard.db from before ownership had to be proven: its registrations stay, marked as such. */
function migrate(db: Database.Database): void {
  const columns = db.pragma('table_info(installations)') as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'source')) {
    db.exec(`ALTER TABLE installations ADD COLUMN source TEXT NOT NULL DEFAULT 'registration'
      CHECK (source IN ('registration', 'enrollment', 'admin', 'approved-claim'))`);
  }
}

// ---- alerting records and views ----------------------------------------------------------------

interface RuleRecord {
  id: number;
  name: string;
  owner_reseller_id: number | null;
  ownerName: string | null;
  condition: string;
  scope: string;
  for_seconds: number;
  severity: Rule['severity'];
  when_covered: Rule['whenCovered'];
  repeat_minutes: number;
  channel_ids: string;
  enabled: number;
  created_at: number;
  updated_at: number;
  updated_by: string;
}

interface ChannelRecord {
  id: number;
  name: string;
  owner_reseller_id: number | null;
  ownerName: string | null;
  type: 'webhook' | 'email';
  config: string;
  enabled: number;
}

interface SilenceRecord {
  id: number;
  owner_reseller_id: number | null;
  ownerName: string | null;
  scope: string;
  rule_id: number | null;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

interface TestRequest {
  id: number;
  channelId: number;
  requestedBy: string;
  requestedAt: number;
}

type AlertRowWithExtras = AlertRow & {
  ruleName: string | null;
  /** The reseller holding the alert's installation, if any. */
  holder: number | null;
  ackBy: string | null;
  ackAt: number | null;
  ackComment: string | null;
};

const ownerOf = (record: { owner_reseller_id: number | null; ownerName: string | null }): Owner =>
  record.owner_reseller_id === null ? { kind: 'noc' } : { kind: 'reseller', username: record.ownerName ?? '' };

const ownerIdOfRecord = (record: { owner_reseller_id: number | null }) => record.owner_reseller_id;

function ruleView(record: RuleRecord): Rule {
  return {
    id: record.id,
    name: record.name,
    condition: JSON.parse(record.condition) as Rule['condition'],
    scope: JSON.parse(record.scope) as AlertScope,
    forSeconds: record.for_seconds,
    severity: record.severity,
    whenCovered: record.when_covered,
    repeatMinutes: record.repeat_minutes,
    channelIds: JSON.parse(record.channel_ids) as number[],
    enabled: record.enabled === 1,
    owner: ownerOf(record),
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    updatedBy: record.updated_by,
  };
}

/** A rule as its columns (defaults for what an API caller may leave out, as the schema gives them). */
function ruleParams(input: RuleInput) {
  return {
    name: input.name,
    condition: JSON.stringify(input.condition),
    scope: JSON.stringify(input.scope),
    forSeconds: input.forSeconds ?? 0,
    severity: input.severity,
    whenCovered: input.whenCovered ?? 'lower',
    repeatMinutes: input.repeatMinutes ?? 240,
    channelIds: JSON.stringify(input.channelIds ?? []),
    enabled: input.enabled === false ? 0 : 1,
  };
}

function silenceView(record: SilenceRecord): Silence {
  return {
    id: record.id,
    scope: JSON.parse(record.scope) as AlertScope,
    ruleId: record.rule_id,
    startsAt: record.starts_at,
    endsAt: record.ends_at,
    reason: record.reason,
    createdBy: record.created_by,
    createdAt: record.created_at,
    owner: ownerOf(record),
  };
}

/** A channel as the audit keeps it: the API's view (no secret), without its delivery status. */
function auditableChannel(channel: Channel): Omit<Channel, 'status'> {
  const { status: _status, ...rest } = channel;
  return rest;
}

/** The stored config of a channel: a webhook's URL must be http(s); a PUT without a secret keeps the stored one. */
function checkChannelConfig(input: ChannelInput, before: ChannelRecord | undefined): StoredChannelConfig {
  if (input.type === 'email') return { to: input.config.to ?? [], ...(input.config.users ? { users: input.config.users } : {}) };
  let url: URL;
  try {
    url = new URL(input.config.url);
  } catch {
    throw new BadRequest('config.url: not a URL (write e.g. "https://hooks.example.com/vigil")');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BadRequest('config.url: use an http:// or https:// URL');
  if (url.username || url.password) throw new BadRequest('config.url: no credentials in the URL (the secret signs each request)');
  const previous = before?.type === 'webhook' ? (JSON.parse(before.config) as { secret: string }) : undefined;
  const secret = input.config.secret ?? previous?.secret;
  if (secret === undefined) throw new BadRequest('config.secret: required for a new webhook (16 characters or more)');
  return { url: url.toString(), secret, timeoutMs: input.config.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS };
}

function inView(entry: AlertEntry, view: AlertView, now: number): boolean {
  const active = entry.state !== 'resolved';
  switch (view) {
    case 'firing':
      return entry.state === 'firing' && !entry.acknowledged && !entry.silenced;
    case 'acknowledged':
      return active && entry.acknowledged !== null;
    case 'silenced':
      return active && entry.silenced !== null;
    case 'resolved-today':
      return !active && entry.resolvedAt !== null && entry.resolvedAt >= now - RECENT_MS;
    case 'all':
      return true;
  }
}

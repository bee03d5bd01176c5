import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { severityRank, worstState, type Severity } from './severity.js';

export type Role = 'admin' | 'noc' | 'reseller';
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

export interface RuleInput {
  name: string;
  /** null: any code. */
  code: string | null;
  minSeverity: Severity;
  /** null: every installation. */
  installationSlc: string | null;
  enabled: boolean;
}

export interface Rule extends RuleInput {
  id: number;
}

export interface Alert {
  ruleId: number;
  ruleName: string;
  recorderId: string;
  code: string;
  subject: string;
  severity: string;
  message: string;
  since: number;
}

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
-- Alert rules, set by NOC: which active problems deserve an alert.
CREATE TABLE IF NOT EXISTS rules (
  id               INTEGER PRIMARY KEY,
  name             TEXT NOT NULL,
  code             TEXT,
  min_severity     TEXT NOT NULL,
  installation_slc TEXT,
  enabled          INTEGER NOT NULL DEFAULT 1,
  created_at       INTEGER NOT NULL
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
`;

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
    severity: 'error',
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
    mkdirSync(dirname(dashboardDbPath), { recursive: true });
    this.db = new Database(dashboardDbPath);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('foreign_keys = ON');
      this.db.exec(SCHEMA);
      migrate(this.db);
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
    const visible = `(@all = 1 OR r.installation_slc IN (SELECT slc FROM installations WHERE reseller_id = @userId))`;
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
            SELECT 1, c.since, c.code, c.subject, json_object('kind', 'condition', 'code', c.code, 'subject', c.subject, 'severity', c.severity,
              'message', c.message, 'since', c.since, 'acknowledged', ${ackJson('c.code', 'c.subject', 'c.since')})
            FROM fleet.${V.conditions} c WHERE c.recorder_id = r.id
            UNION ALL
            SELECT 2, -e.last_seen, e.code, e.subject, json_object('kind', 'event', 'code', e.code, 'subject', e.subject, 'severity', e.severity,
              'message', e.message, 'since', e.since, 'count', e.count, 'lastSeen', e.last_seen, 'clearsAt', e.expires_at,
              'acknowledged', ${ackJson('e.code', 'e.subject', 'e.since')})
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
      conditions: reader.prepare(`SELECT c.recorder_id AS recorderId, 'condition' AS kind, c.code, c.subject, c.severity, c.message, c.since
        FROM fleet.${V.conditions} c JOIN fleet.${V.recorders} r ON r.id = c.recorder_id WHERE ${visible} ORDER BY c.since, c.code, c.subject`),
      conditionsOf: reader.prepare(`SELECT 'condition' AS kind, code, subject, severity, message, since
        FROM fleet.${V.conditions} WHERE recorder_id = ? ORDER BY since, code, subject`),
      events: reader.prepare(`SELECT e.recorder_id AS recorderId, 'event' AS kind, e.code, e.subject, e.severity, e.message, e.since,
        e.count, e.last_seen AS lastSeen, e.expires_at AS clearsAt
        FROM fleet.${V.eventProblems} e JOIN fleet.${V.recorders} r ON r.id = e.recorder_id WHERE e.expires_at > @now AND ${visible}
        ORDER BY e.last_seen DESC, e.code, e.subject`),
      eventsOf: reader.prepare(`SELECT 'event' AS kind, code, subject, severity, message, since, count, last_seen AS lastSeen, expires_at AS clearsAt
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
      allRules: db.prepare(`SELECT id, name, code, min_severity AS minSeverity, installation_slc AS installationSlc, enabled FROM rules ORDER BY id`),
      // A reseller sees the rules that apply to its installations: global ones and those for its own SLCs.
      resellerRules: db.prepare(`SELECT id, name, code, min_severity AS minSeverity, installation_slc AS installationSlc, enabled FROM rules
        WHERE installation_slc IS NULL OR installation_slc IN (SELECT slc FROM installations WHERE reseller_id = ?) ORDER BY id`),
      rule: db.prepare(`SELECT id, name, code, min_severity AS minSeverity, installation_slc AS installationSlc, enabled FROM rules WHERE id = ?`),
      insertRule: db.prepare(`INSERT INTO rules (name, code, min_severity, installation_slc, enabled, created_at)
        VALUES (@name, @code, @minSeverity, @installationSlc, @enabled, @createdAt)`),
      updateRule: db.prepare(`UPDATE rules SET name = @name, code = @code, min_severity = @minSeverity, installation_slc = @installationSlc,
        enabled = @enabled WHERE id = @id`),
      deleteRule: db.prepare('DELETE FROM rules WHERE id = ?'),
      disksOf: reader.prepare(`SELECT path, total_bytes AS totalBytes, free_bytes AS freeBytes, at FROM fleet.${V.disks} WHERE recorder_id = ? ORDER BY path`),
      servicesOf: reader.prepare(`SELECT name, running, at FROM fleet.${V.services} WHERE recorder_id = ? ORDER BY name`),
      stateChangesOf: reader.prepare(`
        SELECT state, since FROM fleet.${V.stateChanges} WHERE recorder_id = @id AND since BETWEEN @from AND @to
        UNION ALL
        SELECT * FROM (SELECT state, since FROM fleet.${V.stateChanges} WHERE recorder_id = @id AND since < @from ORDER BY since DESC LIMIT 1)
        ORDER BY since`),
    };
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

  async addUser(caller: User, username: string, role: Role, password: string): Promise<UserView> {
    this.requireRole(caller, ['admin'], 'only admins manage users');
    if (this.userExists(username)) throw new Conflict(`a user "${username}" exists already`);
    await this.createUser(username, role, password);
    return this.q.users.all().find((u) => (u as UserView).username === username) as UserView;
  }

  /** Removes a user, its sessions and (for a reseller) its registrations. */
  removeUser(caller: User, username: string): void {
    this.requireRole(caller, ['admin'], 'only admins manage users');
    if (username === caller.username) throw new Conflict('you cannot remove your own account');
    // Its unused tokens would otherwise still enrol recorders for nobody.
    for (const digest of this.q.resellerTokenDigests.all(username) as string[]) this.pki?.revokeEnrollmentToken(digest);
    if (this.q.deleteUser.run(username).changes === 0) throw new NotFound(`no user "${username}"`);
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
    return {
      ...this.view(row, this.problemsOf(id), this.acknowledgementsBy(this.q.acknowledgementsOf.all(id))),
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
      if (allowed) return this.availabilityOf(scope, id, ids, from, to);
    }
    if (ids.length === 0) throw new NotFound(`no ${scope} "${id}"`);
    return this.availabilityOf(scope, id, ids, from, to);
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
          counts: emptyCounts(),
          recorders: [],
        };
        sites.set(key, site);
      }
      site.counts[r.state] += 1;
      site.recorders.push({ id: r.id, name: r.name, state: r.state });
    }
    for (const site of sites.values()) site.worstState = worstState(site.recorders.map((r) => r.state));
    return [...sites.values()];
  }

  // ---- rules and alerts ----------------------------------------------------------------------

  rulesFor(user: User): Rule[] {
    const rows = (user.role === 'reseller' ? this.q.resellerRules.all(user.id) : this.q.allRules.all()) as Array<Omit<Rule, 'enabled'> & { enabled: number }>;
    return rows.map((row) => ({ ...row, enabled: row.enabled === 1 }));
  }

  createRule(user: User, input: RuleInput): Rule {
    this.requireRole(user, ['noc', 'admin'], 'only NOC and admins set alert rules');
    const info = this.q.insertRule.run({ ...input, enabled: input.enabled ? 1 : 0, createdAt: Date.now() });
    return { id: Number(info.lastInsertRowid), ...input };
  }

  updateRule(user: User, id: number, input: RuleInput): Rule {
    this.requireRole(user, ['noc', 'admin'], 'only NOC and admins set alert rules');
    if (this.q.updateRule.run({ ...input, id, enabled: input.enabled ? 1 : 0 }).changes === 0) throw new NotFound(`no rule ${id}`);
    return { id, ...input };
  }

  deleteRule(user: User, id: number): void {
    this.requireRole(user, ['noc', 'admin'], 'only NOC and admins set alert rules');
    if (this.q.deleteRule.run(id).changes === 0) throw new NotFound(`no rule ${id}`);
  }

  /**
   * Active problems of the recorders the caller may see that an enabled rule matches (code null:
   * any; severity at least minSeverity; installation null: all), worst first. An unreachable
   * site is one alert, not one per recorder.
   */
  alertsFor(user: User): Alert[] {
    const rules = this.rulesFor(user).filter((rule) => rule.enabled);
    if (rules.length === 0) return [];
    const alerts: Alert[] = [];
    const siteAlerts = new Set<string>();
    for (const recorder of this.recordersFor(user)) {
      for (const problem of recorder.problems) {
        // Acknowledged: someone is on it (docs/DESIGN.md "Fleet state"); it stays listed, but alerts no more.
        if (problem.acknowledged) continue;
        for (const rule of rules) {
          if (rule.code !== null && rule.code !== problem.code) continue;
          if (rule.installationSlc !== null && rule.installationSlc !== recorder.installation.slc) continue;
          if (severityRank(problem.severity) < severityRank(rule.minSeverity)) continue;
          if (problem.code === 'site-unreachable') {
            const key = `${rule.id}\u0000${recorder.installation.slc}\u0000${problem.subject}`;
            if (siteAlerts.has(key)) continue;
            siteAlerts.add(key);
          }
          alerts.push({
            ruleId: rule.id,
            ruleName: rule.name,
            recorderId: recorder.id,
            code: problem.code,
            subject: problem.subject,
            severity: problem.severity,
            message: problem.message,
            since: problem.since,
          });
        }
      }
    }
    return alerts.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.since - b.since);
  }

  close(): void {
    clearInterval(this.settleTimer);
    this.reader.close();
    this.db.close();
  }

  // ---- the rules themselves ------------------------------------------------------------------

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
    for (const { recorderId, ...problem } of rows) {
      let list = byRecorder.get(recorderId);
      if (!list) byRecorder.set(recorderId, (list = []));
      list.push(problem);
    }
    return byRecorder;
  }

  /** One recorder's problems; call only after its visibility was checked. */
  private problemsOf(recorderId: string): Problem[] {
    return [...(this.q.conditionsOf.all(recorderId) as Problem[]), ...(this.q.eventsOf.all(recorderId, Date.now()) as Problem[])];
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

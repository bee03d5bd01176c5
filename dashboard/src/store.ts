import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { FleetDb, type RecorderRow, type RecorderStateName } from '@vigil/ingestor';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

export type Role = 'admin' | 'noc' | 'reseller';
export const ROLES: readonly Role[] = ['admin', 'noc', 'reseller'];

export interface User {
  id: number;
  username: string;
  role: Role;
}

export interface Problem {
  /** condition: raised and not yet cleared; event: happened recently; state: the recorder's own state. */
  kind: 'condition' | 'event' | 'state';
  code: string;
  subject: string;
  severity: string;
  message: string;
  since: number;
  /** Events: how many times, and the last time, within the recent window. */
  count?: number;
  lastSeen?: number;
}

/** How long an event stays in a recorder's problem list. */
export const RECENT_EVENT_MS = 24 * 3_600_000;

export interface RecorderView {
  id: string;
  name: string;
  installation: { slc: string; name: string };
  site: { id: string; name: string; latitude: number | null; longitude: number | null };
  state: RecorderStateName;
  stateSince: number;
  lastSeen: number | null;
  agentVersion: string;
  failoverPartner: string;
  problems: Problem[];
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
-- Tenancy: a reseller sees an installation only once it has registered the installation's SLC.
CREATE TABLE IF NOT EXISTS installations (
  slc           TEXT PRIMARY KEY,
  reseller_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  registered_at INTEGER NOT NULL
);
`;

const UNKNOWN_USER_HASH = hashPassword(randomBytes(16).toString('hex'));
const SESSION_TTL_MS = 12 * 3_600_000;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64');

/** Problems a recorder has because of its state rather than a reported condition. */
function stateProblem(row: RecorderRow): Problem | undefined {
  if (row.state === 'unavailable') {
    return { kind: 'state', code: 'recorder-unavailable', subject: row.id, severity: 'error', message: 'missed 3 heartbeats: the recorder or its network is down', since: row.stateSince };
  }
  if (row.state === 'offline') {
    return { kind: 'state', code: 'recorder-unavailable', subject: row.id, severity: 'critical', message: 'connection lost (last will): the agent process or host went away', since: row.stateSince };
  }
  return undefined;
}

/**
 * The dashboard's own data (users, sessions, SLC registrations) in dashboard.db, with the
 * ingestor's fleet.db attached read-side so that tenancy is one SQL join, enforced here on the
 * server for every route.
 */
export class DashboardStore {
  readonly db: Database.Database;
  private readonly q;

  constructor(dashboardDbPath: string, fleetDbPath: string) {
    new FleetDb(fleetDbPath).close(); // make sure the fleet schema exists before attaching it
    mkdirSync(dirname(dashboardDbPath), { recursive: true });
    this.db = new Database(dashboardDbPath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.db.prepare('ATTACH DATABASE ? AS fleet').run(fleetDbPath);
    const db = this.db;
    const recorderColumns = `r.id, r.name, r.installation_slc AS installationSlc, r.installation_name AS installationName,
      r.site_id AS siteId, r.site_name AS siteName, r.latitude, r.longitude, r.failover_partner AS failoverPartner,
      r.agent_version AS agentVersion, r.state, r.state_since AS stateSince, r.last_seen AS lastSeen`;
    const visible = `(@all = 1 OR r.installation_slc IN (SELECT slc FROM installations WHERE reseller_id = @userId))`;
    this.q = {
      userByName: db.prepare('SELECT id, username, role, password_hash AS passwordHash FROM users WHERE username = ?'),
      insertUser: db.prepare('INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)'),
      setPassword: db.prepare('UPDATE users SET password_hash = ? WHERE username = ?'),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)'),
      sessionUser: db.prepare(`SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.expires_at > ?`),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
      registration: db.prepare('SELECT reseller_id AS resellerId FROM installations WHERE slc = ?'),
      register: db.prepare('INSERT INTO installations (slc, reseller_id, registered_at) VALUES (?, ?, ?)'),
      recorders: db.prepare(`SELECT ${recorderColumns} FROM fleet.recorders r WHERE ${visible} ORDER BY r.installation_name, r.site_name, r.name`),
      recorder: db.prepare(`SELECT ${recorderColumns} FROM fleet.recorders r WHERE r.id = @id AND ${visible}`),
      conditions: db.prepare(`SELECT c.recorder_id AS recorderId, 'condition' AS kind, c.code, c.subject, c.severity, c.message, c.since
        FROM fleet.conditions c JOIN fleet.recorders r ON r.id = c.recorder_id WHERE c.active = 1 AND ${visible} ORDER BY c.since`),
      events: db.prepare(`SELECT e.recorder_id AS recorderId, 'event' AS kind, e.code, e.subject, e.severity, e.message, e.first_seen AS since,
        e.count, e.last_seen AS lastSeen
        FROM fleet.events e JOIN fleet.recorders r ON r.id = e.recorder_id WHERE e.last_seen >= @recentSince AND ${visible} ORDER BY e.last_seen DESC`),
    };
  }

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

  /** Registers an SLC for a reseller. Refuses one held by another reseller without saying whose. */
  registerInstallation(slc: string, reseller: User): 'registered' | 'already-yours' | 'taken' {
    const holder = this.q.registration.get(slc) as { resellerId: number } | undefined;
    if (holder) return holder.resellerId === reseller.id ? 'already-yours' : 'taken';
    this.q.register.run(slc, reseller.id, Date.now());
    return 'registered';
  }

  recordersFor(user: User): RecorderView[] {
    const scope = this.scope(user);
    const problems = this.problems(scope);
    return (this.q.recorders.all(scope) as RecorderRow[]).map((row) => this.view(row, problems.get(row.id) ?? []));
  }

  recorderFor(user: User, id: string): RecorderView | undefined {
    const row = this.q.recorder.get({ ...this.scope(user), id }) as RecorderRow | undefined;
    return row ? this.view(row, this.problems(this.scope(user), id).get(id) ?? []) : undefined;
  }

  /** Active conditions and recent events, per recorder, within the caller's scope. */
  private problems(scope: { all: number; userId: number }, onlyRecorder?: string): Map<string, Problem[]> {
    const byRecorder = new Map<string, Problem[]>();
    const rows = [
      ...(this.q.conditions.all(scope) as Array<Problem & { recorderId: string }>),
      ...(this.q.events.all({ ...scope, recentSince: Date.now() - RECENT_EVENT_MS }) as Array<Problem & { recorderId: string }>),
    ];
    for (const { recorderId, ...problem } of rows) {
      if (onlyRecorder !== undefined && recorderId !== onlyRecorder) continue;
      let list = byRecorder.get(recorderId);
      if (!list) byRecorder.set(recorderId, (list = []));
      list.push(problem);
    }
    return byRecorder;
  }

  canSee(user: User, recorderId: string): boolean {
    return this.q.recorder.get({ ...this.scope(user), id: recorderId }) !== undefined;
  }

  close(): void {
    this.db.close();
  }

  private scope(user: User): { all: number; userId: number } {
    return { all: user.role === 'reseller' ? 0 : 1, userId: user.id };
  }

  private view(row: RecorderRow, conditions: Problem[]): RecorderView {
    const fromState = stateProblem(row);
    return {
      id: row.id,
      name: row.name || row.id,
      installation: { slc: row.installationSlc, name: row.installationName },
      site: { id: row.siteId, name: row.siteName, latitude: row.latitude, longitude: row.longitude },
      state: row.state,
      stateSince: row.stateSince,
      lastSeen: row.lastSeen,
      agentVersion: row.agentVersion,
      failoverPartner: row.failoverPartner,
      problems: fromState ? [fromState, ...conditions] : conditions,
    };
  }
}

import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { isEmailAddress } from '@vigil/ingestor';
import { hashPassword, verifyPassword } from './passwords.js';
import { BadRequest, Conflict, Forbidden, NotFound, type Role, type User } from './store.js';

/**
 * Accounts as people manage them (docs/DESIGN.md "Users"): admins list, create, re-role, reset and
 * remove users; everyone changes their own password and contact e-mail. The contact e-mail is what
 * an e-mail alert channel addressed to the user sends to (read by the ingestor through
 * read_v1_user_contacts). Kept apart from store.ts, which only calls in here.
 */

export interface AccountView {
  username: string;
  role: Role;
  createdAt: number;
  /** The last successful login; null: never logged in. */
  lastLoginAt: number | null;
  contactEmail: string | null;
}

export interface AccountChange {
  role?: Role;
  /** null or "" clears it. */
  contactEmail?: string | null;
  /** A new password set by an admin: the user's sessions end. */
  password?: string;
}

interface AccountRow extends AccountView {
  id: number;
}

/** The session token as stored (the same digest the store keeps; the token itself is never stored). */
export const sessionDigest = (token: string) => createHash('sha256').update(token).digest('base64');

/**
 * New columns on `users` (contact e-mail, last login), and the audit accepting user entries: each
 * checked first, so it runs at every start and changes a file only once.
 */
export function migrateAccounts(db: Database.Database): void {
  const columns = (db.pragma('table_info(users)') as Array<{ name: string }>).map((c) => c.name);
  if (!columns.includes('contact_email')) db.exec('ALTER TABLE users ADD COLUMN contact_email TEXT');
  if (!columns.includes('last_login_at')) db.exec('ALTER TABLE users ADD COLUMN last_login_at INTEGER');
  const audit = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").pluck().get() as string | undefined;
  if (audit !== undefined && !audit.includes("'user'")) {
    // SQLite cannot change a CHECK in place: the table is rebuilt with the same rows (nothing refers to it).
    db.transaction(() => {
      db.exec(`CREATE TABLE audit_log_new (
        id                INTEGER PRIMARY KEY,
        at                INTEGER NOT NULL,
        username          TEXT NOT NULL,
        entity            TEXT NOT NULL CHECK (entity IN ('rule', 'channel', 'silence', 'user')),
        entity_id         INTEGER NOT NULL,
        owner_reseller_id INTEGER,
        action            TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
        before            TEXT,
        after             TEXT
      )`);
      db.exec('INSERT INTO audit_log_new SELECT id, at, username, entity, entity_id, owner_reseller_id, action, before, after FROM audit_log');
      db.exec('DROP TABLE audit_log');
      db.exec('ALTER TABLE audit_log_new RENAME TO audit_log');
      db.exec('CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity, entity_id)');
    })();
  }
}

/** A contact e-mail as typed: trimmed, empty meaning none; the message names the field. */
export function cleanContactEmail(value: string | null | undefined, field = 'contactEmail'): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (!isEmailAddress(trimmed)) throw new BadRequest(`${field}: expected a plain e-mail address such as ops@example.com`);
  return trimmed;
}

const ADMIN_ONLY = 'only admins manage users';

export class Accounts {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    const view = 'id, username, role, created_at AS createdAt, last_login_at AS lastLoginAt, contact_email AS contactEmail';
    this.q = {
      all: db.prepare(`SELECT ${view} FROM users ORDER BY username`),
      byName: db.prepare(`SELECT ${view} FROM users WHERE username = ?`),
      hashOf: db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck(),
      admins: db.prepare("SELECT count(*) FROM users WHERE role = 'admin'").pluck(),
      setRole: db.prepare('UPDATE users SET role = ? WHERE id = ?'),
      setContact: db.prepare('UPDATE users SET contact_email = ? WHERE id = ?'),
      setHash: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
      loggedIn: db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?'),
      endSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      endOtherSessions: db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?'),
      holdings: db
        .prepare(`SELECT (SELECT count(*) FROM installations WHERE reseller_id = @id)
        + (SELECT count(*) FROM alert_rules WHERE owner_reseller_id = @id)
        + (SELECT count(*) FROM alert_channels WHERE owner_reseller_id = @id)
        + (SELECT count(*) FROM alert_silences WHERE owner_reseller_id = @id)`)
        .pluck(),
      audit: db.prepare(`INSERT INTO audit_log (at, username, entity, entity_id, owner_reseller_id, action, before, after)
        VALUES (@at, @by, 'user', @id, NULL, @action, @before, @after)`),
    };
  }

  list(caller: User): AccountView[] {
    requireAdmin(caller);
    return (this.q.all.all() as AccountRow[]).map(publicView);
  }

  /** The caller's own account. */
  own(caller: User): AccountView {
    return publicView(this.row(caller.username));
  }

  /** For the users page: a new user's full view (the store creates it). */
  view(username: string): AccountView {
    return publicView(this.row(username));
  }

  recordLogin(userId: number, at = Date.now()): void {
    this.q.loggedIn.run(at, userId);
  }

  /** Sets a new user's contact e-mail, in the transaction that made it, and audits the creation. */
  created(caller: User, username: string, contactEmail: string | null): AccountView {
    const row = this.row(username);
    if (contactEmail !== null) this.q.setContact.run(contactEmail, row.id);
    const after = this.view(username);
    this.audit(caller, row.id, 'create', null, after);
    return after;
  }

  /**
   * An admin's change to a user: role, contact e-mail, a new password (which ends every session of
   * that user). The last admin keeps its role; a reseller holding installations or alerting keeps
   * its role too (they would be nobody's, or a NOC user's, without a word).
   */
  async update(caller: User, username: string, change: AccountChange): Promise<AccountView> {
    requireAdmin(caller);
    const contactEmail = change.contactEmail === undefined ? undefined : cleanContactEmail(change.contactEmail);
    if (change.password !== undefined && username === caller.username) {
      throw new BadRequest('password: change your own password on your account page (POST /api/account/password, with your current one)');
    }
    // Hashing takes a while: before the transaction, so the checks and writes below see one moment.
    const hash = change.password === undefined ? undefined : await hashPassword(change.password);
    return this.db.transaction(() => {
      const before = this.row(username);
      if (change.role !== undefined && change.role !== before.role) {
        if (before.role === 'admin' && (this.q.admins.get() as number) <= 1) {
          throw new Conflict(`role: "${username}" is the last admin; make another user admin first`);
        }
        if (before.role === 'reseller' && (this.q.holdings.get({ id: before.id }) as number) > 0) {
          throw new Conflict(
            `role: "${username}" holds installations or owns alert rules, channels or silences; assign or remove them before changing its role`,
          );
        }
        this.q.setRole.run(change.role, before.id);
      }
      if (contactEmail !== undefined) this.q.setContact.run(contactEmail, before.id);
      if (hash !== undefined) {
        this.q.setHash.run(hash, before.id);
        this.q.endSessions.run(before.id);
      }
      const after = this.view(username);
      this.audit(caller, before.id, 'update', publicView(before), { ...after, ...(hash !== undefined ? { passwordReset: true } : {}) });
      return after;
    })();
  }

  /** The caller's own contact e-mail (null or "" clears it). */
  setOwnContact(caller: User, contactEmail: string | null): AccountView {
    const clean = cleanContactEmail(contactEmail);
    return this.db.transaction(() => {
      const before = this.row(caller.username);
      this.q.setContact.run(clean, before.id);
      const after = this.view(caller.username);
      this.audit(caller, before.id, 'update', publicView(before), after);
      return after;
    })();
  }

  /**
   * Changes the caller's password when `current` is right; every other session of the caller ends,
   * the one asking (its token's digest) stays. False: the current password was wrong.
   */
  async changeOwnPassword(caller: User, current: string, next: string, keepSessionDigest: string): Promise<boolean> {
    const stored = this.q.hashOf.get(caller.id) as string | undefined;
    if (stored === undefined || !(await verifyPassword(current, stored))) return false;
    if (current === next) throw new BadRequest('newPassword: the same as the current one; choose another');
    const hash = await hashPassword(next);
    this.db.transaction(() => {
      this.q.setHash.run(hash, caller.id);
      this.q.endOtherSessions.run(caller.id, keepSessionDigest);
      const view = this.view(caller.username);
      this.audit(caller, caller.id, 'update', view, { ...view, passwordChanged: true });
    })();
    return true;
  }

  /**
   * Runs `remove` (which deletes the user) in one transaction with the checks and the audit entry.
   * The last admin is never removed.
   */
  removing(caller: User, username: string, remove: () => void): void {
    this.db.transaction(() => {
      const before = this.q.byName.get(username) as AccountRow | undefined;
      if (!before) throw new NotFound(`no user "${username}"`);
      if (before.role === 'admin' && (this.q.admins.get() as number) <= 1) throw new Conflict(`"${username}" is the last admin`);
      remove();
      this.audit(caller, before.id, 'delete', publicView(before), null);
    })();
  }

  /**
   * The users an e-mail channel may address (docs/CHANNELS.md): a NOC channel (owner null) any
   * user, a reseller's channel only the reseller itself; named in the error by index.
   */
  checkChannelUsers(users: readonly string[], owner: number | null): string[] {
    const clean = [...new Set(users.map((u) => u.trim()))];
    const ownerName = owner === null ? undefined : (this.db.prepare('SELECT username FROM users WHERE id = ?').pluck().get(owner) as string | undefined);
    for (const [index, name] of clean.entries()) {
      if (ownerName !== undefined) {
        // Any other name answers alike, whether it exists or not: a reseller learns nothing of other accounts.
        if (name !== ownerName) throw new BadRequest(`config.users[${index}]: your channel can address only your own account ("${ownerName}")`);
      } else if (this.q.byName.get(name) === undefined) {
        throw new BadRequest(`config.users[${index}]: no user "${name}"`);
      }
    }
    return clean;
  }

  /** Whom the caller's e-mail channels may address (the channel editor's choice): NOC and admin every user, a reseller itself. */
  addressable(caller: User): Array<{ username: string; role: Role; hasContactEmail: boolean }> {
    const rows = caller.role === 'reseller' ? [this.row(caller.username)] : (this.q.all.all() as AccountRow[]);
    return rows.map((row) => ({ username: row.username, role: row.role, hasContactEmail: row.contactEmail !== null }));
  }

  /** What an e-mail channel's users resolve to now: a line for each one that will be skipped. */
  channelNotes(users: readonly string[]): string[] {
    const notes: string[] = [];
    for (const name of users) {
      const row = this.q.byName.get(name) as AccountRow | undefined;
      if (!row) notes.push(`user "${name}" no longer exists: skipped`);
      else if (row.contactEmail === null) notes.push(`user "${name}" has no contact e-mail: skipped until they set one (Account page)`);
    }
    return notes;
  }

  private row(username: string): AccountRow {
    const row = this.q.byName.get(username) as AccountRow | undefined;
    if (!row) throw new NotFound(`no user "${username}"`);
    return row;
  }

  private audit(caller: User, id: number, action: 'create' | 'update' | 'delete', before: AccountView | null, after: object | null): void {
    this.q.audit.run({
      at: Date.now(),
      by: caller.username,
      id,
      action,
      before: before === null ? null : JSON.stringify(before),
      after: after === null ? null : JSON.stringify(after),
    });
  }
}

function publicView(row: AccountRow): AccountView {
  return { username: row.username, role: row.role, createdAt: row.createdAt, lastLoginAt: row.lastLoginAt, contactEmail: row.contactEmail };
}

function requireAdmin(caller: User): void {
  if (caller.role !== 'admin') throw new Forbidden(ADMIN_ONLY);
}

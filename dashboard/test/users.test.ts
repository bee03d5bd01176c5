import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, logIn, PASSWORD, startFixture, type Fixture, type Session } from './support/fixture.js';

// Users page, own account and the contact e-mail alerting uses (issue #15): through the HTTP API
// (app.inject) on real SQLite files, as admin, NOC and resellers.

let fx: Fixture;
let admin: Session;
let noc: Session;
let alice: Session;

interface UserView {
  username: string;
  role: string;
  createdAt: number;
  lastLoginAt: number | null;
  contactEmail: string | null;
}

const userOf = (body: { json<T>(): T }) => body.json<{ user: UserView }>().user;
const listed = async (name: string) =>
  (await as(fx.dashboard, admin, 'GET', '/api/users')).json<{ users: UserView[] }>().users.find((u) => u.username === name);
const canLogIn = async (username: string, password: string) =>
  (await fx.dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username, password } })).statusCode === 200;
const sessionAlive = async (session: Session) => (await as(fx.dashboard, session, 'GET', '/api/account')).statusCode === 200;

beforeAll(async () => {
  fx = await startFixture();
  admin = await logIn(fx.dashboard, 'admin');
  noc = await logIn(fx.dashboard, 'noc');
  alice = await logIn(fx.dashboard, 'alice');
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('users page API (admin)', () => {
  it('creates a user with a contact e-mail, lists role, creation and last login, and records the login', async () => {
    const before = Date.now();
    const created = await as(fx.dashboard, admin, 'POST', '/api/users', {
      username: 'dave',
      role: 'noc',
      password: 'dave has twelve chars',
      contactEmail: ' dave@noc.example ',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(userOf(created)).toEqual({ username: 'dave', role: 'noc', createdAt: expect.any(Number), lastLoginAt: null, contactEmail: 'dave@noc.example' });
    expect(await listed('dave')).toMatchObject({ lastLoginAt: null });
    await logIn(fx.dashboard, 'dave', 'dave has twelve chars');
    const after = await listed('dave');
    expect(after?.lastLoginAt).toBeGreaterThanOrEqual(before);
    expect(after?.lastLoginAt).toBeLessThanOrEqual(Date.now());

    const bad = await as(fx.dashboard, admin, 'POST', '/api/users', {
      username: 'erin',
      role: 'noc',
      password: 'erin has twelve chars',
      contactEmail: 'erin at home',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/^contactEmail: expected a plain e-mail address/);
    expect(fx.dashboard.store.userExists('erin')).toBe(false);
  });

  it('changes role and contact e-mail, and keeps the last admin', async () => {
    const res = await as(fx.dashboard, admin, 'PATCH', '/api/users/dave', { role: 'admin', contactEmail: 'dave@elsewhere.example' });
    expect(res.statusCode, res.body).toBe(200);
    expect(userOf(res)).toMatchObject({ username: 'dave', role: 'admin', contactEmail: 'dave@elsewhere.example' });
    // Two admins: one may step down.
    expect(userOf(await as(fx.dashboard, admin, 'PATCH', '/api/users/dave', { role: 'noc', contactEmail: '' }))).toMatchObject({
      role: 'noc',
      contactEmail: null,
    });
    // Now admin is the only one: it cannot demote itself.
    const last = await as(fx.dashboard, admin, 'PATCH', '/api/users/admin', { role: 'noc' });
    expect(last.statusCode).toBe(409);
    expect(last.json<{ error: string }>().error).toMatch(/last admin/);
    expect((await listed('admin'))?.role).toBe('admin');
    // Nor remove itself (the only way the last admin could be removed).
    expect((await as(fx.dashboard, admin, 'DELETE', '/api/users/admin')).statusCode).toBe(409);

    // A reseller holding installations keeps its role until they are reassigned.
    const holding = await as(fx.dashboard, admin, 'PATCH', '/api/users/alice', { role: 'noc' });
    expect(holding.statusCode).toBe(409);
    expect(holding.json<{ error: string }>().error).toMatch(/^role: "alice" holds installations/);

    expect((await as(fx.dashboard, admin, 'PATCH', '/api/users/nobody', { role: 'noc' })).statusCode).toBe(404);
    expect((await as(fx.dashboard, admin, 'PATCH', '/api/users/dave', {})).statusCode).toBe(400);
    expect((await as(fx.dashboard, admin, 'PATCH', '/api/users/dave', { role: 'root' })).statusCode).toBe(400);
  });

  it('resets a password: the user’s sessions end, the old password stops working; its own needs the account page', async () => {
    const dave = await logIn(fx.dashboard, 'dave', 'dave has twelve chars');
    expect(await sessionAlive(dave)).toBe(true);
    const res = await as(fx.dashboard, admin, 'PATCH', '/api/users/dave', { password: 'a brand new secret' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).not.toMatch(/secret|scrypt|hash/i);
    expect(await sessionAlive(dave)).toBe(false);
    expect(await canLogIn('dave', 'dave has twelve chars')).toBe(false);
    expect(await canLogIn('dave', 'a brand new secret')).toBe(true);
    expect((await as(fx.dashboard, admin, 'PATCH', '/api/users/dave', { password: 'short' })).statusCode).toBe(400);

    const own = await as(fx.dashboard, admin, 'PATCH', '/api/users/admin', { password: 'admin resets itself' });
    expect(own.statusCode).toBe(400);
    expect(own.json<{ error: string }>().error).toMatch(/^password: change your own password on your account page/);
    expect(await canLogIn('admin', PASSWORD)).toBe(true);
  });

  it('deletes a user (its sessions end), not one’s own account', async () => {
    const dave = await logIn(fx.dashboard, 'dave', 'a brand new secret');
    expect((await as(fx.dashboard, admin, 'DELETE', '/api/users/dave')).statusCode).toBe(204);
    expect(await sessionAlive(dave)).toBe(false);
    expect(await listed('dave')).toBeUndefined();
    expect((await as(fx.dashboard, admin, 'DELETE', '/api/users/dave')).statusCode).toBe(404);
  });

  it('audits user changes for admins only, never with a password or hash', async () => {
    const res = await as(fx.dashboard, admin, 'GET', '/api/audit?entity=user');
    expect(res.statusCode).toBe(200);
    const entries = res.json<{
      entries: Array<{ by: string; entity: string; action: string; before: UserView | null; after: Record<string, unknown> | null }>;
    }>().entries;
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['create', 'update', 'delete']));
    expect(entries.every((e) => e.entity === 'user' && e.by === 'admin')).toBe(true);
    expect(entries).toContainEqual(expect.objectContaining({ action: 'update', after: expect.objectContaining({ username: 'dave', passwordReset: true }) }));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'delete', before: expect.objectContaining({ username: 'dave' }), after: null }));
    expect(res.body).not.toMatch(/brand new secret|twelve chars|scrypt|password_hash/);
    for (const other of [noc, alice]) {
      const theirs = await as(fx.dashboard, other, 'GET', '/api/audit');
      expect(theirs.statusCode).toBe(200);
      expect(theirs.json<{ entries: Array<{ entity: string }> }>().entries.filter((e) => e.entity === 'user')).toEqual([]);
    }
  });

  it('refuses reseller and NOC on every admin route (403), changing nothing', async () => {
    for (const caller of [alice, noc]) {
      expect((await as(fx.dashboard, caller, 'GET', '/api/users')).statusCode).toBe(403);
      expect((await as(fx.dashboard, caller, 'POST', '/api/users', { username: 'mallory', role: 'admin', password: 'long enough password' })).statusCode).toBe(
        403,
      );
      expect((await as(fx.dashboard, caller, 'PATCH', '/api/users/admin', { password: 'long enough password' })).statusCode).toBe(403);
      expect((await as(fx.dashboard, caller, 'PATCH', `/api/users/${caller.username}`, { role: 'admin' })).statusCode).toBe(403);
      expect((await as(fx.dashboard, caller, 'DELETE', '/api/users/carol')).statusCode).toBe(403);
    }
    expect(fx.dashboard.store.userExists('mallory')).toBe(false);
    expect(fx.dashboard.store.userExists('carol')).toBe(true);
    expect((await listed('noc'))?.role).toBe('noc');
    expect(await canLogIn('admin', PASSWORD)).toBe(true);
  });
});

describe('own account (everyone)', () => {
  it('sets and clears one’s own contact e-mail', async () => {
    for (const [session, email] of [
      [noc, 'noc-desk@noc.example'],
      [alice, 'alice@alpha.example'],
    ] as const) {
      const res = await as(fx.dashboard, session, 'PATCH', '/api/account', { contactEmail: email });
      expect(res.statusCode, res.body).toBe(200);
      expect(userOf(res)).toMatchObject({ username: session.username, contactEmail: email });
      expect(userOf(await as(fx.dashboard, session, 'GET', '/api/account'))).toMatchObject({ contactEmail: email, lastLoginAt: expect.any(Number) });
    }
    const bad = await as(fx.dashboard, alice, 'PATCH', '/api/account', { contactEmail: 'alice@' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/^contactEmail:/);
    expect(userOf(await as(fx.dashboard, noc, 'PATCH', '/api/account', { contactEmail: '' })).contactEmail).toBeNull();
    expect(userOf(await as(fx.dashboard, noc, 'PATCH', '/api/account', { contactEmail: 'noc-desk@noc.example' })).contactEmail).toBe('noc-desk@noc.example');
  });

  it('changes one’s own password with the current one: other sessions end, this one stays', async () => {
    const here = await logIn(fx.dashboard, 'bob');
    const phone = await logIn(fx.dashboard, 'bob');
    const wrong = await as(fx.dashboard, here, 'POST', '/api/account/password', { currentPassword: 'not my password', newPassword: 'bob picks a new one' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json<{ error: string }>().error).toMatch(/^currentPassword:/);
    expect(await sessionAlive(phone)).toBe(true);
    expect((await as(fx.dashboard, here, 'POST', '/api/account/password', { currentPassword: PASSWORD, newPassword: 'short' })).statusCode).toBe(400);
    expect((await as(fx.dashboard, here, 'POST', '/api/account/password', { currentPassword: PASSWORD, newPassword: PASSWORD })).statusCode).toBe(400);

    const ok = await as(fx.dashboard, here, 'POST', '/api/account/password', { currentPassword: PASSWORD, newPassword: 'bob picks a new one' });
    expect(ok.statusCode, ok.body).toBe(204);
    expect(await sessionAlive(here)).toBe(true);
    expect(await sessionAlive(phone)).toBe(false);
    expect(await canLogIn('bob', PASSWORD)).toBe(false);
    expect(await canLogIn('bob', 'bob picks a new one')).toBe(true);
    // Put back for the tests below.
    expect((await as(fx.dashboard, here, 'POST', '/api/account/password', { currentPassword: 'bob picks a new one', newPassword: PASSWORD })).statusCode).toBe(
      204,
    );
  });

  it('stops guessing the current password after 5 wrong tries (429)', async () => {
    const carol = await logIn(fx.dashboard, 'carol');
    const guess = () => as(fx.dashboard, carol, 'POST', '/api/account/password', { currentPassword: 'guess guess', newPassword: 'carol new password' });
    for (let i = 0; i < 5; i++) expect((await guess()).statusCode).toBe(403);
    const limited = await guess();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // Another user is not held up by carol's guesses.
    expect(
      (await as(fx.dashboard, alice, 'POST', '/api/account/password', { currentPassword: 'also wrong', newPassword: 'whatever long one' })).statusCode,
    ).toBe(403);
  });
});

describe('e-mail channels addressed to users', () => {
  it('takes user names (NOC: anyone; a reseller: only itself), notes users without a contact e-mail, and publishes contacts for the engine', async () => {
    const nocChannel = await as(fx.dashboard, noc, 'POST', '/api/alert-channels', {
      name: 'People on call',
      type: 'email',
      config: { users: ['alice', 'carol'] },
    });
    expect(nocChannel.statusCode, nocChannel.body).toBe(201);
    const made = nocChannel.json<{ id: number; config: { to: string[]; users: string[] }; notes?: string[] }>();
    expect(made.config).toEqual({ to: [], users: ['alice', 'carol'] });
    expect(made.notes).toEqual(['user "carol" has no contact e-mail: skipped until they set one (Account page)']);

    const unknown = await as(fx.dashboard, noc, 'POST', '/api/alert-channels', { name: 'x', type: 'email', config: { users: ['alice', 'nobody'] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ error: string }>().error).toBe('config.users[1]: no user "nobody"');
    const empty = await as(fx.dashboard, noc, 'POST', '/api/alert-channels', { name: 'x', type: 'email', config: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ error: string }>().error).toMatch(/^config\.to: name at least one address, or a user/);

    // Alice may address herself only; another user, existing or not, is refused alike.
    const own = await as(fx.dashboard, alice, 'POST', '/api/alert-channels', { name: 'Me', type: 'email', config: { users: ['alice'] } });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json<{ notes?: string[] }>().notes).toBeUndefined();
    const bobs = await as(fx.dashboard, alice, 'POST', '/api/alert-channels', { name: 'x', type: 'email', config: { users: ['bob'] } });
    const nobodys = await as(fx.dashboard, alice, 'POST', '/api/alert-channels', { name: 'x', type: 'email', config: { users: ['bobby'] } });
    expect(bobs.statusCode).toBe(400);
    expect(bobs.body.replace('"bob"', 'X')).toBe(nobodys.body.replace('"bobby"', 'X'));
    expect(bobs.json<{ error: string }>().error).toBe('config.users[0]: your channel can address only your own account ("alice")');

    const reader = new Database(join(fx.dir, 'dashboard.db'), { readonly: true });
    try {
      const contacts = () =>
        Object.fromEntries(reader.prepare('SELECT username, contact_email FROM read_v1_user_contacts').raw().all() as Array<[string, string]>);
      expect(contacts()).toMatchObject({ alice: 'alice@alpha.example', carol: null, noc: 'noc-desk@noc.example' });
      await as(fx.dashboard, alice, 'PATCH', '/api/account', { contactEmail: 'alice.new@alpha.example' });
      expect(contacts().alice).toBe('alice.new@alpha.example');
      const stored = reader.prepare('SELECT config FROM read_v1_alert_channels WHERE id = ?').pluck().get(made.id) as string;
      expect(JSON.parse(stored)).toEqual({ to: [], users: ['alice', 'carol'] });
    } finally {
      reader.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb } from '@vigil/ingestor';
import { enrollmentTokenDigest } from '@vigil/proto/pki';
import { DashboardStore } from '../src/index.js';
import { ALPHA, as, birth, BRAVO, logIn, seedFleet, startFixture, type Fixture, type Session } from './support/fixture.js';

/**
 * docs/DESIGN.md "Tenancy": how an installation becomes a reseller's, with the broker's side of
 * an enrolment done by the PKI calls the broker makes (redeem, record) and the recorder's birth
 * written into fleet.db as the ingestor writes it. cli/test/ownership.test.ts runs the same with
 * real processes.
 */
describe('ownership: enrolment outcomes, rate limits, migration', () => {
  let fx: Fixture;
  let alice: Session;
  let carol: Session;
  let admin: Session;

  beforeAll(async () => {
    fx = await startFixture({
      dashboard: { registrationLimits: { perUser: { max: 6, windowMs: 60_000 }, perAddress: { max: 1_000, windowMs: 60_000 } } },
    });
    alice = await logIn(fx.dashboard, 'alice');
    carol = await logIn(fx.dashboard, 'carol');
    admin = await logIn(fx.dashboard, 'admin');
  });
  afterAll(async () => fx?.close());

  /** The broker's part of an enrolment (redeem, issue, record), then the recorder's first birth naming `slc`. */
  const enrolAndReport = async (token: string, recorderId: string, slc: string) => {
    expect(fx.pki.redeemEnrollmentToken(token, recorderId)).toBeUndefined();
    fx.pki.recordEnrollment(token, recorderId);
    const fleet = new FleetDb(join(fx.dir, 'fleet.db'));
    fleet.transaction(() => fleet.recordBirth(birth(recorderId, { slc, name: 'From the agent' }, { id: 'site', name: 'Site' })));
    fleet.close();
  };

  const tokenStatus = async (session: Session, id: number) =>
    (await as(fx.dashboard, session, 'GET', '/api/enrollment-tokens')).json<{ tokens: Array<{ id: number; status: string }> }>().tokens.find((t) => t.id === id)
      ?.status;

  const makeToken = async (session: Session, slc: string, recorderId: string) => {
    const res = await as(fx.dashboard, session, 'POST', '/api/enrollment-tokens', { slc, installationName: 'Customer', recorderId });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: number; token: string; command: string }>();
  };

  it('grants a free installation, and makes an enrolment into one held or claimed by another a pending claim, alike', async () => {
    // free: hers once the recorder reports it (not before)
    const free = await makeToken(alice, 'SLC-DELTA-0004', 'd-rec-1');
    expect(free.command).toBe(`vigil agent enroll --url https://127.0.0.1:8885 --token ${free.token} --recorder-id d-rec-1 --ca ca.crt --out ./d-rec-1`);
    expect(fx.pki.redeemEnrollmentToken(free.token, 'd-rec-1')).toBeUndefined();
    fx.pki.recordEnrollment(free.token, 'd-rec-1');
    expect(await tokenStatus(alice, free.id)).toBe('enrolled');
    const fleet = new FleetDb(join(fx.dir, 'fleet.db'));
    fleet.transaction(() => fleet.recordBirth(birth('d-rec-1', { slc: 'SLC-OTHER-0005', name: 'Elsewhere' }, { id: 's', name: 'S' })));
    fleet.close();
    // it reports another installation than the token names: nothing is granted
    expect(await tokenStatus(alice, free.id)).toBe('enrolled');
    expect((await as(fx.dashboard, alice, 'GET', '/api/recorders/d-rec-1')).statusCode).toBe(404);
    const again = new FleetDb(join(fx.dir, 'fleet.db'));
    again.transaction(() => again.recordBirth(birth('d-rec-1', { slc: 'SLC-DELTA-0004', name: 'Delta' }, { id: 's', name: 'S' }, { bdSeq: 2 })));
    again.close();
    expect(await tokenStatus(alice, free.id)).toBe('granted');
    expect((await as(fx.dashboard, alice, 'GET', '/api/recorders/d-rec-1')).statusCode).toBe(200);

    // held by Bob, or claimed (pending) by Carol: the same outcome for Alice, and nothing readable
    const held = await makeToken(alice, BRAVO.slc, 'b-rec-new');
    expect((await as(fx.dashboard, carol, 'POST', '/api/installations', { slc: 'SLC-ECHO-0006' })).statusCode).toBe(202);
    const claimed = await makeToken(alice, 'SLC-ECHO-0006', 'e-rec-1');
    await enrolAndReport(held.token, 'b-rec-new', BRAVO.slc);
    await enrolAndReport(claimed.token, 'e-rec-1', 'SLC-ECHO-0006');
    expect(await tokenStatus(alice, held.id)).toBe('claim-pending');
    expect(await tokenStatus(alice, claimed.id)).toBe('claim-pending');
    const mine = (await as(fx.dashboard, alice, 'GET', '/api/claims')).json<{ claims: Array<Record<string, unknown>> }>().claims;
    expect(mine.map((c) => [c.slc, c.via, c.status, c.name])).toEqual([
      [BRAVO.slc, 'enrollment', 'pending', 'Customer'],
      ['SLC-ECHO-0006', 'enrollment', 'pending', 'Customer'],
    ]);
    for (const id of ['b-rec-1', 'b-rec-new', 'e-rec-1']) expect((await as(fx.dashboard, alice, 'GET', `/api/recorders/${id}`)).statusCode).toBe(404);
    // the admin decides; approving Alice's claim on Echo gives it to her, Carol's stays pending until decided
    const all = (await as(fx.dashboard, admin, 'GET', '/api/claims')).json<{ claims: Array<{ id: number; slc: string; reseller: string }> }>().claims;
    const echo = all.find((c) => c.slc === 'SLC-ECHO-0006' && c.reseller === 'alice')!;
    expect((await as(fx.dashboard, admin, 'POST', `/api/claims/${echo.id}/decision`, { decision: 'approved' })).statusCode).toBe(204);
    expect((await as(fx.dashboard, alice, 'GET', '/api/recorders/e-rec-1')).statusCode).toBe(200);
    expect((await as(fx.dashboard, carol, 'GET', '/api/recorders/e-rec-1')).statusCode).toBe(404);
  });

  it('revokes a token in the PKI, so the broker refuses it; a revoked or unknown token of someone else cannot be touched', async () => {
    const made = await makeToken(alice, ALPHA.slc, 'a-rec-9');
    expect((await as(fx.dashboard, alice, 'DELETE', `/api/enrollment-tokens/${made.id}`)).statusCode).toBe(204);
    expect(fx.pki.hasEnrollmentToken(enrollmentTokenDigest(made.token))).toBe(false);
    expect(fx.pki.redeemEnrollmentToken(made.token, 'a-rec-9')).toBe('unknown-token');
    expect((await as(fx.dashboard, carol, 'DELETE', `/api/enrollment-tokens/${made.id}`)).statusCode).toBe(404);
  });

  it('revokes a removed reseller’s unused tokens, so they enrol nothing for nobody', async () => {
    const erin = await fx.dashboard.store.createUser('erin', 'reseller', 'correct horse battery staple');
    const made = await makeToken(await logIn(fx.dashboard, erin.username), 'SLC-FOXTROT-0007', 'f-rec-1');
    expect((await as(fx.dashboard, admin, 'DELETE', '/api/users/erin')).statusCode).toBe(204);
    expect(fx.pki.redeemEnrollmentToken(made.token, 'f-rec-1')).toBe('unknown-token');
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After once a reseller has made its share of claims and tokens, and counts per user', async () => {
      const dave = await fx.dashboard.store.createUser('dave', 'reseller', 'correct horse battery staple');
      const session = await logIn(fx.dashboard, dave.username);
      const answers: number[] = [];
      for (let i = 0; i < 4; i++) answers.push((await as(fx.dashboard, session, 'POST', '/api/installations', { slc: `SLC-RATE-000${i}` })).statusCode);
      answers.push(
        (await as(fx.dashboard, session, 'POST', '/api/enrollment-tokens', { slc: 'SLC-RATE-0009', installationName: 'x', recorderId: 'rate-rec-1' }))
          .statusCode,
      );
      answers.push((await as(fx.dashboard, session, 'POST', '/api/installations', { slc: 'SLC-RATE-0005' })).statusCode);
      expect(answers).toEqual([202, 202, 202, 202, 201, 202]);
      const refused = await as(fx.dashboard, session, 'POST', '/api/installations', { slc: 'SLC-RATE-0006' });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.json<{ error: string }>().error).toMatch(/too many installation requests for your account; try again in \d+ s/);
      expect(
        (await as(fx.dashboard, session, 'POST', '/api/enrollment-tokens', { slc: 'SLC-RATE-0009', installationName: 'x', recorderId: 'rate-rec-2' }))
          .statusCode,
      ).toBe(429);
      // the refused request made no claim
      const claims = (await as(fx.dashboard, session, 'GET', '/api/claims')).json<{ claims: Array<{ slc: string }> }>().claims;
      expect(claims.map((c) => c.slc)).not.toContain('SLC-RATE-0006');
      // another reseller is not held back by dave's requests
      expect((await as(fx.dashboard, carol, 'POST', '/api/installations', { slc: 'SLC-RATE-0007' })).statusCode).toBe(202);
    });

    it('limits per address too, whoever is logged in', async () => {
      const fixture = await startFixture({
        dashboard: { registrationLimits: { perUser: { max: 100, windowMs: 60_000 }, perAddress: { max: 3, windowMs: 60_000 } } },
      });
      try {
        const [a, b] = [await logIn(fixture.dashboard, 'alice'), await logIn(fixture.dashboard, 'carol')];
        const codes = [];
        for (const [session, slc] of [
          [a, 'SLC-ADDR-0001'],
          [b, 'SLC-ADDR-0002'],
          [a, 'SLC-ADDR-0003'],
          [b, 'SLC-ADDR-0004'],
        ] as const) {
          codes.push((await as(fixture.dashboard, session, 'POST', '/api/installations', { slc })).statusCode);
        }
        expect(codes).toEqual([202, 202, 202, 429]);
        const refused = await as(fixture.dashboard, a, 'POST', '/api/installations', { slc: 'SLC-ADDR-0005' });
        expect(refused.json<{ error: string }>().error).toMatch(/from this address/);
        expect(refused.headers['retry-after']).toBeDefined();
      } finally {
        await fixture.close();
      }
    });
  });
});

describe('migration: a dashboard.db from before ownership had to be proven', () => {
  it('keeps every registration its reseller had, marked as such, and adds the new tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));
    try {
      seedFleet(join(dir, 'fleet.db'));
      const old = new Database(join(dir, 'dashboard.db'));
      old.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, role TEXT NOT NULL CHECK (role IN ('admin', 'noc', 'reseller')),
          password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE installations (slc TEXT PRIMARY KEY, reseller_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE, registered_at INTEGER NOT NULL);
        INSERT INTO users VALUES (7, 'olga', 'reseller', 'x', 1);
        INSERT INTO installations VALUES ('${ALPHA.slc}', 7, 1000);`);
      old.close();
      const store = new DashboardStore(join(dir, 'dashboard.db'), join(dir, 'fleet.db'));
      try {
        const olga = store.userByName('olga')!;
        expect(store.installationsFor(olga)).toEqual([{ slc: ALPHA.slc, name: ALPHA.name, registeredAt: 1000, recorders: 4, source: 'registration' }]);
        expect(
          store
            .recordersFor(olga)
            .map((r) => r.id)
            .sort(),
        ).toEqual(['a-rec-1', 'a-rec-2', 'a-rec-3', 'a-rec-4']);
        expect(store.claimsFor(olga)).toEqual([]);
      } finally {
        store.close();
      }
      // opening it again changes nothing more
      const again = new DashboardStore(join(dir, 'dashboard.db'), join(dir, 'fleet.db'));
      expect(again.installationsFor(again.userByName('olga')!)).toHaveLength(1);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb, SqliteTelemetryStore, type TelemetryPoint } from '@vigil/ingestor';
import { bucketWidth, daysToFull, MAX_CHART_POINTS } from '../src/disk-trend.js';
import { LIST_MAX_AGE_MS } from '../src/store.js';
import { ALPHA, as, BRAVO, logIn, startFixture, type Fixture, type Session } from './support/fixture.js';

const HOUR = 3_600_000;
const GB = 1e9;

describe('dashboard API: what each view gets', () => {
  let fx: Fixture;
  let telemetry: SqliteTelemetryStore;
  let noc: Session;
  let admin: Session;
  let alice: Session;
  const now = Date.now();

  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    telemetry = new SqliteTelemetryStore(join(mkdtempSync(join(tmpdir(), 'vigil-telemetry-')), 'telemetry.db'), { compactEveryMs: 0 });
    fx = await startFixture({ dashboard: { telemetry }, now });
    // a-rec-2's archive drive E: fills by 10 GB an hour, 200 GB free now -> 20 days; C: is flat
    const fleet = new FleetDb(join(fx.dir, 'fleet.db'));
    fleet.recordDisk({ recorderId: 'a-rec-2', path: 'E:', totalBytes: 1000 * GB, freeBytes: 200 * GB, at: now - 60_000 });
    fleet.recordDisk({ recorderId: 'a-rec-2', path: 'C:', totalBytes: 100 * GB, freeBytes: 60 * GB, at: now - 60_000 });
    fleet.recordService({ recorderId: 'a-rec-2', name: 'Milestone XProtect Recording Server', running: false, at: now - 60_000 });
    fleet.setState('a-rec-2', 'degraded', now - 30_000);
    fleet.close();
    const tags = { recorder: 'a-rec-2', installation: ALPHA.slc, site: 'alpha-hq', reseller: '' };
    const points: TelemetryPoint[] = [];
    for (let minutes = 0; minutes <= 48 * 60; minutes += 5) {
      const time = now - 48 * HOUR + minutes * 60_000;
      const eFree = 200 * GB + ((now - time) / HOUR) * 10 * GB;
      points.push({
        measurement: 'disk',
        tags: { ...tags, path: 'E:' },
        fields: { total_bytes: 1000 * GB, free_bytes: eFree, used_percent: 100 - eFree / (10 * GB) },
        time,
      });
      points.push({ measurement: 'disk', tags: { ...tags, path: 'C:' }, fields: { total_bytes: 100 * GB, free_bytes: 60 * GB, used_percent: 40 }, time });
    }
    await telemetry.write(points);
    noc = await logIn(fx.dashboard, 'noc');
    admin = await logIn(fx.dashboard, 'admin');
    alice = await logIn(fx.dashboard, 'alice');
  });
  afterAll(async () => {
    await fx?.close();
    await telemetry?.close();
  });

  it('lists recorders with cover and site reachability; an unreachable site is one problem, not one per recorder', async () => {
    const res = await as(fx.dashboard, noc, 'GET', '/api/recorders?all=1');
    const { recorders, counts } = res.json<{
      recorders: Array<{
        id: string;
        coveredBy: string | null;
        site: { unreachable: boolean };
        problems: Array<{ code: string; subject: string; severity: string }>;
      }>;
      counts: Record<string, number>;
    }>();
    expect(counts).toEqual({ online: 1, degraded: 2, unavailable: 2, offline: 2, stopped: 0 });
    const byId = new Map(recorders.map((r) => [r.id, r]));
    expect(byId.get('a-rec-1')?.coveredBy).toBe('a-rec-2'); // its partner still records
    expect(byId.get('b-rec-2')?.coveredBy).toBeNull();
    for (const id of ['a-rec-3', 'a-rec-4']) {
      expect(byId.get(id)?.site.unreachable).toBe(true);
      // nothing of the site records or is watched: as bad as a recorder lost by its last will
      expect(byId.get(id)?.problems.map((p) => `${p.code} ${p.subject} ${p.severity}`)).toEqual(['site-unreachable alpha-depot critical']);
    }
    expect(byId.get('b-rec-2')?.problems.map((p) => p.code)).toEqual(['recorder-unavailable']);
    expect(
      byId
        .get('b-rec-1')
        ?.problems.map((p) => p.code)
        .sort(),
    ).toEqual(['archive-fatal-error', 'drive-full']);
  });

  it('shows one recorder with disks and time to full, services, cameras, failover and versions', async () => {
    const res = await as(fx.dashboard, alice, 'GET', '/api/recorders/a-rec-2');
    expect(res.statusCode).toBe(200);
    const detail = res.json<Record<string, unknown> & { disks: Array<{ path: string; daysToFull: number | null; usedPercent: number }> }>();
    expect(detail).toMatchObject({
      id: 'a-rec-2',
      state: 'degraded',
      agentVersion: '1.2.3',
      vmsProduct: 'XProtect',
      vmsVersion: '2024 R2',
      hostname: 'a-rec-2.local',
      // The ingestor corrects this agent's times: its clock is a day and two hours ahead.
      clockOffsetMs: -26 * HOUR,
      cameras: { count: 10, licensed: 12 },
      failover: { partner: 'a-rec-1', partnerState: 'offline', covered: false },
      services: [{ name: 'Milestone XProtect Recording Server', running: false, at: now - 60_000 }],
    });
    const disks = new Map(detail.disks.map((d) => [d.path, d]));
    expect(disks.get('E:')?.usedPercent).toBe(80);
    expect(disks.get('E:')?.daysToFull).toBeCloseTo(200 / (10 * 24), 2);
    expect(disks.get('C:')?.daysToFull).toBeNull();
    const covered = (await as(fx.dashboard, alice, 'GET', '/api/recorders/a-rec-1')).json<{ failover: unknown; clockOffsetMs: unknown }>();
    expect(covered.failover).toEqual({ partner: 'a-rec-2', partnerState: 'degraded', covered: true });
    expect(covered.clockOffsetMs).toBeNull();
  });

  it('gives disk history bucketed to at most ~500 points per drive', async () => {
    const res = await as(fx.dashboard, alice, 'GET', `/api/recorders/a-rec-2/disks/history?from=${now - 48 * HOUR}&to=${now}`);
    const { series } = res.json<{ series: Array<{ path: string; points: Array<[number, number]> }> }>();
    expect(series.map((s) => s.path).sort()).toEqual(['C:', 'E:']);
    const e = series.find((s) => s.path === 'E:')!.points;
    expect(e.length).toBeGreaterThan(400);
    expect(e.length).toBeLessThanOrEqual(MAX_CHART_POINTS + 1);
    expect(e.at(-1)![1]).toBeCloseTo(80, 0);
    expect(e[0]![1]).toBeLessThan(e.at(-1)![1]);
    const lastDay = (await as(fx.dashboard, alice, 'GET', '/api/recorders/a-rec-2/disks/history')).json<{ series: Array<{ points: unknown[] }> }>();
    expect(lastDay.series[0]!.points.length).toBeGreaterThan(200); // default: the last 24 h
    const backwards = await as(fx.dashboard, alice, 'GET', `/api/recorders/a-rec-2/disks/history?from=${now}&to=${now - 1}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<{ error: string }>().error).toMatch(/after/);
  });

  it('gives the state timeline oldest first, starting with the state in force at `from`', async () => {
    const { changes } = (await as(fx.dashboard, alice, 'GET', `/api/recorders/a-rec-3/timeline?from=${now - HOUR}&to=${now}`)).json<{
      changes: Array<{ state: string; since: number }>;
    }>();
    expect(changes.map((c) => c.state)).toEqual(['online', 'unavailable']);
    expect(changes[1]!.since).toBe(now - 300_000);
  });

  it('groups sites for the map with their worst state and counts', async () => {
    const { sites } = (await as(fx.dashboard, noc, 'GET', '/api/sites')).json<{
      sites: Array<{
        id: string;
        worstState: string;
        unreachable: boolean;
        counts: Record<string, number>;
        recorders: unknown[];
        installation: { slc: string };
      }>;
    }>();
    const byId = new Map(sites.map((s) => [s.id, s]));
    expect([...byId.keys()].sort()).toEqual(['alpha-depot', 'alpha-hq', 'bravo-mall', 'charlie-site']);
    expect(byId.get('alpha-hq')).toMatchObject({ worstState: 'offline', unreachable: false, counts: { offline: 1, degraded: 1, online: 0 } });
    expect(byId.get('alpha-depot')).toMatchObject({ worstState: 'unavailable', unreachable: true, installation: { slc: ALPHA.slc } });
    expect(byId.get('charlie-site')).toMatchObject({ worstState: 'online' });
  });

  it('hands rule changes to the alert engine at once (its read_v1_alert_rules view), and refuses an unknown severity naming the field', async () => {
    // The engine (ingestor) evaluates rules and raises the alerts; the dashboard only decides and publishes them.
    const engineView = () => {
      const db = new Database(join(fx.dir, 'dashboard.db'), { readonly: true });
      try {
        return db.prepare('SELECT id, name, condition, scope, severity, enabled FROM read_v1_alert_rules ORDER BY id').all() as Array<{
          id: number;
          name: string;
          condition: string;
          scope: string;
          severity: string;
          enabled: number;
        }>;
      } finally {
        db.close();
      }
    };
    const rules = (await as(fx.dashboard, noc, 'GET', '/api/rules')).json<{ rules: Array<{ id: number; name: string }> }>().rules;
    const everything = rules.find((r) => r.name === 'Everything from error up')!;
    expect(engineView().find((r) => r.id === everything.id)).toMatchObject({ enabled: 1, severity: 'error' });
    const put = await as(fx.dashboard, noc, 'PUT', `/api/rules/${everything.id}`, {
      name: 'Everything from error up',
      condition: { kind: 'problem', minSeverity: 'error' },
      severity: 'error',
      enabled: false,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ id: everything.id, enabled: false });
    expect(engineView().find((r) => r.id === everything.id)).toMatchObject({ enabled: 0 });
    const added = await as(fx.dashboard, admin, 'POST', '/api/rules', {
      name: 'Offline recorders',
      condition: { kind: 'problem', code: 'recorder-unavailable', minSeverity: 'critical' },
      scope: { installations: [BRAVO.slc] },
      severity: 'critical',
    });
    expect(added.statusCode, added.body).toBe(201);
    const addedId = added.json<{ id: number }>().id;
    const published = engineView().find((r) => r.id === addedId)!;
    expect(JSON.parse(published.condition)).toEqual({ kind: 'problem', code: 'recorder-unavailable', minSeverity: 'critical' });
    expect(JSON.parse(published.scope)).toEqual({ installations: [BRAVO.slc], sites: [], recorders: [] });
    expect((await as(fx.dashboard, noc, 'DELETE', `/api/rules/${addedId}`)).statusCode).toBe(204);
    expect(engineView().some((r) => r.id === addedId)).toBe(false);
    expect((await as(fx.dashboard, noc, 'DELETE', `/api/rules/${addedId}`)).statusCode).toBe(404);
    const invalid = await as(fx.dashboard, noc, 'POST', '/api/rules', { name: 'x', condition: { kind: 'problem', minSeverity: 'loud' }, severity: 'error' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json<{ error: string }>().error).toMatch(/condition\/minSeverity/);
    // put back as it was for the tests after this one
    await as(fx.dashboard, noc, 'PUT', `/api/rules/${everything.id}`, {
      name: 'Everything from error up',
      condition: { kind: 'problem', minSeverity: 'error' },
      severity: 'error',
    });
  });

  it('lists installations (a reseller its own, NOC all, registered or not) and lets a reseller give one up', async () => {
    const nocView = (await as(fx.dashboard, noc, 'GET', '/api/installations')).json<{
      installations: Array<{ slc: string; recorders: number; registeredAt: number | null }>;
    }>().installations;
    expect(nocView.map((i) => `${i.slc} ${i.recorders}`)).toEqual([`${ALPHA.slc} 4`, `${BRAVO.slc} 2`, 'SLC-CHARLIE-0003 1']);
    expect(nocView.find((i) => i.slc === 'SLC-CHARLIE-0003')?.registeredAt).toBeNull();
    const carol = await logIn(fx.dashboard, 'carol');
    // a claim by SLC alone shows nothing until an admin approves it
    expect((await as(fx.dashboard, carol, 'POST', '/api/installations', { slc: 'SLC-CHARLIE-0003' })).statusCode).toBe(202);
    expect((await as(fx.dashboard, carol, 'GET', '/api/installations')).json<{ installations: unknown[] }>().installations).toEqual([]);
    expect((await as(fx.dashboard, carol, 'GET', '/api/recorders/c-rec-1')).statusCode).toBe(404);
    const claims = (await as(fx.dashboard, admin, 'GET', '/api/claims')).json<{ claims: Array<{ id: number; slc: string; reseller: string }> }>().claims;
    const claim = claims.find((c) => c.slc === 'SLC-CHARLIE-0003' && c.reseller === 'carol')!;
    expect((await as(fx.dashboard, admin, 'POST', `/api/claims/${claim.id}/decision`, { decision: 'approved' })).statusCode).toBe(204);
    expect((await as(fx.dashboard, admin, 'POST', `/api/claims/${claim.id}/decision`, { decision: 'rejected' })).statusCode).toBe(409);
    const mine = (await as(fx.dashboard, carol, 'GET', '/api/installations')).json<{
      installations: Array<{ slc: string; name: string; recorders: number; registeredAt: number }>;
    }>().installations;
    expect(mine).toEqual([{ slc: 'SLC-CHARLIE-0003', name: 'Charlie Unregistered', recorders: 1, registeredAt: expect.any(Number), source: 'approved-claim' }]);
    // NOC sees who holds what, and how
    const held = (await as(fx.dashboard, noc, 'GET', '/api/installations')).json<{
      installations: Array<{ slc: string; owner: string | null; source: string | null }>;
    }>().installations;
    expect(held.map((i) => `${i.slc} ${i.owner} ${i.source}`)).toEqual([
      `${ALPHA.slc} alice admin`,
      `${BRAVO.slc} bob admin`,
      'SLC-CHARLIE-0003 carol approved-claim',
    ]);
    expect((await as(fx.dashboard, carol, 'GET', '/api/recorders/c-rec-1')).statusCode).toBe(200);
    expect((await as(fx.dashboard, carol, 'DELETE', '/api/installations/SLC-CHARLIE-0003')).statusCode).toBe(204);
    expect((await as(fx.dashboard, carol, 'GET', '/api/recorders/c-rec-1')).statusCode).toBe(404);
  });

  it('lets an admin manage users without ever sending a password hash', async () => {
    const created = await as(fx.dashboard, admin, 'POST', '/api/users', { username: 'dave', role: 'reseller', password: 'twelve chars ok' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ user: { username: 'dave', role: 'reseller', createdAt: expect.any(Number), lastLoginAt: null, contactEmail: null } });
    expect((await as(fx.dashboard, admin, 'POST', '/api/users', { username: 'dave', role: 'noc', password: 'twelve chars ok' })).statusCode).toBe(409);
    expect((await as(fx.dashboard, admin, 'POST', '/api/users', { username: 'eve', role: 'noc', password: 'short' })).statusCode).toBe(400);
    const list = await as(fx.dashboard, admin, 'GET', '/api/users');
    expect(list.json<{ users: Array<{ username: string }> }>().users.map((u) => u.username)).toEqual(['admin', 'alice', 'bob', 'carol', 'dave', 'noc']);
    expect(list.body).not.toMatch(/scrypt|hash|password/i);
    await logIn(fx.dashboard, 'dave', 'twelve chars ok');
    expect((await as(fx.dashboard, admin, 'DELETE', '/api/users/dave')).statusCode).toBe(204);
    expect((await as(fx.dashboard, admin, 'DELETE', '/api/users/dave')).statusCode).toBe(404);
    expect((await as(fx.dashboard, admin, 'DELETE', '/api/users/admin')).statusCode).toBe(409);
    const login = await fx.dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'dave', password: 'twelve chars ok' } });
    expect(login.statusCode).toBe(401);
  });

  it('tells the page to use its offline map unless tiles are configured', async () => {
    expect((await as(fx.dashboard, alice, 'GET', '/api/map-config')).json()).toEqual({ tilesUrl: null, attribution: 'offline' });
  });
});

describe('time to full', () => {
  it('is the linear trend of used bytes, null when flat, shrinking or too short', () => {
    const filling = [0, 1, 2, 3].map((h) => ({ time: h * HOUR, usedBytes: 100 * GB + h * GB }));
    expect(daysToFull(filling, 24 * GB)).toBeCloseTo(1, 6);
    expect(
      daysToFull(
        filling.map((p) => ({ ...p, usedBytes: 100 * GB })),
        24 * GB,
      ),
    ).toBeNull();
    expect(
      daysToFull(
        filling.map((p) => ({ ...p, usedBytes: 200 * GB - p.usedBytes })),
        24 * GB,
      ),
    ).toBeNull();
    expect(daysToFull(filling.slice(0, 1), 24 * GB)).toBeNull();
    expect(daysToFull(filling, 0)).toBe(0);
  });

  it('buckets any range to at most MAX_CHART_POINTS', () => {
    for (const span of [1, 499, 500, 501, 86_400_000, 400 * 86_400_000]) {
      expect(Math.ceil((span + 1) / bucketWidth(0, span))).toBeLessThanOrEqual(MAX_CHART_POINTS);
    }
  });
});

describe('the fleet list built by SQLite', () => {
  let fx: Fixture;
  afterAll(async () => fx?.close());

  it('is exactly the list the JS views use, for every kind of caller, and follows changes', async () => {
    fx = await startFixture();
    const { store } = fx.dashboard;
    const check = async (username: string) => {
      const user = store.userByName(username)!;
      const session = await logIn(fx.dashboard, username);
      const res = await as(fx.dashboard, session, 'GET', '/api/recorders');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json<{ recorders: Array<{ id: string }>; counts: Record<string, number> }>();
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(body.recorders.sort(byId)).toEqual((JSON.parse(JSON.stringify(store.recordersFor(user))) as Array<{ id: string }>).sort(byId));
      const counts = { online: 0, degraded: 0, unavailable: 0, offline: 0, stopped: 0 } as Record<string, number>;
      for (const r of store.recordersFor(user)) counts[r.state]! += 1;
      expect(body.counts).toEqual(counts);
      return body.recorders.length;
    };
    expect(await check('noc')).toBe(7);
    expect(await check('alice')).toBe(4);
    expect(await check('carol')).toBe(0);
    // A change by the ingestor (another connection) shows within LIST_MAX_AGE_MS...
    const alice = await logIn(fx.dashboard, 'alice');
    const subjectsOfARec2 = async () =>
      (await as(fx.dashboard, alice, 'GET', '/api/recorders'))
        .json<{ recorders: Array<{ id: string; problems: Array<{ subject: string }> }> }>()
        .recorders.find((r) => r.id === 'a-rec-2')!
        .problems.map((p) => p.subject);
    expect(await subjectsOfARec2()).not.toContain('F:');
    const changed = Date.now();
    const fleet = new FleetDb(join(fx.dir, 'fleet.db'));
    fleet.applyCondition({
      recorderId: 'a-rec-2',
      code: 'drive-full',
      subject: 'F:',
      active: true,
      at: Date.now(),
      severity: 'critical',
      message: 'drive F: full',
    });
    for (;;) {
      const asked = Date.now();
      if ((await subjectsOfARec2()).includes('F:')) break;
      expect(asked - changed, 'a request made LIST_MAX_AGE_MS after the change still got the old list').toBeLessThanOrEqual(LIST_MAX_AGE_MS);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await check('alice')).toBe(4);
    // ...and at once after a state change was published (the live relay calls noteStateChange)
    store.noteStateChange();
    fleet.applyCondition({
      recorderId: 'a-rec-2',
      code: 'drive-full',
      subject: 'G:',
      active: true,
      at: Date.now(),
      severity: 'critical',
      message: 'drive G: full',
    });
    fleet.close();
    expect(await subjectsOfARec2()).toContain('G:');
    // so does an assignment made through the dashboard itself
    const admin = await logIn(fx.dashboard, 'admin');
    expect((await as(fx.dashboard, admin, 'PUT', '/api/installations/SLC-CHARLIE-0003/owner', { reseller: 'carol' })).statusCode).toBe(204);
    expect(await check('carol')).toBe(1);
  });
});

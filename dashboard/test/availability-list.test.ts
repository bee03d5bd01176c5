import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb, type RecorderStateName } from '@vigil/ingestor';
import { ALPHA, as, birth, BRAVO, logIn, seedFleet, startFixture, type Fixture, type Session } from './support/fixture.js';

/**
 * GET /api/availability/list and /api/availability/daily against figures worked out by hand, on a
 * fleet.db written with the ingestor's own FleetDb (setState logs every state change as the
 * ingestor does), beside the seeded tenants of the other dashboard tests.
 */

const HOUR = 3_600_000;
/** Long past: every range asked is over. */
const T = Date.UTC(2025, 0, 10);
const RANGE = `from=${T}&to=${T + 48 * HOUR}`;

const LAB = { id: 'alpha-lab', name: 'Alpha Lab' };
const BRAVO_LAB = { id: 'bravo-lab', name: 'Bravo Lab' };

function seed(path: string): void {
  seedFleet(path);
  const fleet = new FleetDb(path);
  const timeline = (id: string, changes: Array<[number, RecorderStateName]>) => {
    for (const [at, state] of changes) fleet.setState(id, state, at);
  };
  fleet.transaction(() => {
    fleet.recordBirth(birth('a-lab-1', ALPHA, LAB));
    fleet.recordBirth(birth('a-lab-2', ALPHA, LAB));
    fleet.recordBirth(birth('b-lab-1', BRAVO, BRAVO_LAB));
    // Up since the day before; 2 h offline, a 2 h planned stop, then unavailable from 1 h before the range ends.
    timeline('a-lab-1', [
      [T - 24 * HOUR, 'online'],
      [T + 1 * HOUR, 'offline'],
      [T + 3 * HOUR, 'online'],
      [T + 10 * HOUR, 'stopped'],
      [T + 12 * HOUR, 'online'],
      [T + 47 * HOUR, 'unavailable'],
      [T + 49 * HOUR, 'online'],
    ]);
    // First heard of at noon on the first day; offline for good from noon on the second.
    timeline('a-lab-2', [
      [T + 12 * HOUR, 'online'],
      [T + 36 * HOUR, 'offline'],
    ]);
    // Bob's: offline throughout.
    timeline('b-lab-1', [[T - 24 * HOUR, 'offline']]);
  });
  fleet.close();
}

interface Row {
  id: string;
  name: string;
  installation?: { slc: string; name: string };
  site?: { id: string; name: string };
  recorders: number;
  availablePercent: number | null;
  upMs: number;
  downMs: number;
  plannedMs: number;
  outages: number;
  longestOutageMs: number;
  plannedStops: number;
}

describe('availability of many targets at once, and per day', () => {
  let fx: Fixture;
  let alice: Session;
  let bob: Session;
  let noc: Session;

  beforeAll(async () => {
    fx = await startFixture({ seed });
    [alice, bob, noc] = await Promise.all([logIn(fx.dashboard, 'alice'), logIn(fx.dashboard, 'bob'), logIn(fx.dashboard, 'noc')]);
  });
  afterAll(async () => fx?.close());

  const list = async (session: Session, by: string, range = RANGE) => {
    const res = await as(fx.dashboard, session, 'GET', `/api/availability/list?by=${by}&${range}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ by: string; from: number; to: number; rows: Row[] }>();
  };
  const row = (rows: Row[], id: string) => {
    const found = rows.find((r) => r.id === id);
    expect(found, `row ${id}`).toBeDefined();
    return found!;
  };

  it('per recorder: downtime, planned stops not counted, time before it was known not counted, outages and the longest', async () => {
    const { rows } = await list(alice, 'recorder');
    expect(row(rows, 'a-lab-1')).toEqual({
      id: 'a-lab-1',
      name: 'Recorder a-lab-1',
      installation: ALPHA,
      site: LAB,
      recorders: 1,
      availablePercent: (43 / 46) * 100,
      upMs: 43 * HOUR,
      downMs: 3 * HOUR,
      plannedMs: 2 * HOUR,
      outages: 2,
      longestOutageMs: 2 * HOUR,
      plannedStops: 1,
    });
    expect(row(rows, 'a-lab-2')).toMatchObject({ upMs: 24 * HOUR, downMs: 12 * HOUR, plannedMs: 0, outages: 1, longestOutageMs: 12 * HOUR, plannedStops: 0 });
    expect(row(rows, 'a-lab-2').availablePercent).toBeCloseTo((24 / 36) * 100, 10);
    // Recorders with no state change before the range's end were never known in it: no figure, listed last.
    expect(row(rows, 'a-rec-1')).toMatchObject({ availablePercent: null, upMs: 0, downMs: 0, outages: 0 });
    expect(rows.at(-1)!.availablePercent).toBeNull();
    // Worst first.
    expect(rows.slice(0, 2).map((r) => r.id)).toEqual(['a-lab-2', 'a-lab-1']);
  });

  it('a range that cuts into outages counts only the parts inside it', async () => {
    // [T + 2 h, T + 11 h]: 1 h of the offline spell, 1 h of the stop, 7 h up.
    const { rows } = await list(alice, 'recorder', `from=${T + 2 * HOUR}&to=${T + 11 * HOUR}`);
    expect(row(rows, 'a-lab-1')).toMatchObject({ upMs: 7 * HOUR, downMs: 1 * HOUR, plannedMs: 1 * HOUR, outages: 1, longestOutageMs: HOUR, plannedStops: 1 });
    expect(row(rows, 'a-lab-1').availablePercent).toBeCloseTo(87.5, 10);
  });

  it('the same figures as the per-target GET /api/availability, for every recorder, site, installation and reseller', async () => {
    for (const by of ['recorder', 'site', 'installation', 'reseller'] as const) {
      for (const r of (await list(alice, by)).rows) {
        const one = await as(fx.dashboard, alice, 'GET', `/api/availability?scope=${by}&id=${encodeURIComponent(r.id)}&${RANGE}`);
        expect(one.statusCode, `${by} ${r.id}`).toBe(200);
        const figures = one.json<Row & { outages: Array<{ counted: boolean }> }>();
        expect({ up: r.upMs, down: r.downMs, planned: r.plannedMs, recorders: r.recorders, percent: r.availablePercent }, `${by} ${r.id}`).toEqual({
          up: figures.upMs,
          down: figures.downMs,
          planned: figures.plannedMs,
          recorders: figures.recorders,
          percent: figures.availablePercent,
        });
        expect(r.outages, `${by} ${r.id}`).toBe(figures.outages.filter((o) => o.counted).length);
      }
    }
  });

  it('per site, installation and reseller: their recorders added up', async () => {
    const site = row((await list(alice, 'site')).rows, `${ALPHA.slc}/alpha-lab`);
    expect(site).toMatchObject({ name: 'Alpha Lab', installation: ALPHA, recorders: 2, upMs: 67 * HOUR, downMs: 15 * HOUR, plannedMs: 2 * HOUR, outages: 3 });
    expect(site.longestOutageMs).toBe(12 * HOUR);
    const installation = row((await list(alice, 'installation')).rows, ALPHA.slc);
    expect(installation).toMatchObject({ name: ALPHA.name, recorders: 6, upMs: 67 * HOUR, downMs: 15 * HOUR });
    expect(installation.site).toBeUndefined();
    const { installation: _, ...figures } = installation;
    expect((await list(alice, 'reseller')).rows).toEqual([{ ...figures, id: 'alice', name: 'alice' }]);
  });

  it('tenancy: a reseller lists its own fleet only and, grouped by reseller, itself; NOC lists every reseller that holds recorders', async () => {
    for (const by of ['recorder', 'site', 'installation', 'reseller']) {
      const res = await as(fx.dashboard, alice, 'GET', `/api/availability/list?by=${by}&${RANGE}`);
      for (const marker of [BRAVO.slc, 'bravo', 'b-rec-', 'b-lab', 'bob'])
        expect(res.body.toLowerCase(), `${by} mentions ${marker}`).not.toContain(marker.toLowerCase());
    }
    expect((await list(bob, 'recorder')).rows.map((r) => r.id).sort()).toEqual(['b-lab-1', 'b-rec-1', 'b-rec-2']);
    expect(row((await list(bob, 'recorder')).rows, 'b-lab-1')).toMatchObject({ availablePercent: 0, downMs: 48 * HOUR, outages: 1 });
    // carol holds nothing: one row, herself, with nothing in it
    const carol = await logIn(fx.dashboard, 'carol');
    expect((await list(carol, 'reseller')).rows).toEqual([
      { id: 'carol', name: 'carol', recorders: 0, availablePercent: null, upMs: 0, downMs: 0, plannedMs: 0, outages: 0, longestOutageMs: 0, plannedStops: 0 },
    ]);
    expect((await list(carol, 'recorder')).rows).toEqual([]);
    // NOC: Charlie's installation is held by nobody, so it is in no reseller's row but listed per installation
    expect((await list(noc, 'reseller')).rows.map((r) => r.id).sort()).toEqual(['alice', 'bob']);
    expect((await list(noc, 'installation')).rows.map((r) => r.id).sort()).toEqual([ALPHA.slc, BRAVO.slc, 'SLC-CHARLIE-0003']);
  });

  it('per day, in the asked time zone: partial first and last days, time before a recorder was known not counted', async () => {
    const daily = async (session: Session, scope: string, id: string, extra = '') => {
      const res = await as(fx.dashboard, session, 'GET', `/api/availability/daily?scope=${scope}&id=${encodeURIComponent(id)}&${RANGE}${extra}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{
        timeZone: string;
        recorders: number;
        days: Array<{ day: string; start: number; end: number; availablePercent: number | null; upMs: number; downMs: number; plannedMs: number }>;
      }>();
    };
    const utc = await daily(alice, 'recorder', 'a-lab-1');
    expect(utc.timeZone).toBe('UTC');
    expect(utc.days).toEqual([
      { day: '2025-01-10', start: T, end: T + 24 * HOUR, availablePercent: (20 / 22) * 100, upMs: 20 * HOUR, downMs: 2 * HOUR, plannedMs: 2 * HOUR },
      { day: '2025-01-11', start: T + 24 * HOUR, end: T + 48 * HOUR, availablePercent: (23 / 24) * 100, upMs: 23 * HOUR, downMs: HOUR, plannedMs: 0 },
    ]);
    // Copenhagen is an hour ahead in January: its days start at 23:00 UTC, so the range holds a bit of a third.
    const cph = await daily(alice, 'recorder', 'a-lab-1', '&timeZone=Europe/Copenhagen');
    expect(cph.days.map((d) => [d.day, d.start, d.end, d.upMs, d.downMs, d.plannedMs])).toEqual([
      ['2025-01-10', T, T + 23 * HOUR, 19 * HOUR, 2 * HOUR, 2 * HOUR],
      ['2025-01-11', T + 23 * HOUR, T + 47 * HOUR, 24 * HOUR, 0, 0],
      ['2025-01-12', T + 47 * HOUR, T + 48 * HOUR, 0, HOUR, 0],
    ]);
    const site = await daily(alice, 'site', `${ALPHA.slc}/alpha-lab`);
    expect(site.recorders).toBe(2);
    expect(site.days.map((d) => [d.upMs, d.downMs])).toEqual([
      [20 * HOUR + 12 * HOUR, 2 * HOUR],
      [23 * HOUR + 12 * HOUR, HOUR + 12 * HOUR],
    ]);
    // Out of scope answers like nonexistent.
    const theirs = await as(fx.dashboard, alice, 'GET', `/api/availability/daily?scope=recorder&id=b-lab-1&${RANGE}`);
    const missing = await as(fx.dashboard, alice, 'GET', `/api/availability/daily?scope=recorder&id=zz-lab-9&${RANGE}`);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body.replace('b-lab-1', 'ID')).toBe(missing.body.replace('zz-lab-9', 'ID'));
    expect((await daily(bob, 'recorder', 'b-lab-1')).days.map((d) => d.availablePercent)).toEqual([0, 0]);
  });

  it('bad input: a clear 400 naming the field', async () => {
    const ask = (url: string) => as(fx.dashboard, alice, 'GET', url);
    const bad = await ask(`/api/availability/list?by=planet&${RANGE}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/by/);
    const backwards = await ask(`/api/availability/list?by=site&from=${T + HOUR}&to=${T}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<{ error: string }>().error).toMatch(/from .* is after to/);
    const zone = await ask(`/api/availability/daily?scope=recorder&id=a-lab-1&${RANGE}&timeZone=Mars/Olympus`);
    expect(zone.statusCode).toBe(400);
    expect(zone.json<{ error: string }>().error).toMatch(/timeZone.*Mars\/Olympus.*IANA/);
    expect((await as(fx.dashboard, undefined, 'GET', `/api/availability/list?by=site&${RANGE}`)).statusCode).toBe(401);
  });
});

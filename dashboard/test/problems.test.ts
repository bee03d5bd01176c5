import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb, FleetState, WILL_GRACE_MS } from '@vigil/ingestor';
import { join } from 'node:path';
import { AlertsDbWriter } from './support/alerts-db.js';
import { ALPHA, as, birth, logIn, startFixture, type Fixture, type Session } from './support/fixture.js';

/** Polls until the condition holds (the dashboard looks for a new alerts.db at most every 500 ms). */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Problems as the API serves them: acknowledgement (who, when, comment; NOC and admin), the
 * history of a recorder, and availability over a period, with fleet.db written by the ingestor's
 * own code (FleetDb, FleetState on a clock the test moves).
 */

interface ProblemJson {
  kind: string;
  code: string;
  subject: string;
  since: number;
  clearsAt?: number;
  acknowledged: { by: string; at: number; comment: string } | null;
}

const SECOND = 1_000;
/** A day in the past: every range asked is over. */
const T = Date.UTC(2025, 0, 10, 0, 0, 0);

describe('acknowledging a problem', () => {
  let fx: Fixture;
  let noc: Session;
  let bob: Session;
  beforeAll(async () => {
    fx = await startFixture();
    noc = await logIn(fx.dashboard, 'noc');
    bob = await logIn(fx.dashboard, 'bob');
  });
  afterAll(async () => fx?.close());

  const detail = async (session: Session) =>
    (await as(fx.dashboard, session, 'GET', '/api/recorders/b-rec-1')).json<{ state: string; problems: ProblemJson[] }>();
  const listed = async (session: Session) =>
    (await as(fx.dashboard, session, 'GET', '/api/recorders'))
      .json<{ recorders: Array<{ id: string; problems: ProblemJson[] }> }>()
      .recorders.find((r) => r.id === 'b-rec-1')!.problems;

  it('an event within its lifetime is listed with when it clears; NOC acknowledges it with a comment; it stays listed, acknowledged, the recorder still degraded, and its alert is acknowledged on its own', async () => {
    const before = await detail(noc);
    const fatal = before.problems.find((p) => p.code === 'archive-fatal-error')!;
    // The fixture's event was last seen 50 s ago: its 24 h lifetime runs from there.
    expect(fatal).toMatchObject({ kind: 'event', acknowledged: null });
    expect(fatal.clearsAt! - fatal.since).toBe(50_000 + 24 * 3_600_000);
    // The engine's alert for it (alerts.db): acknowledging the problem is not acknowledging the alert,
    // which has its own acknowledgement (POST /api/alerts/:id/acknowledge) that stops its repeats.
    const writer = new AlertsDbWriter(join(fx.dir, 'alerts.db'));
    const rule = fx.dashboard.store.rulesFor(fx.dashboard.store.userByName('noc')!).find((r) => r.name === 'Everything from error up')!;
    writer.alert({
      id: 1,
      rule_id: rule.id,
      target_kind: 'recorder',
      target_id: 'b-rec-1',
      recorder_id: 'b-rec-1',
      installation_slc: 'SLC-BRAVO-0002',
      site_id: 'bravo-mall',
      condition_key: 'problem:archive-fatal-error',
      state: 'firing',
      severity: 'error',
      summary: 'fatal error processing bravo archive 7',
      pending_since: fatal.since,
      firing_since: fatal.since,
      resolved_at: null,
    });
    writer.close();
    const firingKeys = async () =>
      (await as(fx.dashboard, bob, 'GET', '/api/alerts?view=firing')).json<{ alerts: Array<{ conditionKey: string }> }>().alerts.map((a) => a.conditionKey);
    await waitFor(async () => (await firingKeys()).includes('problem:archive-fatal-error'));

    const asked = Date.now();
    const res = await as(fx.dashboard, noc, 'POST', '/api/recorders/b-rec-1/problems/acknowledge', {
      code: fatal.code,
      subject: fatal.subject,
      since: fatal.since,
      comment: '  archive disk replaced, rebuilding  ',
    });
    expect(res.statusCode, res.body).toBe(201);
    const { problem } = res.json<{ problem: ProblemJson }>();
    expect(problem).toMatchObject({ code: 'archive-fatal-error', acknowledged: { by: 'noc', comment: 'archive disk replaced, rebuilding' } });
    expect(problem.acknowledged!.at).toBeGreaterThanOrEqual(asked);

    // The reseller sees who handles it, on the detail and in the list (built by SQLite: the same answer).
    const after = await detail(bob);
    expect(after.state).toBe('degraded');
    expect(after.problems.find((p) => p.code === 'archive-fatal-error')?.acknowledged).toEqual(problem.acknowledged);
    expect(await listed(bob)).toEqual(after.problems);
    expect(await firingKeys()).toContain('problem:archive-fatal-error');
    const ack = await as(fx.dashboard, noc, 'POST', '/api/alerts/1/acknowledge', { comment: 'see the problem' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(await firingKeys()).not.toContain('problem:archive-fatal-error');
    expect((await as(fx.dashboard, bob, 'GET', '/api/alerts?view=acknowledged')).json<{ alerts: Array<{ id: number }> }>().alerts.map((a) => a.id)).toEqual([
      1,
    ]);

    const again = await as(fx.dashboard, noc, 'POST', '/api/recorders/b-rec-1/problems/acknowledge', {
      code: fatal.code,
      subject: fatal.subject,
      since: fatal.since,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: 'already acknowledged by noc' });
  });

  it('refuses a reseller (403), a problem that is not active (404) and a bad body, naming the field (400)', async () => {
    const drive = (await detail(noc)).problems.find((p) => p.code === 'drive-full')!;
    const body = { code: drive.code, subject: drive.subject, since: drive.since };
    const byBob = await as(fx.dashboard, bob, 'POST', '/api/recorders/b-rec-1/problems/acknowledge', body);
    expect(byBob.statusCode).toBe(403);
    expect(byBob.json()).toEqual({ error: 'only NOC staff and admins acknowledge problems' });
    const gone = await as(fx.dashboard, noc, 'POST', '/api/recorders/b-rec-1/problems/acknowledge', { ...body, since: drive.since + 1 });
    expect(gone.statusCode).toBe(404);
    expect(gone.json<{ error: string }>().error).toMatch(/has no active problem drive-full .* \(it may have cleared\)/);
    const bad = await as(fx.dashboard, noc, 'POST', '/api/recorders/b-rec-1/problems/acknowledge', { ...body, since: 'yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/since/);
    expect((await detail(noc)).problems.find((p) => p.code === 'drive-full')?.acknowledged).toBeNull();
  });

  it('an offline recorder’s own state problem can be acknowledged too', async () => {
    const b2 = (await as(fx.dashboard, noc, 'GET', '/api/recorders/b-rec-2')).json<{ problems: ProblemJson[] }>().problems[0]!;
    expect(b2.kind).toBe('state');
    const res = await as(fx.dashboard, noc, 'POST', '/api/recorders/b-rec-2/problems/acknowledge', { code: b2.code, subject: b2.subject, since: b2.since });
    expect(res.statusCode).toBe(201);
    const list = (await as(fx.dashboard, bob, 'GET', '/api/recorders')).json<{ recorders: Array<{ id: string; problems: ProblemJson[] }> }>().recorders;
    expect(list.find((r) => r.id === 'b-rec-2')!.problems[0]!.acknowledged).toMatchObject({ by: 'noc', comment: '' });
  });

  it('GET /api/recorders takes no filter: the page filters on its side', async () => {
    const spec = (await fx.dashboard.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, { get: { parameters?: unknown[] } }> }>();
    expect(spec.paths['/api/recorders']!.get.parameters ?? []).toEqual([]);
  });
});

/**
 * Alpha HQ, from T on: a-rec-8 heard throughout; a-rec-9 unavailable at T+100 s (three heartbeats
 * missed) until T+400 s, stopped gracefully T+1000 s to T+1600 s, offline by its will from
 * T+2001.5 s (the will's grace) to T+2100 s, and then heard until T+3600 s. A camera problem of
 * a-rec-9 from T+500 s to T+800 s, and another raised at T+3000 s, still active.
 */
function writeOutages(path: string): void {
  const db = new FleetDb(path);
  try {
    const hq = { id: 'alpha-hq', name: 'Alpha HQ' };
    db.recordBirth(birth('a-rec-9', ALPHA, hq));
    db.recordBirth(birth('a-rec-8', ALPHA, hq));
    const state = new FleetState(db, () => undefined, T);
    const actions: Array<[number, () => void]> = [
      [T, () => state.birth('a-rec-8', 1, 30, T)],
      [T, () => state.birth('a-rec-9', 1, 30, T)],
      [T + 100 * SECOND, () => state.sweep(T + 100 * SECOND)],
      [T + 400 * SECOND, () => state.birth('a-rec-9', 2, 30, T + 400 * SECOND)],
      [T + 1_000 * SECOND, () => state.death('a-rec-9', 2, true, T + 1_000 * SECOND)],
      [T + 1_600 * SECOND, () => state.birth('a-rec-9', 3, 30, T + 1_600 * SECOND)],
      [T + 2_000 * SECOND, () => state.death('a-rec-9', 3, false, T + 2_000 * SECOND)],
      [T + 2_000 * SECOND + WILL_GRACE_MS, () => state.sweep(T + 2_000 * SECOND + WILL_GRACE_MS)],
      [T + 2_100 * SECOND, () => state.birth('a-rec-9', 4, 30, T + 2_100 * SECOND)],
    ];
    // Heartbeats every 30 s: a-rec-8 throughout, a-rec-9 while its session lives (none are due in its outages).
    for (let t = T + 30 * SECOND; t <= T + 3_600 * SECOND; t += 30 * SECOND) {
      actions.push([t, () => state.heartbeat('a-rec-8', 1, t)]);
      if (
        t < T + 100 * SECOND - 91_500 ||
        (t > T + 400 * SECOND && t < T + 1_000 * SECOND) ||
        (t > T + 1_600 * SECOND && t < T + 2_000 * SECOND) ||
        t > T + 2_100 * SECOND
      ) {
        const bdSeq = t < T + 1_000 * SECOND ? (t < T + 400 * SECOND ? 1 : 2) : t < T + 2_000 * SECOND ? 3 : 4;
        actions.push([t, () => state.heartbeat('a-rec-9', bdSeq, t)]);
      }
    }
    for (const [, act] of actions.sort((a, b) => a[0] - b[0])) act();
    db.applyCondition({
      recorderId: 'a-rec-9',
      code: 'camera-unreachable',
      subject: 'cam-1',
      active: true,
      at: T + 500 * SECOND,
      severity: 'error',
      message: 'cam-1 unreachable',
    });
    db.applyCondition({
      recorderId: 'a-rec-9',
      code: 'camera-unreachable',
      subject: 'cam-1',
      active: false,
      at: T + 800 * SECOND,
      severity: 'error',
      message: '',
    });
    db.applyCondition({
      recorderId: 'a-rec-9',
      code: 'camera-unreachable',
      subject: 'cam-2',
      active: true,
      at: T + 3_000 * SECOND,
      severity: 'warning',
      message: 'cam-2 unreachable',
    });
  } finally {
    db.close();
  }
}

describe('history and availability', () => {
  let fx: Fixture;
  let alice: Session;
  let noc: Session;

  beforeAll(async () => {
    // fleet.db as the ingestor's own code writes it: FleetState on FleetDb, its clock moved by the test.
    fx = await startFixture({ seed: (path) => writeOutages(path) });
    alice = await logIn(fx.dashboard, 'alice');
    noc = await logIn(fx.dashboard, 'noc');
  });
  afterAll(async () => fx?.close());

  const availability = async (session: Session, scope: string, id: string, from: number, to: number) => {
    const res = await as(fx.dashboard, session, 'GET', `/api/availability?scope=${scope}&id=${encodeURIComponent(id)}&from=${from}&to=${to}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ availablePercent: number | null; upMs: number; downMs: number; plannedMs: number; recorders: number; outages: unknown[] }>();
  };

  it('of a recorder with known outages, exact to the second: unavailable and offline are down, a graceful stop is planned, time before it was known does not count', async () => {
    const a = await availability(alice, 'recorder', 'a-rec-9', T - 3_600 * SECOND, T + 3_600 * SECOND);
    expect(a).toMatchObject({ recorders: 1, upMs: 2_601_500, downMs: 398_500, plannedMs: 600_000 });
    expect(a.availablePercent).toBeCloseTo((2_601.5 / 3_000) * 100, 10);
    expect(a.outages).toEqual([
      { recorderId: 'a-rec-9', state: 'unavailable', start: T + 100 * SECOND, end: T + 400 * SECOND, durationMs: 300_000, ongoing: false, counted: true },
      { recorderId: 'a-rec-9', state: 'stopped', start: T + 1_000 * SECOND, end: T + 1_600 * SECOND, durationMs: 600_000, ongoing: false, counted: false },
      { recorderId: 'a-rec-9', state: 'offline', start: T + 2_001_500, end: T + 2_100 * SECOND, durationMs: 98_500, ongoing: false, counted: true },
    ]);

    // A range that starts inside one outage and ends inside another: both are cut at its edges.
    const cut = await availability(alice, 'recorder', 'a-rec-9', T + 200 * SECOND, T + 2_050 * SECOND);
    expect(cut).toMatchObject({ upMs: 1_001_500, downMs: 248_500, plannedMs: 600_000 });
    expect(cut.availablePercent).toBeCloseTo((1_001.5 / 1_250) * 100, 10);
    expect(cut.outages).toMatchObject([
      { state: 'unavailable', start: T + 200 * SECOND, end: T + 400 * SECOND, durationMs: 200_000 },
      { state: 'stopped' },
      { state: 'offline', start: T + 2_001_500, end: T + 2_050 * SECOND, durationMs: 48_500, ongoing: false },
    ]);
  });

  it('of a site, an installation and a reseller: their recorders’ times added up', async () => {
    const from = T - 3_600 * SECOND;
    const to = T + 3_600 * SECOND;
    const site = await availability(alice, 'site', `${ALPHA.slc}/alpha-hq`, from, to);
    expect(site).toMatchObject({ recorders: 2, upMs: 2_601_500 + 3_600_000, downMs: 398_500, plannedMs: 600_000 });
    expect(site.availablePercent).toBeCloseTo((6_201.5 / 6_600) * 100, 10);
    expect(site.outages).toHaveLength(3);
    for (const [scope, id] of [
      ['installation', ALPHA.slc],
      ['reseller', 'alice'],
    ] as const) {
      expect(await availability(alice, scope, id, from, to), `${scope} ${id}`).toMatchObject({ recorders: 2, upMs: 6_201_500, downMs: 398_500 });
      expect(await availability(noc, scope, id, from, to)).toMatchObject({ recorders: 2, upMs: 6_201_500, downMs: 398_500 });
    }
    // Nothing known in the range: no percentage rather than a made-up one.
    expect((await availability(alice, 'recorder', 'a-rec-9', T - 7_200 * SECOND, T - 3_600 * SECOND)).availablePercent).toBeNull();
  });

  it('the recorder’s history: problems raised and cleared with start, end and duration, active ones without an end, and its outages', async () => {
    const res = await as(fx.dashboard, alice, 'GET', `/api/recorders/a-rec-9/history?from=${T}&to=${T + 3_600 * SECOND}`);
    expect(res.statusCode, res.body).toBe(200);
    const history = res.json<{ from: number; to: number; problems: unknown[]; outages: unknown[] }>();
    expect(history.problems).toEqual([
      {
        kind: 'condition',
        code: 'camera-unreachable',
        subject: 'cam-1',
        severity: 'error',
        message: 'cam-1 unreachable',
        start: T + 500 * SECOND,
        end: T + 800 * SECOND,
        durationMs: 300_000,
        acknowledged: null,
      },
      {
        kind: 'condition',
        code: 'camera-unreachable',
        subject: 'cam-2',
        severity: 'warning',
        message: 'cam-2 unreachable',
        start: T + 3_000 * SECOND,
        end: null,
        durationMs: 600_000,
        acknowledged: null,
      },
    ]);
    expect(history.outages).toHaveLength(3);
    // Before the camera problem: nothing in that range.
    const early = (await as(fx.dashboard, alice, 'GET', `/api/recorders/a-rec-9/history?from=${T}&to=${T + 400 * SECOND}`)).json<{ problems: unknown[] }>();
    expect(early.problems).toEqual([]);
  });

  it('the site’s history: its recorders’ problems and outages together, each naming its recorder', async () => {
    const res = await as(fx.dashboard, alice, 'GET', `/api/sites/history?id=${encodeURIComponent(`${ALPHA.slc}/alpha-hq`)}&from=${T}&to=${T + 3_600 * SECOND}`);
    expect(res.statusCode, res.body).toBe(200);
    const site = res.json<{
      problems: Array<{ recorderId: string; subject: string; end: number | null }>;
      outages: Array<{ recorderId: string; state: string }>;
    }>();
    expect(site.problems.map((p) => [p.recorderId, p.subject, p.end])).toEqual([
      ['a-rec-9', 'cam-1', T + 800 * SECOND],
      ['a-rec-9', 'cam-2', null],
    ]);
    expect(site.outages.map((o) => [o.recorderId, o.state])).toEqual([
      ['a-rec-9', 'unavailable'],
      ['a-rec-9', 'stopped'],
      ['a-rec-9', 'offline'],
    ]);
  });

  it('refuses a bad scope or range, naming it', async () => {
    const bad = await as(fx.dashboard, alice, 'GET', '/api/availability?scope=planet&id=earth');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/scope/);
    const backwards = await as(fx.dashboard, alice, 'GET', `/api/availability?scope=recorder&id=a-rec-9&from=${T}&to=${T - 1}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<{ error: string }>().error).toBe(`from (${T}) is after to (${T - 1})`);
  });
});

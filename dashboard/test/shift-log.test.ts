import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb, type BirthFacts, type RecorderStateName } from '@vigil/ingestor';
import { siteOutages } from '../src/shift-log.js';
import { AlertsDbWriter } from './support/alerts-db.js';
import { ALPHA, as, birth, BRAVO, logIn, startFixture, type Fixture, type Session } from './support/fixture.js';

/**
 * The shift log through its API, on fleet.db written with the ingestor's own FleetDb: problems
 * raised and cleared with their durations, still-open ones, recorder and whole-site outages,
 * acknowledgements of problems and alerts with who made them, newest first, the default period
 * since the user last looked, and Bob's never in Alice's log.
 */

const MIN = 60_000;
/** Two hours ago: everything below happened between then and now. */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120 * MIN;

interface Entry {
  kind: string;
  at: number;
  installation: { slc: string; name: string };
  site: { id: string; name: string };
  recorder: { id: string; name: string } | null;
  start?: number;
  end?: number | null;
  durationMs?: number;
  code?: string;
  subject?: string;
  states?: string[];
  counted?: boolean;
  recorders?: number;
  by?: string;
  comment?: string;
  summary?: string;
  acknowledged?: { by: string; at: number; comment: string } | null;
}
interface View {
  from: number;
  to: number;
  lastSeen: number | null;
  total: number;
  truncated: boolean;
  entries: Entry[];
  groups: Array<{ installation: { slc: string }; site: { id: string }; counts: Record<string, number> }>;
}

function seed(path: string): void {
  const fleet = new FleetDb(path);
  const hq = { id: 'alpha-hq', name: 'Alpha HQ' };
  const depot = { id: 'alpha-depot', name: 'Alpha Depot' };
  const mall = { id: 'bravo-mall', name: 'Bravo Mall' };
  const born = (facts: BirthFacts) => {
    fleet.recordBirth(facts);
    fleet.setState(facts.id, 'online', T0 - 600 * MIN);
  };
  const at = (id: string, state: RecorderStateName, minutes: number) => fleet.setState(id, state, T0 + minutes * MIN);
  fleet.transaction(() => {
    born(birth('a-rec-1', ALPHA, hq));
    born(birth('a-rec-2', ALPHA, hq));
    born(birth('a-rec-3', ALPHA, depot));
    born(birth('a-rec-4', ALPHA, depot));
    born(birth('b-rec-1', BRAVO, mall));
    born(birth('b-rec-2', BRAVO, mall));
    // a-rec-1 lost for 10 min (its will arrived after 1 min); a-rec-2 stopped for maintenance
    at('a-rec-1', 'unavailable', 10);
    at('a-rec-1', 'offline', 11);
    at('a-rec-1', 'online', 20);
    at('a-rec-2', 'stopped', 30);
    at('a-rec-2', 'online', 40);
    // both at HQ lost a minute apart, back at T0+60: the site was unreachable from T0+51 to T0+60
    at('a-rec-1', 'unavailable', 50);
    at('a-rec-2', 'unavailable', 51);
    at('a-rec-1', 'online', 60);
    at('a-rec-2', 'online', 60);
    // the depot is unreachable now
    at('a-rec-3', 'unavailable', 110);
    at('a-rec-4', 'unavailable', 111);
    fleet.markSiteUnreachable(ALPHA.slc, depot.id, T0 + 111 * MIN);
    // Bob's: offline since T0+80
    at('b-rec-2', 'offline', 80);
    const condition = (recorderId: string, code: string, subject: string, minutes: number, active: boolean, message = `${subject} ${code}`) =>
      fleet.applyCondition({ recorderId, code, subject, active, at: T0 + minutes * MIN, severity: 'error', message });
    condition('a-rec-1', 'camera-unreachable', 'alpha-cam-1', 5, true);
    condition('a-rec-1', 'camera-unreachable', 'alpha-cam-1', 25, false);
    condition('a-rec-1', 'camera-unreachable', 'alpha-cam-2', 70, true);
    condition('b-rec-1', 'drive-full', 'E:\\bravo-archive', 15, true);
    condition('b-rec-1', 'drive-full', 'E:\\bravo-archive', 45, false);
    condition('b-rec-1', 'camera-unreachable', 'bravo-cam-9', 90, true);
    // long before: cleared before any period asked here starts
    condition('a-rec-2', 'camera-unreachable', 'alpha-cam-old', -500, true);
    condition('a-rec-2', 'camera-unreachable', 'alpha-cam-old', -400, false);
  });
  fleet.close();
}

describe('shift log', () => {
  let fx: Fixture;
  let alice: Session;
  let bob: Session;
  let noc: Session;
  const get = async (session: Session, query = '') => {
    const res = await as(fx.dashboard, session, 'GET', `/api/shift-log${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<View>();
  };
  const period = `?from=${T0}&to=${T0 + 200 * MIN}`;

  beforeAll(async () => {
    fx = await startFixture({ seed });
    alice = await logIn(fx.dashboard, 'alice');
    bob = await logIn(fx.dashboard, 'bob');
    noc = await logIn(fx.dashboard, 'noc');
    // NOC acknowledges Alice's open camera problem and Bob's
    for (const [id, subject, comment] of [
      ['a-rec-1', 'alpha-cam-2', 'cable checked on site'],
      ['b-rec-1', 'bravo-cam-9', 'bravo technician called'],
    ]) {
      const recorder = (await as(fx.dashboard, noc, 'GET', `/api/recorders/${id}`)).json<{
        problems: Array<{ code: string; subject: string; since: number }>;
      }>();
      const problem = recorder.problems.find((p) => p.subject === subject)!;
      const res = await as(fx.dashboard, noc, 'POST', `/api/recorders/${id}/problems/acknowledge`, {
        code: problem.code,
        subject,
        since: problem.since,
        comment,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    // the engine's alerts for both; NOC acknowledges them
    const rule = fx.dashboard.store.rulesFor(fx.dashboard.store.userByName('noc')!)[0]!;
    const writer = new AlertsDbWriter(join(fx.dir, 'alerts.db'));
    const common = { rule_id: rule.id, target_kind: 'recorder', state: 'firing', severity: 'error', resolved_at: null } as const;
    writer.alert({
      ...common,
      id: 1,
      target_id: 'a-rec-1',
      recorder_id: 'a-rec-1',
      installation_slc: ALPHA.slc,
      site_id: 'alpha-hq',
      condition_key: 'problem:camera-unreachable',
      summary: 'alpha camera down',
      pending_since: T0 + 70 * MIN,
      firing_since: T0 + 71 * MIN,
    });
    writer.alert({
      ...common,
      id: 2,
      target_id: 'b-rec-1',
      recorder_id: 'b-rec-1',
      installation_slc: BRAVO.slc,
      site_id: 'bravo-mall',
      condition_key: 'problem:camera-unreachable',
      summary: 'bravo camera down',
      pending_since: T0 + 90 * MIN,
      firing_since: T0 + 91 * MIN,
    });
    writer.close();
    const deadline = Date.now() + 15_000;
    for (const id of [1, 2]) {
      for (;;) {
        const res = await as(fx.dashboard, noc, 'POST', `/api/alerts/${id}/acknowledge`, { comment: `on alert ${id}` });
        if (res.statusCode === 200) break;
        if (Date.now() > deadline) throw new Error(`alert ${id}: ${res.statusCode} ${res.body}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  afterAll(async () => fx?.close());

  it('lists problems raised and cleared with their durations, still-open ones, and who acknowledged them', async () => {
    const log = await get(alice, period);
    const problems = log.entries.filter((e) => e.kind === 'problem');
    expect(problems.map((p) => [p.subject, p.start, p.end, p.durationMs])).toEqual([
      ['alpha-cam-2', T0 + 70 * MIN, null, expect.any(Number)],
      ['alpha-cam-1', T0 + 5 * MIN, T0 + 25 * MIN, 20 * MIN],
    ]);
    const open = problems[0]!;
    expect(open.durationMs).toBeGreaterThanOrEqual(Date.now() - open.start! - 5_000);
    expect(open.acknowledged).toMatchObject({ by: 'noc', comment: 'cable checked on site' });
    expect(problems[1]).toMatchObject({ at: T0 + 25 * MIN, recorder: { id: 'a-rec-1' }, site: { id: 'alpha-hq', name: 'Alpha HQ' }, acknowledged: null });
    // a problem over before the period is not in it
    expect(log.entries.some((e) => e.subject === 'alpha-cam-old')).toBe(false);
  });

  it('lists outages: a recorder lost (unavailable then offline as one), a planned stop, a whole site lost and one lost now', async () => {
    const log = await get(alice, period);
    const outages = log.entries.filter((e) => e.kind === 'outage' || e.kind === 'site-outage');
    expect(
      outages.map((o) => [
        o.kind,
        o.recorder?.id ?? o.site.id,
        o.states ?? o.recorders,
        o.start,
        o.end,
        o.durationMs === undefined ? -1 : o.end === null ? 'open' : o.durationMs,
      ]),
    ).toEqual([
      ['site-outage', 'alpha-depot', 2, T0 + 111 * MIN, null, 'open'],
      ['outage', 'a-rec-4', ['unavailable'], T0 + 111 * MIN, null, 'open'],
      ['outage', 'a-rec-3', ['unavailable'], T0 + 110 * MIN, null, 'open'],
      ['site-outage', 'alpha-hq', 2, T0 + 51 * MIN, T0 + 60 * MIN, 9 * MIN],
      ['outage', 'a-rec-1', ['unavailable'], T0 + 50 * MIN, T0 + 60 * MIN, 10 * MIN],
      ['outage', 'a-rec-2', ['unavailable'], T0 + 51 * MIN, T0 + 60 * MIN, 9 * MIN],
      ['outage', 'a-rec-2', ['stopped'], T0 + 30 * MIN, T0 + 40 * MIN, 10 * MIN],
      ['outage', 'a-rec-1', ['unavailable', 'offline'], T0 + 10 * MIN, T0 + 20 * MIN, 10 * MIN],
    ]);
    expect(outages.find((o) => o.states?.[0] === 'stopped')?.counted).toBe(false);
    // a period starting within outages: down since before it (no change in it), or back within it
    const later = await get(alice, `?from=${T0 + 115 * MIN}`);
    expect(later.entries.filter((e) => e.kind === 'outage').map((o) => [o.recorder?.id, o.start, o.end])).toEqual([
      ['a-rec-4', T0 + 111 * MIN, null],
      ['a-rec-3', T0 + 110 * MIN, null],
    ]);
    const within = await get(alice, `?from=${T0 + 15 * MIN}&to=${T0 + 35 * MIN}`);
    expect(within.entries.filter((e) => e.kind === 'outage').map((o) => [o.recorder?.id, o.states, o.start, o.end, o.at])).toEqual([
      ['a-rec-2', ['stopped'], T0 + 30 * MIN, T0 + 40 * MIN, T0 + 30 * MIN],
      ['a-rec-1', ['unavailable', 'offline'], T0 + 10 * MIN, T0 + 20 * MIN, T0 + 20 * MIN],
    ]);
    expect(outages.find((o) => o.states?.[1] === 'offline')?.counted).toBe(true);
  });

  it('lists acknowledgements of problems and of alerts with who made them, newest first overall', async () => {
    const log = await get(alice, `?from=${T0}`);
    const acks = log.entries.filter((e) => e.kind === 'acknowledgement' || e.kind === 'alert-acknowledgement');
    expect(acks.map((a) => [a.kind, a.by, a.comment, a.recorder?.id])).toEqual([
      ['alert-acknowledgement', 'noc', 'on alert 1', 'a-rec-1'],
      ['acknowledgement', 'noc', 'cable checked on site', 'a-rec-1'],
    ]);
    expect(acks[0]!.summary).toBe('alpha camera down');
    expect(acks[1]).toMatchObject({ code: 'camera-unreachable', subject: 'alpha-cam-2' });
    const times = log.entries.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(log.entries[0]!.kind).toBe('alert-acknowledgement');
    // grouped by installation and site, with counts per kind
    expect(log.groups.map((g) => [g.site.id, g.counts])).toEqual([
      ['alpha-depot', { problem: 0, outage: 2, 'site-outage': 1, acknowledgement: 0, 'alert-acknowledgement': 0 }],
      ['alpha-hq', { problem: 2, outage: 4, 'site-outage': 1, acknowledgement: 1, 'alert-acknowledgement': 1 }],
    ]);
  });

  it('filters by installation and site, and caps with a limit saying how many there are', async () => {
    const hq = await get(alice, `?from=${T0}&site=${encodeURIComponent(`${ALPHA.slc}/alpha-hq`)}`);
    expect(new Set(hq.entries.map((e) => e.site.id))).toEqual(new Set(['alpha-hq']));
    expect(hq.total).toBe(9);
    const capped = await get(alice, `?from=${T0}&limit=3`);
    expect(capped).toMatchObject({ total: 12, truncated: true });
    expect(capped.entries).toHaveLength(3);
    expect((await get(alice, `?from=${T0}&installation=${ALPHA.slc}`)).total).toBe(12);
    const bad = await as(fx.dashboard, alice, 'GET', `/api/shift-log?from=${T0 + 10}&to=${T0}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/from .* is after .*to/);
    expect((await as(fx.dashboard, alice, 'GET', '/api/shift-log?site=no-slash')).json<{ error: string }>().error).toMatch(/site must be "SLC\/site id"/);
  });

  it('starts the default period when the user last looked (else 8 h back), per user', async () => {
    const carol = await logIn(fx.dashboard, 'admin');
    const first = await get(carol);
    expect(first.lastSeen).toBeNull();
    expect(first.to - first.from).toBe(8 * 3_600_000);
    const seen = await as(fx.dashboard, carol, 'POST', '/api/shift-log/seen', {});
    expect(seen.statusCode, seen.body).toBe(200);
    const lastSeen = seen.json<{ lastSeen: number }>().lastSeen;
    expect(Math.abs(lastSeen - Date.now())).toBeLessThan(5_000);
    const after = await get(carol);
    expect(after).toMatchObject({ from: lastSeen, lastSeen });
    // nothing of the above happened since: an empty log, while a period chosen shows it all
    expect(after.entries.filter((e) => e.kind !== 'site-outage' && e.kind !== 'outage' && e.kind !== 'problem')).toEqual([]);
    expect((await get(carol, `?from=${T0}`)).total).toBeGreaterThan(12);
    // reading never moves it; another user's look is their own
    expect((await get(carol)).lastSeen).toBe(lastSeen);
    expect((await get(noc)).lastSeen).toBeNull();
    // needs the CSRF token like every change
    expect((await as(fx.dashboard, carol, 'POST', '/api/shift-log/seen', {}, false)).statusCode).toBe(403);
  });

  it('never shows Bob’s to Alice, and shows Bob his own', async () => {
    const aliceLog = await as(fx.dashboard, alice, 'GET', `/api/shift-log?from=${T0}`);
    for (const marker of ['bravo', 'b-rec-', BRAVO.slc]) expect(aliceLog.body.toLowerCase()).not.toContain(marker.toLowerCase());
    // a filter on Bob's installation answers like one with nothing in it
    const filtered = await get(alice, `?from=${T0}&installation=${BRAVO.slc}`);
    expect(filtered).toMatchObject({ total: 0, entries: [] });
    expect(JSON.stringify(filtered.groups)).not.toContain('bravo');
    const bobs = await get(bob, `?from=${T0}`);
    expect(new Set(bobs.entries.map((e) => e.installation.slc))).toEqual(new Set([BRAVO.slc]));
    expect(bobs.entries.map((e) => [e.kind, e.recorder?.id, e.subject ?? e.by])).toEqual([
      ['alert-acknowledgement', 'b-rec-1', 'noc'],
      ['acknowledgement', 'b-rec-1', 'bravo-cam-9'],
      ['problem', 'b-rec-1', 'bravo-cam-9'],
      ['outage', 'b-rec-2', undefined],
      ['problem', 'b-rec-1', 'E:\\bravo-archive'],
    ]);
    // NOC sees both
    const nocLog = await get(noc, `?from=${T0}`);
    expect(new Set(nocLog.entries.map((e) => e.installation.slc))).toEqual(new Set([ALPHA.slc, BRAVO.slc]));
  });
});

describe('site outages from recorders’ outages', () => {
  it('needs every recorder down, all lost within 3 minutes, and ends when the first is back', () => {
    const run = (recorderId: string, start: number, end: number | null) => ({ recorderId, start, end });
    expect(siteOutages([run('a', 0, 100 * MIN), run('b', 2 * MIN, 50 * MIN)], 2)).toEqual([{ start: 2 * MIN, end: 50 * MIN }]);
    // lost 10 minutes apart: two recorders' own failures, not the site
    expect(siteOutages([run('a', 0, 100 * MIN), run('b', 10 * MIN, 50 * MIN)], 2)).toEqual([]);
    // one of three still up
    expect(siteOutages([run('a', 0, null), run('b', MIN, null)], 3)).toEqual([]);
    expect(siteOutages([run('a', 0, null), run('b', MIN, null)], 2)).toEqual([{ start: MIN, end: null }]);
    // one back just as the other goes: never all down
    expect(siteOutages([run('a', 0, 5 * MIN), run('b', 5 * MIN, 9 * MIN)], 2)).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BirthFacts, FleetDb, type RecorderStateName, SqliteTelemetryStore, type TelemetryPoint } from '@vigil/ingestor';
import { siteAttention } from '../src/site-attention.js';
import { ALPHA, as, BRAVO, birth, CHARLIE, logIn, type Session, startFixture, type Fixture } from './support/fixture.js';

/**
 * Problems' current values (the message is as of the raise, the reading is now) and the map's one
 * rule for sites (share and severity of what is wrong), over the API, with fleet.db written by the
 * ingestor's own FleetDb and a real SQLite time-series store for the disk trend.
 */

const GB = 1e9;
const HOUR = 3_600_000;
const now = Date.now();

interface CurrentJson {
  usedPercent?: number;
  freeBytes?: number;
  totalBytes?: number;
  at?: number;
  daysToFull?: number | null;
  cameras?: number;
  licensed?: number;
}
interface ProblemJson {
  kind: string;
  code: string;
  subject: string;
  message: string;
  current?: CurrentJson;
}
interface SiteJson {
  id: string;
  installation: { slc: string };
  worstState: string;
  attention: { level: string; colour: string; affected: number; total: number; score: number; summary: string };
}

/**
 * Alpha (alice): a depot unreachable as a whole; a site with 2 of 3 recorders down; a site with 1 of 3 down (crashed).
 * Bravo (bob): a one-recorder site down; a mall with a degraded recorder whose drive and licence problems outlived their messages.
 * Charlie (nobody's): a site with one recorder stopped on purpose, and a healthy one.
 */
function seed(path: string): void {
  const fleet = new FleetDb(path);
  const put = (facts: BirthFacts, state: RecorderStateName) => {
    fleet.recordBirth(facts);
    fleet.setState(facts.id, 'online', now - 2 * HOUR);
    if (state !== 'online') fleet.setState(facts.id, state, now - 600_000);
    fleet.touch(facts.id, now - 5_000, 1);
  };
  const site = (id: string) => ({ id, name: id.replace('-', ' ') });
  fleet.transaction(() => {
    put(birth('a-dep-1', ALPHA, site('alpha-depot')), 'unavailable');
    put(birth('a-dep-2', ALPHA, site('alpha-depot')), 'unavailable');
    fleet.markSiteUnreachable(ALPHA.slc, 'alpha-depot', now - 590_000);
    put(birth('a-two-1', ALPHA, site('alpha-two')), 'offline');
    put(birth('a-two-2', ALPHA, site('alpha-two')), 'unavailable');
    put(birth('a-two-3', ALPHA, site('alpha-two')), 'online');
    put(birth('a-one-1', ALPHA, site('alpha-one')), 'offline');
    put(birth('a-one-2', ALPHA, site('alpha-one')), 'online');
    put(birth('a-one-3', ALPHA, site('alpha-one')), 'online');
    put(birth('b-solo-1', BRAVO, site('bravo-solo')), 'offline');
    put(birth('b-mall-1', BRAVO, site('bravo-mall')), 'degraded');
    put(birth('b-mall-2', BRAVO, site('bravo-mall')), 'online');
    put(birth('c-stop-1', CHARLIE, site('charlie-stop')), 'stopped');
    put(birth('c-stop-2', CHARLIE, site('charlie-stop')), 'online');
    put(birth('c-ok-1', CHARLIE, site('charlie-ok')), 'online');
    const condition = (code: string, subject: string, severity: string, message: string) =>
      fleet.applyCondition({ recorderId: 'b-mall-1', code, subject, active: true, at: now - HOUR, severity, message });
    // Raised at 96.0 %; the drive has filled further since.
    condition('drive-full', 'D:\\media', 'critical', 'D:\\media is 96.0% full (160 GB free)');
    fleet.recordDisk({ recorderId: 'b-mall-1', path: 'D:\\media', totalBytes: 4000 * GB, freeBytes: 96 * GB, at: now - 20_000 });
    // "Full in about 1 h" when raised; the drive was freed since (the agent's hysteresis has not cleared it yet).
    condition('drive-filling', 'E:\\archive', 'warning', 'E:\\archive will be full in about 1 h at the rate of the last 30 min (97.0% used now)');
    fleet.recordDisk({ recorderId: 'b-mall-1', path: 'E:\\archive', totalBytes: 1000 * GB, freeBytes: 600 * GB, at: now - 20_000 });
    condition('licence-overrun', '', 'warning', 'more cameras than licences: 14 cameras, 12 licensed (2 over)');
    fleet.recordLicence('b-mall-1', 16, 12, now - 20_000);
    // No reading of its own: no current value.
    condition('camera-unreachable', 'Dock 2', 'warning', 'camera Dock 2 unreachable');
  });
  fleet.close();
}

describe("problems' current values", () => {
  let fx: Fixture;
  let telemetryDir: string;
  let telemetry: SqliteTelemetryStore;
  let noc: Session;
  let bob: Session;
  let alice: Session;
  beforeAll(async () => {
    telemetryDir = mkdtempSync(join(tmpdir(), 'vigil-telemetry-'));
    telemetry = new SqliteTelemetryStore(join(telemetryDir, 'telemetry.db'), { compactEveryMs: 0 });
    fx = await startFixture({ seed, dashboard: { telemetry } });
    // E:\archive was freed an hour ago and has been flat since; D:\media fills by 8 GB an hour (12 h to full).
    const tags = { recorder: 'b-mall-1', installation: BRAVO.slc, site: 'bravo-mall', reseller: '' };
    const points: TelemetryPoint[] = [];
    for (let minutes = 0; minutes <= 24 * 60; minutes += 10) {
      const time = now - 24 * HOUR + minutes * 60_000;
      const eFree = time < now - HOUR ? 30 * GB : 600 * GB;
      const dFree = 96 * GB + ((now - time) / HOUR) * 8 * GB;
      points.push({ measurement: 'disk', tags: { ...tags, path: 'E:\\archive' }, fields: { total_bytes: 1000 * GB, free_bytes: eFree }, time });
      points.push({ measurement: 'disk', tags: { ...tags, path: 'D:\\media' }, fields: { total_bytes: 4000 * GB, free_bytes: dFree }, time });
    }
    await telemetry.write(points);
    [noc, bob, alice] = await Promise.all([logIn(fx.dashboard, 'noc'), logIn(fx.dashboard, 'bob'), logIn(fx.dashboard, 'alice')]);
  });
  afterAll(async () => {
    await fx?.close();
    await telemetry?.close();
    if (telemetryDir) rmSync(telemetryDir, { recursive: true, force: true });
  });

  const listed = async (session: Session) =>
    (await as(fx.dashboard, session, 'GET', '/api/recorders')).json<{ recorders: Array<{ id: string; problems: ProblemJson[] }> }>().recorders;

  it('lists disk and licence problems with the reading of now beside the raise-time message, to everyone who sees the recorder', async () => {
    for (const session of [noc, bob]) {
      const problems = (await listed(session)).find((r) => r.id === 'b-mall-1')!.problems;
      const byCode = new Map(problems.map((p) => [p.code, p]));
      expect(byCode.get('drive-full')).toMatchObject({ message: 'D:\\media is 96.0% full (160 GB free)', current: { usedPercent: 97.6, freeBytes: 96 * GB } });
      expect(byCode.get('drive-full')!.current!.at).toBe(now - 20_000);
      expect(byCode.get('drive-filling')!.current).toMatchObject({ usedPercent: 40 });
      // The list computes no trends: time to full is the recorder page's.
      expect(byCode.get('drive-filling')!.current).not.toHaveProperty('daysToFull');
      expect(byCode.get('licence-overrun')).toMatchObject({ message: expect.stringContaining('14 cameras'), current: { cameras: 16, licensed: 12 } });
      expect(byCode.get('camera-unreachable')).not.toHaveProperty('current');
    }
    // The list is built by SQLite as JSON; the views' JS path (recordersFor) must say exactly the same.
    const bobUser = fx.dashboard.store.userByName('bob')!;
    const viaJs = JSON.parse(JSON.stringify(fx.dashboard.store.recordersFor(bobUser))) as Array<{ id: string; problems: ProblemJson[] }>;
    const byCodeSubject = (ps: ProblemJson[]) => [...ps].sort((a, b) => `${a.code}${a.subject}`.localeCompare(`${b.code}${b.subject}`));
    expect(byCodeSubject((await listed(bob)).find((r) => r.id === 'b-mall-1')!.problems)).toEqual(
      byCodeSubject(viaJs.find((r) => r.id === 'b-mall-1')!.problems),
    );
    // Alice never sees Bob's drive, now or as it was.
    expect(JSON.stringify(await listed(alice))).not.toContain('b-mall-1');
  });

  it("gives the recorder's page time to full now: the stale 'full in about 1 h' reads not filling, the full drive its hours left", async () => {
    const res = await as(fx.dashboard, bob, 'GET', '/api/recorders/b-mall-1');
    expect(res.statusCode).toBe(200);
    const detail = res.json<{ problems: ProblemJson[]; disks: Array<{ path: string; usedPercent: number }> }>();
    const byCode = new Map(detail.problems.map((p) => [p.code, p]));
    expect(byCode.get('drive-filling')!.current).toEqual({ usedPercent: 40, freeBytes: 600 * GB, totalBytes: 1000 * GB, at: now - 20_000, daysToFull: null });
    const full = byCode.get('drive-full')!.current!;
    expect(full.usedPercent).toBe(97.6);
    expect(full.daysToFull! * 24).toBeGreaterThan(11);
    expect(full.daysToFull! * 24).toBeLessThan(13);
    // The problem and the disk card say the same figure.
    expect(detail.disks.find((d) => d.path === 'D:\\media')!.usedPercent).toBe(full.usedPercent);
    expect(byCode.get('licence-overrun')!.current).toEqual({ cameras: 16, licensed: 12 });
    // Another reseller's recorder: as if it did not exist.
    expect((await as(fx.dashboard, alice, 'GET', '/api/recorders/b-mall-1')).statusCode).toBe(404);
  });

  it('ranks sites by the share and severity of what is wrong, says it in words, and colours them by it', async () => {
    const sites = (await as(fx.dashboard, noc, 'GET', '/api/sites')).json<{ sites: SiteJson[] }>().sites;
    expect(sites.map((s) => [s.id, s.attention.level, s.attention.summary, s.attention.colour])).toEqual([
      ['alpha-depot', 'unreachable', 'site unreachable: none of its 2 recorders answers', 'offline'],
      ['bravo-solo', 'down', 'its recorder is down', 'offline'],
      ['alpha-two', 'partly-down', '2 of 3 recorders down', 'unavailable'],
      // One crashed recorder of three: its worst state is offline, yet the site ranks below every site that records nothing.
      ['alpha-one', 'partly-down', '1 of 3 recorders down', 'unavailable'],
      ['bravo-mall', 'degraded', '1 of 2 recorders degraded', 'degraded'],
      ['charlie-stop', 'stopped', '1 of 2 recorders stopped on purpose', 'stopped'],
      ['charlie-ok', 'ok', 'its recorder is online', 'online'],
    ]);
    expect(sites.find((s) => s.id === 'alpha-one')!.worstState).toBe('offline');
    // A reseller's sites, in the same order, only its own.
    const bobs = (await as(fx.dashboard, bob, 'GET', '/api/sites')).json<{ sites: SiteJson[] }>().sites;
    expect(bobs.map((s) => s.id)).toEqual(['bravo-solo', 'bravo-mall']);
    const alices = (await as(fx.dashboard, alice, 'GET', '/api/sites')).json<{ sites: SiteJson[] }>().sites;
    expect(alices.map((s) => s.id)).toEqual(['alpha-depot', 'alpha-two', 'alpha-one']);
  });
});

describe('the site rule', () => {
  const rank = (mixes: Array<[string, RecorderStateName[], boolean?]>) =>
    mixes
      .map(([name, states, unreachable]) => ({ name, a: siteAttention(states, unreachable ?? false) }))
      .sort((x, y) => y.a.score - x.a.score || y.a.affected - x.a.affected)
      .map((x) => x.name);

  it('puts a whole unreachable site above all down, above some down (larger share first), above degraded, stopped and healthy', () => {
    expect(
      rank([
        ['healthy', ['online', 'online']],
        ['one stopped', ['stopped', 'online']],
        ['all degraded', ['degraded', 'degraded', 'degraded']],
        ['1 of 10 down', ['offline', ...Array<RecorderStateName>(9).fill('online')]],
        ['3 of 4 down', ['unavailable', 'unavailable', 'offline', 'online']],
        ['1 of 2 down, 1 degraded', ['offline', 'degraded']],
        ['single down', ['unavailable']],
        ['unreachable', ['unavailable', 'offline'], true],
        ['all down, lost apart', ['offline', 'offline', 'offline']],
      ]),
    ).toEqual([
      'unreachable',
      'all down, lost apart',
      'single down',
      '3 of 4 down',
      '1 of 2 down, 1 degraded',
      '1 of 10 down',
      'all degraded',
      'one stopped',
      'healthy',
    ]);
  });

  it('keeps every level apart: no share of a milder level reaches the next', () => {
    const scores = [
      siteAttention(['unavailable'], true),
      siteAttention(['offline', 'offline'], false),
      siteAttention(['offline', ...Array<RecorderStateName>(999).fill('online')], false),
      siteAttention(['degraded', 'degraded'], false),
      siteAttention(['stopped'], false),
      siteAttention(['online'], false),
    ].map((a) => a.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(new Set(scores).size).toBe(scores.length);
  });
});

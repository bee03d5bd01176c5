import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardStore, type RecorderView, type User } from '@vigil/dashboard';
import { CuttableLink, Fleet, waitFor } from './support/fleet.js';
import { secondsSince } from './support/report.js';

const HEARTBEAT_SECONDS = 2;
/** The broker gives a silent client up after 1.5 of the agent's 30 s keepalives (agent/src/agent.ts, not configurable). */
const WILL_AFTER_MS = 45_000;
const SITE = { installationSlc: 'SLC-HARBOUR', siteId: 'harbour' };
const MEMBERS = ['rec-harbour-1', 'rec-harbour-2', 'rec-harbour-3'];

interface Sample {
  at: number;
  /** fleet.db's read model: each recorder's state, and whether the site is unreachable. */
  states: Record<string, string>;
  siteUnreachable: boolean;
  /** The dashboard's list (one read transaction, up to 1 s behind fleet.db by design): whether it shows the site unreachable. */
  shownUnreachable: boolean;
  /** Recorders per state as the dashboard's summary counts them, and as its rows say. */
  counts: Record<string, number>;
  rowCounts: Record<string, number>;
  /** What the dashboard shows for the site's recorders: the problem's code and whether the row says its site is unreachable. */
  memberProblems: string[];
  lastSeen: Record<string, number | null>;
}

/**
 * Fault: a site's uplink cut (three real agents behind one relay that stops passing bytes) for
 * longer than the broker's keepalive, so the recorders first miss their heartbeats (unavailable)
 * and later the broker fires their last wills (offline). From the first sample after the site is
 * called unreachable to the end of the cut it stays one site outage: the site row, the counts at
 * the top and the rows agree, and "last seen" stays at the last contact, not the will's arrival.
 */
describe('fault: a site outage through the will phase', () => {
  let fleet: Fleet;
  let link: CuttableLink;
  let dashboard: DashboardStore;
  let admin: User;
  beforeAll(async () => {
    fleet = await Fleet.start('site-outage');
    link = new CuttableLink(fleet.ports.mqtt);
    await link.start();
  });
  afterAll(async () => {
    dashboard?.close();
    await fleet?.close();
    await link?.close();
  });

  const sample = (): Sample => {
    const { recorders, counts } = JSON.parse(dashboard.recordersJsonFor(admin).toString('utf8')) as {
      recorders: RecorderView[];
      counts: Record<string, number>;
    };
    const rowCounts: Record<string, number> = {};
    for (const r of recorders) rowCounts[r.state] = (rowCounts[r.state] ?? 0) + 1;
    const members = recorders.filter((r) => MEMBERS.includes(r.id));
    const db = fleet.read((d) => ({
      states: Object.fromEntries(
        (d.prepare('SELECT id, state FROM read_v1_recorders').all() as Array<{ id: string; state: string }>).map((r) => [r.id, r.state]),
      ) as Record<string, string>,
      site: d
        .prepare('SELECT COUNT(*) FROM read_v1_unreachable_sites WHERE installation_slc = ? AND site_id = ?')
        .pluck()
        .get(SITE.installationSlc, SITE.siteId) as number,
      lastSeen: Object.fromEntries(
        (d.prepare('SELECT id, last_seen AS lastSeen FROM read_v1_recorders').all() as Array<{ id: string; lastSeen: number | null }>).map((r) => [
          r.id,
          r.lastSeen,
        ]),
      ) as Record<string, number | null>,
    }));
    return {
      at: Date.now(),
      states: db.states,
      siteUnreachable: db.site === 1,
      shownUnreachable: members.length === MEMBERS.length && members.every((r) => r.site.unreachable),
      counts,
      rowCounts,
      memberProblems: members.map(
        (r) => `${r.site.unreachable ? 'site-unreachable' : 'site-ok'}:${r.problems.find((p) => p.kind === 'state')?.code ?? 'none'}`,
      ),
      lastSeen: db.lastSeen,
    };
  };

  it('stays one unreachable site with its recorders under it, counts that agree and last seen at the last contact', async () => {
    for (const id of MEMBERS) await fleet.agent(id, { heartbeatSeconds: HEARTBEAT_SECONDS, brokerPort: link.port, site: SITE });
    await fleet.agent('rec-elsewhere', { heartbeatSeconds: HEARTBEAT_SECONDS });
    dashboard = await DashboardStore.open(join(fleet.dir, 'dashboard.db'), join(fleet.dataDir, 'fleet.db'), {
      log: { warn: () => undefined, info: () => undefined },
    });
    admin = await dashboard.createUser('noc', 'noc', 'site-outage-password');

    link.cut();
    const cutAt = Date.now();
    const samples: Sample[] = [];
    // Until every will has taken effect (offline), and a few heartbeats past it.
    let willsAt: number | undefined;
    while (willsAt === undefined || Date.now() - willsAt < 5 * HEARTBEAT_SECONDS * 1000) {
      const s = sample();
      samples.push(s);
      if (willsAt === undefined && MEMBERS.every((id) => s.states[id] === 'offline')) willsAt = s.at;
      if (Date.now() - cutAt > WILL_AFTER_MS + 60_000)
        throw new Error(`no wills within ${WILL_AFTER_MS / 1000 + 60} s of the cut: ${JSON.stringify(s.states)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const firstUnreachable = samples.findIndex((s) => s.siteUnreachable);
    expect(firstUnreachable).toBeGreaterThanOrEqual(0);
    const during = samples.slice(firstUnreachable);
    const firstShown = samples.findIndex((s) => s.shownUnreachable);
    expect(firstShown).toBeGreaterThanOrEqual(0);
    expect(samples[firstShown]!.at - samples[firstUnreachable]!.at).toBeLessThan(2_000);
    const shown = samples.slice(firstShown);
    const lastSeenAfter = samples.at(-1)!.lastSeen;

    link.restore();
    const restoredAt = Date.now();
    await waitFor(
      'the site back',
      () => sample(),
      (s) => !s.siteUnreachable && MEMBERS.every((id) => s.states[id] === 'online'),
      60_000,
    );
    const backSeconds = secondsSince(restoredAt);

    console.log(
      `site outage: unreachable ${((samples[firstUnreachable]!.at - cutAt) / 1000).toFixed(1)} s after the cut, wills in effect after ` +
        `${((willsAt! - cutAt) / 1000).toFixed(1)} s, ${during.length} samples while unreachable, back ${backSeconds.toFixed(1)} s after the restore`,
    );

    // The broker fired the wills well after the site was called unreachable: the phase under test.
    expect(willsAt! - samples[firstUnreachable]!.at).toBeGreaterThan(20_000);
    // Unreachable from then on, every recorder of the site lost and shown under the site's problem.
    expect(during.filter((s) => !s.siteUnreachable).map((s) => s.at - cutAt)).toEqual([]);
    expect(during.filter((s) => MEMBERS.some((id) => s.states[id] !== 'unavailable' && s.states[id] !== 'offline')).map((s) => s.states)).toEqual([]);
    expect(shown.filter((s) => s.memberProblems.some((p) => p !== 'site-unreachable:site-unreachable')).map((s) => s.memberProblems)).toEqual([]);
    // The counts at the top agree with the rows in every sample, and the other site stayed online.
    expect(samples.filter((s) => JSON.stringify(withoutZeros(s.counts)) !== JSON.stringify(withoutZeros(s.rowCounts)))).toEqual([]);
    expect(samples.filter((s) => s.states['rec-elsewhere'] !== 'online')).toEqual([]);
    // Last seen is the last contact before the cut (the last heartbeat, at most one interval before it), not the wills' arrival.
    for (const id of MEMBERS) {
      expect(lastSeenAfter[id]).toBeGreaterThanOrEqual(cutAt - HEARTBEAT_SECONDS * 1000 - 1_000);
      expect(lastSeenAfter[id]).toBeLessThanOrEqual(cutAt + 1_000);
    }
  }, 300_000);
});

function withoutZeros(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .sort(),
  );
}

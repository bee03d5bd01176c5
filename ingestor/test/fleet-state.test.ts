import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetDb, FleetState, SITE_WINDOW_MS, WILL_GRACE_MS, type BirthFacts, type SiteChange, type StateChange } from '../src/index.js';

describe('fleet state', () => {
  let dir: string;
  let db: FleetDb;
  let changes: StateChange[];
  let state: FleetState;
  const T0 = 1_700_000_000_000;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-state-'));
    db = new FleetDb(join(dir, 'fleet.db'));
    changes = [];
    state = new FleetState(db, (c) => changes.push(c), T0);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes online on birth and unavailable only after 3 missed heartbeats', () => {
    state.birth('r1', 1, 30, T0);
    expect(state.stateOf('r1')).toBe('online');
    state.sweep(T0 + 2 * 30_000 + 1_000); // two missed: still online
    expect(state.stateOf('r1')).toBe('online');
    state.sweep(T0 + 3 * 30_000 + 5_000);
    expect(state.stateOf('r1')).toBe('unavailable');
    state.heartbeat('r1', 1, T0 + 100_000);
    expect(state.stateOf('r1')).toBe('online');
    expect(changes.map((c) => c.state)).toEqual(['online', 'unavailable', 'online']);
  });

  it("uses each recorder's declared heartbeat interval", () => {
    state.birth('fast', 1, 5, T0);
    state.birth('slow', 1, 60, T0);
    state.sweep(T0 + 20_000);
    expect(state.stateOf('fast')).toBe('unavailable');
    expect(state.stateOf('slow')).toBe('online');
  });

  it('marks offline on a last will (after its grace) and stopped on a graceful death (at once)', () => {
    state.birth('r1', 1, 30, T0);
    state.birth('r2', 1, 30, T0);
    state.death('r1', 1, false, T0 + 1);
    state.death('r2', 1, true, T0 + 1);
    expect(state.stateOf('r2')).toBe('stopped');
    expect(state.stateOf('r1')).toBe('online');
    state.sweep(T0 + 1 + WILL_GRACE_MS);
    expect(state.stateOf('r1')).toBe('offline');
    expect(state.stateOf('r2')).toBe('stopped');
    expect(db.recorder('r1')?.state).toBe('offline');
  });

  it('a takeover: the old will arrives before the new birth, which cancels it', () => {
    state.birth('r1', 1, 30, T0);
    state.death('r1', 1, false, T0 + 10); // the broker publishes the old connection's will first
    state.heartbeat('r1', 1, T0 + 11); // a straggler from the old connection does not revive it
    state.birth('r1', 2, 30, T0 + 20);
    state.sweep(T0 + 10 + WILL_GRACE_MS + 1);
    expect(state.stateOf('r1')).toBe('online');
    expect(changes.map((c) => c.state)).toEqual(['online']);
  });

  it('ignores a late death from an older session (bdSeq)', () => {
    state.birth('r1', 1, 30, T0);
    state.birth('r1', 2, 30, T0 + 10); // reconnected before the old will arrived
    expect(state.death('r1', 1, false, T0 + 20)).toBe(false);
    expect(state.stateOf('r1')).toBe('online');
    expect(state.death('r1', 2, false, T0 + 30)).toBe(true);
    state.sweep(T0 + 30 + WILL_GRACE_MS);
    expect(state.stateOf('r1')).toBe('offline');
  });

  it('ignores the will of a connection attempt that never began its session (no birth, no heartbeat)', () => {
    state.birth('r1', 3, 30, T0);
    // Its broker node restarted (withdrawing the session's will); the next attempt timed out before
    // its CONNACK and the broker published that attempt's will; the one after succeeds.
    expect(state.death('r1', 4, false, T0 + 5_000)).toBe(false);
    state.sweep(T0 + 5_000 + WILL_GRACE_MS + 1);
    expect(state.stateOf('r1')).toBe('online');
    state.birth('r1', 5, 30, T0 + 9_000);
    expect(changes.map((c) => c.state)).toEqual(['online']);
    // A session we did hear (a heartbeat without its birth) is adopted, and its will counts.
    state.heartbeat('r1', 6, T0 + 20_000);
    expect(state.death('r1', 6, false, T0 + 21_000)).toBe(true);
    state.sweep(T0 + 21_000 + WILL_GRACE_MS);
    expect(state.stateOf('r1')).toBe('offline');
    // Silence is still judged: an agent that never gets a session through goes unavailable.
    state.birth('r2', 1, 30, T0);
    expect(state.death('r2', 2, false, T0 + 1_000)).toBe(false);
    state.sweep(T0 + 3 * 30_000 + 5_000);
    expect(state.stateOf('r2')).toBe('unavailable');
  });

  it('does not reopen an offline recorder on data alone, but does on a new birth', () => {
    state.birth('r1', 1, 30, T0);
    state.death('r1', 1, false, T0 + 1);
    state.sweep(T0 + 1 + WILL_GRACE_MS);
    state.activity('r1', T0 + 2 + WILL_GRACE_MS);
    expect(state.stateOf('r1')).toBe('offline');
    state.birth('r1', 2, 30, T0 + 3);
    expect(state.stateOf('r1')).toBe('online');
  });

  it('is degraded while conditions are active', () => {
    state.birth('r1', 1, 30, T0);
    state.conditionsChanged('r1', 2, T0 + 1);
    expect(state.stateOf('r1')).toBe('degraded');
    state.conditionsChanged('r1', 0, T0 + 2);
    expect(state.stateOf('r1')).toBe('online');
  });

  it('survives a restart without marking the fleet unavailable', () => {
    state.birth('r1', 1, 30, T0);
    // ingestor down for 10 minutes, then restarted from the same database
    const restartedAt = T0 + 600_000;
    const restarted = new FleetState(db, () => undefined, restartedAt);
    expect(restarted.stateOf('r1')).toBe('online');
    restarted.sweep(restartedAt + 30_000);
    expect(restarted.stateOf('r1')).toBe('online');
    restarted.sweep(restartedAt + 3 * 30_000 + 5_000);
    expect(restarted.stateOf('r1')).toBe('unavailable');
  });

  it('marks nobody unavailable while it cannot hear the fleet, and counts heartbeats again from when it can', () => {
    state.birth('r1', 1, 10, T0);
    state.birth('r2', 1, 10, T0);
    // The broker goes away at T0 + 5 s and takes connections again 26 s later; we resubscribe then.
    state.stopHearing();
    state.sweep(T0 + 60_000);
    expect([state.stateOf('r1'), state.stateOf('r2')]).toEqual(['online', 'online']);
    const back = T0 + 61_000;
    state.hearingFrom(back);
    state.heartbeat('r1', 2, back + 3_000); // reconnected within its interval
    state.sweep(back + 3 * 10_000 + 1_000); // three heartbeats after the broker came back, within the slack
    expect([state.stateOf('r1'), state.stateOf('r2')]).toEqual(['online', 'online']);
    state.sweep(back + 3 * 10_000 + 2_000); // r2 never came back: unavailable, counted from the broker's return
    expect([state.stateOf('r1'), state.stateOf('r2')]).toEqual(['online', 'unavailable']);
    expect(changes.filter((c) => c.recorderId === 'r1').map((c) => c.state)).toEqual(['online']);
  });

  it('still takes a last will into effect while it cannot hear heartbeats', () => {
    state.birth('r1', 1, 10, T0);
    state.death('r1', 1, false, T0 + 1_000);
    state.stopHearing();
    state.sweep(T0 + 1_000 + WILL_GRACE_MS);
    expect(state.stateOf('r1')).toBe('offline');
  });

  describe('site correlation and failover cover', () => {
    const facts = (id: string, siteId: string, failoverPartner = '', installationSlc = 'SLC-A'): BirthFacts => ({
      id,
      name: id,
      installationSlc,
      installationName: 'Acme',
      siteId,
      siteName: siteId,
      latitude: 55.7,
      longitude: 12.5,
      failoverPartner,
      agentVersion: '0.1.0',
      vmsProduct: 'XProtect',
      vmsVersion: '2024 R1',
      hostname: id,
      cameraCount: 8,
      licensedCameras: 8,
      heartbeatSeconds: 30,
      bdSeq: 1,
    });
    let sites: SiteChange[];
    const born = (f: BirthFacts, at: number) => {
      db.recordBirth(f);
      state.birth(f.id, f.bdSeq, 30, at);
    };
    const missedAll = (at: number) => at + 3 * 30_000 + 5_000;

    beforeEach(() => {
      sites = [];
      state = new FleetState(db, (c) => changes.push(c), T0, { onSiteChange: (c) => sites.push(c) });
    });

    it('marks a site unreachable, once, when all its recorders go unavailable within the window, and clears it when one is heard', () => {
      born(facts('hq-1', 'hq'), T0);
      born(facts('hq-2', 'hq'), T0 + 10_000);
      born(facts('depot-1', 'depot'), T0);
      state.heartbeat('depot-1', 1, T0 + 60_000);
      state.sweep(missedAll(T0) + 1);
      expect(state.stateOf('hq-1')).toBe('unavailable');
      expect(sites).toEqual([]); // hq-2 still talks: one recorder down is that recorder's problem
      state.sweep(missedAll(T0 + 10_000) + 1);
      expect(state.stateOf('hq-2')).toBe('unavailable');
      expect(sites).toEqual([{ installationSlc: 'SLC-A', siteId: 'hq', unreachable: true, at: missedAll(T0 + 10_000) + 1 }]);
      expect(db.unreachableSites()).toEqual([{ installationSlc: 'SLC-A', siteId: 'hq', since: missedAll(T0 + 10_000) + 1 }]);
      expect(state.stateOf('depot-1')).toBe('online');
      expect(state.isSiteUnreachable('SLC-A', 'depot')).toBe(false);

      state.heartbeat('hq-1', 1, T0 + 200_000);
      expect(sites.at(-1)).toMatchObject({ siteId: 'hq', unreachable: false });
      expect(db.unreachableSites()).toEqual([]);
    });

    it('does not call two failures far apart a site outage, nor a lone recorder, nor the same site id of another installation', () => {
      born(facts('a-1', 'main'), T0);
      born(facts('a-2', 'main'), T0);
      born(facts('b-1', 'main', '', 'SLC-B'), T0);
      state.sweep(missedAll(T0) + 1); // a-1, a-2 and b-1 all go now
      expect(sites.map((s) => s.installationSlc)).toEqual(['SLC-A']); // b-1 is alone at its site

      const later = new FleetState(db, () => undefined, T0, { onSiteChange: (c) => sites.push(c) });
      sites.length = 0;
      db.recordBirth(facts('c-1', 'yard'));
      db.recordBirth(facts('c-2', 'yard'));
      later.birth('c-1', 1, 30, T0);
      later.birth('c-2', 1, 30, T0 + SITE_WINDOW_MS + 60_000);
      later.sweep(missedAll(T0) + 1);
      later.sweep(missedAll(T0 + SITE_WINDOW_MS + 60_000) + 1);
      expect(later.stateOf('c-2')).toBe('unavailable');
      expect(sites.filter((s) => s.siteId === 'yard')).toEqual([]);
    });

    it('counts a will as lost too: a cut uplink makes the broker fire every will of the site before heartbeats are missed', () => {
      born(facts('hq-1', 'hq'), T0);
      born(facts('hq-2', 'hq'), T0);
      state.death('hq-1', 1, false, T0 + 45_000);
      state.death('hq-2', 1, false, T0 + 46_000);
      state.sweep(T0 + 46_000 + WILL_GRACE_MS);
      expect(state.stateOf('hq-2')).toBe('offline');
      expect(sites).toEqual([expect.objectContaining({ siteId: 'hq', unreachable: true })]);
      expect(sites).toHaveLength(1);
      state.birth('hq-2', 2, 30, T0 + 100_000);
      expect(sites).toHaveLength(2);
      expect(sites.at(-1)).toMatchObject({ siteId: 'hq', unreachable: false, at: T0 + 100_000 });
    });

    it('keeps an unreachable site across an ingestor restart', () => {
      born(facts('hq-1', 'hq'), T0);
      born(facts('hq-2', 'hq'), T0);
      state.sweep(missedAll(T0) + 1);
      const restarted = new FleetState(db, () => undefined, T0 + 600_000);
      expect(restarted.isSiteUnreachable('SLC-A', 'hq')).toBe(true);
    });

    it('shows a recorder as covered while its failover partner is online or degraded', () => {
      born(facts('primary', 'hq', 'secondary'), T0);
      expect(db.recorder('primary')?.coveredBy).toBeNull(); // the partner has not been heard of yet
      born(facts('secondary', 'hq', 'primary'), T0 + 1);
      expect(db.recorder('primary')?.coveredBy).toBe('secondary');
      expect(db.recorder('secondary')?.coveredBy).toBe('primary');
      state.conditionsChanged('secondary', 1, T0 + 2);
      expect(db.recorder('primary')?.coveredBy).toBe('secondary'); // degraded still records
      state.death('secondary', 1, true, T0 + 3);
      expect(db.recorder('primary')?.coveredBy).toBeNull();
      state.birth('secondary', 2, 30, T0 + 4);
      expect(db.recorder('primary')?.coveredBy).toBe('secondary');
    });

    it('keeps every state change for the availability timeline', () => {
      born(facts('r1', 'hq'), T0);
      state.sweep(missedAll(T0) + 1);
      state.heartbeat('r1', 1, T0 + 200_000);
      state.death('r1', 1, true, T0 + 300_000);
      expect(db.stateChangesOf('r1', T0, T0 + 400_000)).toEqual([
        { state: 'online', since: T0 },
        { state: 'unavailable', since: missedAll(T0) + 1 },
        { state: 'online', since: T0 + 200_000 },
        { state: 'stopped', since: T0 + 300_000 },
      ]);
      // A window starting later begins with the state in force then.
      expect(db.stateChangesOf('r1', T0 + 250_000, T0 + 400_000)).toEqual([
        { state: 'online', since: T0 + 200_000 },
        { state: 'stopped', since: T0 + 300_000 },
      ]);
    });
  });
});

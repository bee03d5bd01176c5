import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetDb, FleetState, WILL_GRACE_MS, type StateChange } from '../src/index.js';

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
});

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, waitFor } from './support/fleet.js';
import { secondsSince } from './support/report.js';

const HEARTBEAT_SECONDS = 2;

/**
 * Fault: an agent reinstalled. Its process is stopped gracefully (the recorder shows "stopped"),
 * its data directory wiped (a new spool, so a new epoch and bdSeq from 1 again, below the session
 * the fleet last saw) and the agent started again: it is online within seconds and stays online
 * on its heartbeats.
 */
describe('fault: an agent reinstalled with a wiped data directory', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start('agent-reinstall');
  });
  afterAll(async () => {
    await fleet?.close();
  });

  const row = (id: string) =>
    fleet.read(
      (db) =>
        db.prepare('SELECT state, bd_seq AS bdSeq, session_epoch AS epoch, last_seen AS lastSeen FROM recorders WHERE id = ?').get(id) as {
          state: string;
          bdSeq: number;
          epoch: string;
          lastSeen: number;
        },
    );

  it('comes back online within seconds and stays online', async () => {
    const agent = await fleet.agent('rec-reinstalled', { heartbeatSeconds: HEARTBEAT_SECONDS });
    // A few sessions first, so the old bdSeq is above the new instance's first one.
    for (let i = 0; i < 2; i++) {
      await agent.process.stop();
      await agent.process.start();
    }
    await waitFor(
      'online in its third session',
      () => row(agent.id),
      (r) => r.state === 'online' && r.bdSeq >= 3,
      30_000,
    );
    const before = row(agent.id);

    await agent.process.stop();
    await waitFor(
      'stopped',
      () => row(agent.id).state,
      (s) => s === 'stopped',
      30_000,
    );
    rmSync(agent.dataDir, { recursive: true, force: true });
    const restartedAt = Date.now();
    await agent.process.start(); // returns once the new instance says it connected
    const connectedAt = Date.now();
    const back = await waitFor(
      'online again after the reinstall',
      () => row(agent.id),
      (r) => r.state === 'online',
      30_000,
    );
    const onlineAfter = secondsSince(connectedAt);
    const startToOnline = secondsSince(restartedAt);
    // Stays online on its heartbeats (past three intervals plus slack), last seen moving with them.
    const heldFrom = Date.now();
    const states = new Set<string>();
    await waitFor(
      'five heartbeats online',
      () => {
        states.add(row(agent.id).state);
        return Date.now() - heldFrom;
      },
      (ms) => ms >= 5 * HEARTBEAT_SECONDS * 1000,
      60_000,
    );
    const after = row(agent.id);
    console.log(
      `agent reinstall: bdSeq ${before.bdSeq} -> ${back.bdSeq}, online again ${onlineAfter.toFixed(1)} s after it connected (${startToOnline.toFixed(1)} s after the process start)`,
    );

    expect(back.bdSeq).toBeLessThan(before.bdSeq);
    expect(back.epoch).not.toBe(before.epoch);
    expect(onlineAfter).toBeLessThan(5);
    expect([...states]).toEqual(['online']);
    expect(after.lastSeen).toBeGreaterThan(Date.now() - 2 * HEARTBEAT_SECONDS * 1000 - 1_000);
  }, 240_000);
});

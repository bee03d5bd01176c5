import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, waitFor } from './support/fleet.js';
import { secondsSince } from './support/report.js';

const HEARTBEAT_SECONDS = 2;
const AGENTS = ['rec-restart-1', 'rec-restart-2', 'rec-restart-3'];
/** How long the fleet side stays down: about five heartbeats, long enough for the agents' backoff to grow. */
const DOWN_MS = 5 * HEARTBEAT_SECONDS * 1000;

/**
 * Fault: the fleet side restarts under a healthy fleet. First broker and ingestor are killed
 * together and started again, then the broker alone (the ingestor sees it as a reconnect). The
 * recorders never stopped: none may ever be shown unavailable or offline for it (state_changes,
 * polled throughout), and all are online again within a few heartbeats of the broker's return.
 */
describe('fault: broker and ingestor restart under a healthy fleet', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start('fleet-restart');
  });
  afterAll(async () => {
    await fleet?.close();
  });

  /** Every state change of the agents since `since` that says they were lost. */
  const lostChanges = (since: number) =>
    fleet.read(
      (db) =>
        db
          .prepare(
            `SELECT recorder_id AS id, state, since FROM read_v1_state_changes WHERE since >= ? AND state IN ('unavailable', 'offline')
              AND recorder_id IN (${AGENTS.map(() => '?').join(', ')}) ORDER BY since`,
          )
          .all(since, ...AGENTS) as Array<{ id: string; state: string; since: number }>,
    );
  const allOnline = () => AGENTS.every((id) => fleet.recorderState(id) === 'online');
  const sessions = () => fleet.read((db) => AGENTS.map((id) => db.prepare('SELECT bd_seq FROM recorders WHERE id = ?').pluck().get(id) as number));
  /** Every agent online in a session newer than those of `before`: it reconnected and was heard. */
  const allBackSince = (before: number[]) => () => {
    try {
      const now = sessions();
      return allOnline() && now.every((bdSeq, i) => bdSeq > before[i]!);
    } catch {
      return false; // fleet.db busy while the ingestor starts
    }
  };

  /** Polls fleet.db while `during` runs, and for `afterMs` more, collecting any "lost" change. */
  const watch = async (since: number, during: () => Promise<void>, afterMs: number) => {
    const seen = new Map<string, { id: string; state: string; since: number }>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        try {
          for (const change of lostChanges(since)) seen.set(`${change.id}@${change.since}`, change);
        } catch {
          // fleet.db busy while the ingestor starts: the next poll reads it
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await during();
    const until = Date.now() + afterMs;
    await waitFor(
      'the watch',
      () => Date.now(),
      (now) => now >= until,
      afterMs + 10_000,
    );
    polling = false;
    await poller;
    for (const change of lostChanges(since)) seen.set(`${change.id}@${change.since}`, change);
    return [...seen.values()];
  };

  it('never shows a recorder unavailable or offline, and has them all online again within seconds', async () => {
    for (const id of AGENTS) await fleet.agent(id, { heartbeatSeconds: HEARTBEAT_SECONDS });
    // Past the grace of the ingestor's own start, so the grace after a restart is what is tested.
    await waitFor('a settled fleet', allOnline, (ok) => ok, 30_000);

    // 1. Broker and ingestor killed together, started again after about five heartbeats.
    const killedAt = Date.now();
    const sessionsBefore = sessions();
    let bothBackAt = 0;
    let onlineAfterRestart = 0;
    const lostInRestart = await watch(
      killedAt,
      async () => {
        await Promise.all([fleet.ingestor.kill('SIGKILL'), fleet.broker.kill('SIGKILL')]);
        await waitFor(
          'the outage lasting',
          () => Date.now() - killedAt,
          (ms) => ms >= DOWN_MS,
          DOWN_MS + 5_000,
        );
        await fleet.broker.start();
        await fleet.ingestor.start();
        bothBackAt = Date.now();
        await waitFor('all back after the restart', allBackSince(sessionsBefore), (ok) => ok, 30_000);
        onlineAfterRestart = secondsSince(bothBackAt);
      },
      // Past the grace: three heartbeats plus slack after the ingestor subscribed, and more.
      (3 * HEARTBEAT_SECONDS + 4) * 1000,
    );
    const sessionsAfterRestart = sessions();

    // 2. The broker alone killed and started again: the running ingestor reconnects.
    const brokerKilledAt = Date.now();
    let brokerBackAt = 0;
    let brokerOnlineSeconds = 0;
    const lostInBrokerRestart = await watch(
      brokerKilledAt,
      async () => {
        await fleet.broker.kill('SIGKILL');
        await waitFor(
          'the broker outage lasting',
          () => Date.now() - brokerKilledAt,
          (ms) => ms >= DOWN_MS,
          DOWN_MS + 5_000,
        );
        await fleet.broker.start();
        brokerBackAt = Date.now();
        await waitFor('all back after the broker restart', allBackSince(sessionsAfterRestart), (ok) => ok, 30_000);
        brokerOnlineSeconds = secondsSince(brokerBackAt);
      },
      (3 * HEARTBEAT_SECONDS + 4) * 1000,
    );

    console.log(
      `fleet restart: ${lostInRestart.length} lost changes after the restart of both (all online within ${onlineAfterRestart.toFixed(1)} s of the ingestor serving), ` +
        `${lostInBrokerRestart.length} after the broker's restart alone (all back within ${brokerOnlineSeconds.toFixed(1)} s of the broker serving)`,
    );
    expect(lostInRestart).toEqual([]);
    expect(lostInBrokerRestart).toEqual([]);
    // The agents' reconnect backoff is capped by their 2 s heartbeat: back within a few seconds, not a minute.
    expect(onlineAfterRestart).toBeLessThan(3 * HEARTBEAT_SECONDS + 2);
    expect(brokerOnlineSeconds).toBeLessThan(3 * HEARTBEAT_SECONDS + 2);
  }, 300_000);
});

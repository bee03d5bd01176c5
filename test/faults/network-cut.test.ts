import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CuttableLink, Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

const HEARTBEAT_SECONDS = 2;
/** The agent's MQTT keepalive (agent/src/agent.ts): the broker gives a silent client up after 1.5 of them. */
const KEEPALIVE_SECONDS = 30;
/** The bound: not shown online within three heartbeats or 1.5 keepalives, whichever is first, plus two seconds. */
const OFFLINE_WITHIN_MS = Math.min(3 * HEARTBEAT_SECONDS, 1.5 * KEEPALIVE_SECONDS) * 1000 + 2_000;
const CUT_MS = 15_000;

/**
 * Fault 4: the network between a recorder and the fleet cut (nothing closed: packets simply stop,
 * through a relay the test cuts) and the agent frozen with SIGSTOP, each for longer than three
 * heartbeats. The fleet stops showing the recorder online in time and shows it online again
 * within seconds of the resume; what the recorder logged during the cut arrives, once, with the
 * times it was observed, marked historical once the agent knew it was cut off.
 */
describe('fault: network cut', () => {
  let fleet: Fleet;
  let link: CuttableLink;
  beforeAll(async () => {
    fleet = await Fleet.start('network-cut');
    link = new CuttableLink(fleet.ports.mqtt);
    await link.start();
  });
  afterAll(async () => {
    await fleet?.close();
    await link?.close();
  });

  const notOnlineWithin = async (id: string, since: number) => {
    const state = await waitFor(
      `${id} no longer shown online`,
      () => fleet.recorderState(id),
      (s) => s !== 'online',
      OFFLINE_WITHIN_MS + 20_000,
    );
    return { state, afterMs: Date.now() - since };
  };

  it('a cut link, then a frozen agent: offline in time, online again at once, nothing lost or doubled, times kept', async () => {
    const agent = await fleet.agent('rec-cut', { heartbeatSeconds: HEARTBEAT_SECONDS, brokerPort: link.port });
    const writer = agent.writeSteadily(20);
    await waitFor(
      'observations flowing',
      () => fleet.count(agent).stored,
      (n) => n >= 40,
    );

    // 1. The link is cut: the agent keeps observing.
    const before = agent.sent;
    link.cut();
    const cutAt = Date.now();
    const cut = await notOnlineWithin(agent.id, cutAt);
    await waitFor(
      'the agent noticing the silence',
      () => agent.process.lines.some((l) => l.msg === 'no answer from the broker; treating the connection as lost'),
      (ok) => ok,
      30_000,
    );
    const noticedAt = Date.now();
    await waitFor(
      'the cut lasting',
      () => Date.now() - cutAt,
      (ms) => ms >= CUT_MS,
      CUT_MS + 5_000,
    );
    const duringCut = { from: before, to: agent.sent };
    const sessionBefore = fleet.recorderSession(agent.id);
    link.restore();
    const restoredAt = Date.now();
    // Online in its new session as the ingestor knows it: heartbeats the old connection sent into
    // the cut arrive at the restore too, and briefly show it online before that connection's will
    // (a known gap, see docs/ARCHITECTURE.md "Known gaps"). The agent's own "connected" is not
    // enough either: frozen before its birth went out, the old will rightly shows it offline.
    await waitFor(
      'online again after the cut, in a new session',
      () => (fleet.recorderSession(agent.id) > sessionBefore ? fleet.recorderState(agent.id) : 'old session'),
      (s) => s === 'online',
      30_000,
    );
    const onlineAfterCut = secondsSince(restoredAt);

    // 2. The agent frozen (SIGSTOP) for longer than three heartbeats, then resumed.
    agent.process.pause();
    const frozenAt = Date.now();
    const frozen = await notOnlineWithin(agent.id, frozenAt);
    await waitFor(
      'the freeze lasting',
      () => Date.now() - frozenAt,
      (ms) => ms >= 4 * HEARTBEAT_SECONDS * 1000,
      30_000,
    );
    agent.process.resume();
    const resumedAt = Date.now();
    await waitFor(
      'online again after the freeze',
      () => fleet.recorderState(agent.id),
      (s) => s === 'online',
      30_000,
    );
    const onlineAfterFreeze = secondsSince(resumedAt);

    writer.stop();
    const result = await fleet.settle(agent);
    // Observed during the cut: stored with the time each line was written (the agent read it then),
    // and those read once the agent knew it was cut off came marked historical.
    const series = await waitFor(
      'the cut in the time series',
      () => fleet.seriesEvents(agent.id).filter((e) => e.n >= duringCut.from && e.n < duringCut.to),
      (rows) => rows.length === duringCut.to - duringCut.from,
      60_000,
    );
    const lagMs = Math.max(...series.map((e) => Math.abs(e.time - agent.writtenAt[e.n]!)));
    // Read (their stored time) after the agent gave the link up and before it came back: historical.
    const afterNotice = series.filter((e) => e.time > noticedAt + 500 && e.time < restoredAt);
    reportFault({
      name: 'network-cut',
      ...result,
      recoveredSeconds: Math.max(onlineAfterCut, onlineAfterFreeze),
      details: {
        'cut: not online after s': (cut.afterMs / 1000).toFixed(1),
        'frozen: not online after s': (frozen.afterMs / 1000).toFixed(1),
        'bound s': OFFLINE_WITHIN_MS / 1000,
        'observed during the cut': series.length,
        'marked historical': series.filter((e) => e.historical).length,
        'largest time error ms': lagMs,
      },
    });
    expect(cut.afterMs).toBeLessThanOrEqual(OFFLINE_WITHIN_MS);
    expect(frozen.afterMs).toBeLessThanOrEqual(OFFLINE_WITHIN_MS);
    // Nor earlier than missed heartbeats allow (the last one heard came at most one interval before
    // the fault), and as unavailable: anything else is a false state on the dashboard.
    const history = JSON.stringify(fleet.read((db) => db.prepare('SELECT since, state FROM state_changes WHERE recorder_id = ? ORDER BY since').all(agent.id)));
    expect([cut.state, frozen.state], history).toEqual(['unavailable', 'unavailable']);
    expect(Math.min(cut.afterMs, frozen.afterMs), history).toBeGreaterThanOrEqual(2 * HEARTBEAT_SECONDS * 1000);
    expect(onlineAfterCut).toBeLessThan(10);
    expect(onlineAfterFreeze).toBeLessThan(10);
    expect(result).toEqual({ sent: result.sent, stored: result.sent, lost: 0, doubled: 0, unexpected: 0 });
    expect(afterNotice.length).toBeGreaterThan(50);
    expect(afterNotice.filter((e) => !e.historical).map((e) => e.n)).toEqual([]);
    // Stored at when they were observed during the cut (the agent's read time, its 0.2 s poll after
    // the write), not at when they arrived after it.
    // (A line written in the moment before the restore may be read after it: only those written
    // well inside the cut are held to it.)
    const misplaced = series.filter((e) => e.time < agent.writtenAt[e.n]! || (agent.writtenAt[e.n]! < restoredAt - 2_000 && e.time >= restoredAt));
    expect(misplaced.map((e) => ({ n: e.n, written: agent.writtenAt[e.n], stored: e.time }))).toEqual([]);
  }, 300_000);
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { type FaultAgent, Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/** Debian's faketime package: its library shifts the clock of the process it is preloaded into, and of nothing else. */
const FAKETIME = '/usr/bin/faketime';
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const DAY_MS = 86_400_000;
/** How far a stored time may be from when its line was written: the agent's 0.2 s poll, a loaded machine, transit. */
const TIME_TOLERANCE_MS = 5_000;

/**
 * Fault 7: agents whose clocks are a day ahead and a day behind (a real clock shift, faketime
 * preloaded into the agent process only), live and through a backfill after a broker outage.
 * Stored times are corrected as docs/DESIGN.md "Time" says, and nothing is dropped as too old or
 * too new by mistake.
 */
describeWithSystem('fault: agent clock off by a day', [FAKETIME], () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start('clock-skew');
  });
  afterAll(async () => {
    await fleet?.close();
  });

  const skewed = (id: string, shift: '+1d' | '-1d') =>
    fleet.agent(id, {
      env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: shift, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1' },
    });
  const timeErrors = (agent: FaultAgent) => fleet.storedEvents(agent.id).map((e) => Math.abs(e.firstSeen - agent.writtenAt[e.n]!));

  it('a day ahead and a day behind: every observation stored once, at the time it was made, live and after an outage', async () => {
    // They join a fleet that has been running a while, so their births reach the ingestor live
    // (what the broker holds for a restarting ingestor is not believed alone: docs/DESIGN.md "Time").
    const ingestorUp = Number(fleet.ingestor.lines.find((l) => l.msg === 'ingestor connected')?.time ?? Date.now());
    await waitFor(
      'the fleet running a while',
      () => Date.now() - ingestorUp,
      (ms) => ms > 11_000,
      20_000,
    );
    const ahead = await skewed('rec-clock-ahead', '+1d');
    const behind = await skewed('rec-clock-behind', '-1d');
    const agents = [ahead, behind];
    // The shift is real: the agents' own log lines carry their clocks.
    const agentClock = (a: FaultAgent) => Number(a.process.lines.find((l) => typeof l.time === 'number')?.time ?? 0);
    expect(agentClock(ahead) - Date.now()).toBeGreaterThan(DAY_MS - 60_000);
    expect(Date.now() - agentClock(behind)).toBeGreaterThan(DAY_MS - 60_000);

    const writers = agents.map((a) => a.writeSteadily(20));
    await waitFor(
      'live observations stored',
      () => agents.map((a) => fleet.count(a).stored),
      (n) => n.every((x) => x >= 60),
    );
    await fleet.broker.kill('SIGKILL');
    const outage = Date.now();
    await waitFor(
      'an outage long enough to backfill',
      () => Date.now() - outage,
      (ms) => ms >= 5_000,
      10_000,
    );
    await fleet.broker.start();
    const restarted = Date.now();
    await waitFor(
      'both back',
      () => agents.map((a) => a.connections()),
      (n) => n.every((x) => x >= 2),
      60_000,
    );
    await waitFor(
      'some more live',
      () => Date.now() - restarted,
      (ms) => ms >= 3_000,
      10_000,
    );
    for (const w of writers) w.stop();
    const total = await fleet.settleAll(agents);
    const worst = agents.map((a) => Math.max(...timeErrors(a)));
    reportFault({
      name: 'clock-skew',
      ...total,
      recoveredSeconds: secondsSince(restarted),
      details: { 'largest time error +1 d (ms)': worst[0]!, 'largest time error -1 d (ms)': worst[1]! },
    });
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
    expect(worst[0]).toBeLessThan(TIME_TOLERANCE_MS);
    expect(worst[1]).toBeLessThan(TIME_TOLERANCE_MS);
  }, 300_000);
});

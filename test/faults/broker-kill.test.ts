import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/** Fault 2: the broker SIGKILLed while three agents publish, and started again. */
describe('fault: broker killed', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start('broker-kill');
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('while agents publish: every observation stored once, the recorders back online', async () => {
    const agents = await Promise.all(['rec-bk-1', 'rec-bk-2', 'rec-bk-3'].map((id) => fleet.agent(id)));
    const writers = agents.map((a) => a.writeSteadily(100));
    await waitFor(
      'observations flowing',
      () => fleet.count(agents[0]!).stored,
      (n) => n >= 200,
    );
    await fleet.broker.kill('SIGKILL');
    // The recorders keep logging while the broker is gone.
    await waitFor(
      'the agents noticing',
      () => agents.every((a) => a.process.lines.some((l) => l.msg === 'reconnecting')),
      (ok) => ok,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    await fleet.broker.start();
    const restarted = Date.now();
    await waitFor(
      'every agent reconnected',
      () => agents.every((a) => a.connections() >= 2),
      (ok) => ok,
      90_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    for (const w of writers) w.stop();
    const total = await fleet.settleAll(agents);
    const online = await waitFor(
      'every recorder online',
      () => agents.map((a) => fleet.recorderState(a.id)),
      (s) => s.every((x) => x === 'online'),
      60_000,
    );
    reportFault({ name: 'broker-kill', ...total, recoveredSeconds: secondsSince(restarted), details: { agents: agents.length } });
    expect(online).toEqual(['online', 'online', 'online']);
    expect(total.sent).toBeGreaterThan(1_000);
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
  }, 300_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/** Fault 3: the ingestor SIGKILLed mid-stream and started again. */
describe('fault: ingestor killed', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start('ingestor-kill');
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('mid-stream: every observation stored once after its restart', async () => {
    const agents = await Promise.all(['rec-ik-1', 'rec-ik-2'].map((id) => fleet.agent(id)));
    // A burst in flight at the kill, and a steady stream before and after it.
    const writers = agents.map((a) => a.writeSteadily(150));
    await waitFor(
      'observations flowing',
      () => fleet.count(agents[0]!).stored,
      (n) => n >= 300,
    );
    for (const agent of agents) agent.writeLines(2_000);
    await waitFor(
      'the burst half stored',
      () => fleet.count(agents[0]!).stored,
      (n) => n >= 1_300,
      60_000,
    );
    await fleet.ingestor.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 2_000));
    await fleet.ingestor.start();
    const restarted = Date.now();
    await new Promise((r) => setTimeout(r, 2_000));
    for (const w of writers) w.stop();
    const total = await fleet.settleAll(agents);
    reportFault({ name: 'ingestor-kill', ...total, recoveredSeconds: secondsSince(restarted), details: { agents: agents.length } });
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
    expect(agents.map((a) => fleet.recorderState(a.id))).toEqual(['online', 'online']);
  }, 300_000);
});

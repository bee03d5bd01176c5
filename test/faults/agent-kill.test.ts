import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/**
 * Fault 1: the agent SIGKILLed three times, once during a backfill after a broker outage,
 * once during a large log backlog (the defect issue 12 found: lines spooled before a kill were
 * read and spooled again after it).
 */
describe('fault: agent killed', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.start('agent-kill');
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('three times during a backfill after an outage: every observation stored once', async () => {
    // A slow backfill (5 batches of 100 a second), so that the kills land in the middle of it.
    const agent = await fleet.agent('rec-backfill-kill', { spool: { backfillBatchesPerSecond: 5, batchMaxEntries: 100 } });
    await fleet.broker.kill('SIGKILL');
    const N = 6_000;
    agent.writeLines(N);
    await waitFor(
      'the outage collected in the spool',
      () => agent.spooled(),
      (n) => n >= N,
      60_000,
    );
    await fleet.broker.start();
    const restarted = Date.now();
    for (const share of [0.2, 0.45, 0.7]) {
      await waitFor(
        `the backfill ${share * 100}% through`,
        () => fleet.count(agent).stored,
        (n) => n >= N * share,
        120_000,
      );
      await agent.process.kill('SIGKILL');
      await agent.process.start();
    }
    const result = await fleet.settle(agent);
    reportFault({ name: 'agent-kill-backfill', ...result, recoveredSeconds: secondsSince(restarted), details: { kills: 3 } });
    expect(result).toEqual({ sent: N, stored: N, lost: 0, doubled: 0, unexpected: 0 });
  }, 300_000);

  it('three times during a large log backlog: every line stored once', async () => {
    const agent = await fleet.agent('rec-backlog-kill');
    // 20,000 matching lines at once; each kill after the spool has taken about 3,000 more.
    const N = 20_000;
    agent.writeLines(N);
    const started = Date.now();
    for (let kill = 1; kill <= 3; kill++) {
      const target = kill * 3_000;
      await waitFor(
        `about ${target} lines taken`,
        () => fleet.count(agent).stored + agent.spooled(),
        (n) => n >= target,
        120_000,
      );
      await agent.process.kill('SIGKILL');
      await agent.process.start();
    }
    const result = await fleet.settle(agent);
    reportFault({ name: 'agent-kill-backlog', ...result, recoveredSeconds: secondsSince(started), details: { kills: 3 } });
    expect(result).toEqual({ sent: N, stored: N, lost: 0, doubled: 0, unexpected: 0 });
  }, 300_000);
});

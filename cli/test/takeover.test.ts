import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './support/harness.js';

describe('session takeover', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it("a second connection with the same recorder id takes over; the old session's will does not leave it offline", async () => {
    // Two agent processes for one recorder (say, a restarted service whose old process lingers):
    // same spool, so the newcomer's bdSeq is the higher one.
    const first = await harness.inProcessAgent('rec-dup');
    await first.start();
    await waitFor(
      'first online',
      () => harness.ingestor.state.stateOf('rec-dup'),
      (s) => s === 'online',
    );

    const second = await harness.inProcessAgent('rec-dup');
    const stateChanges: string[] = [];
    harness.ingestor.onStateChange((change) => {
      if (change.recorderId === 'rec-dup') stateChanges.push(change.state);
    });
    const db = harness.ingestor.db;
    const before = db.recorder('rec-dup')!.bdSeq;
    await second.start();
    await waitFor(
      'second session born',
      () => db.recorder('rec-dup')!.bdSeq,
      (b) => b > before,
    );
    await first.stop(); // the old process goes away for good (it would otherwise take the id back)

    await new Promise((r) => setTimeout(r, 1_000));
    expect(harness.ingestor.state.stateOf('rec-dup')).toBe('online');
    expect(second.connected).toBe(true);
    // and it never showed as offline on the way
    expect(harness.ingestor.db.recorder('rec-dup')!.state).toBe('online');
    expect(stateChanges.filter((s) => s !== 'online')).toEqual([]);
  });
});

// Backfill: how long an agent takes to drain a spool of 100,000 observations to the ingestor
// after an outage (acknowledged end to end), with the backfill pace limit lifted and at the
// default pace. Run: npm run bench -- agent/backfill
import { join } from 'node:path';
import { Spool, type EventOccurrence } from '@vigil/agent';
import { startHarness, waitFor } from '../../cli/test/support/harness.js';

const N = Number(process.env.BENCH_ENTRIES ?? 100_000);

async function drain(label: string, backfillBatchesPerSecond: number, batchMaxEntries: number): Promise<{ label: string; seconds: number; perSecond: number }> {
  const harness = await startHarness();
  try {
    const id = `bench-${backfillBatchesPerSecond}`;
    await harness.pki.issueDevice(id);
    const spool = new Spool(join(harness.dir, 'agents', id, 'spool.db'), { foldWindowMs: 0 });
    const t0 = Date.now() - 86_400_000;
    const chunk = 10_000;
    for (let i = 0; i < N; i += chunk) {
      spool.addMany(
        Array.from(
          { length: Math.min(chunk, N - i) },
          (_, j): EventOccurrence => ({
            kind: 'event',
            code: 'archive-move-failed',
            subject: `file-${i + j}`,
            firstSeen: t0 + i + j,
            lastSeen: t0 + i + j,
            count: 1,
            severity: 'error',
            message: 'move failed',
          }),
        ),
        true,
      );
    }
    spool.close();
    const agent = await harness.inProcessAgent(id, { spool: { backfillBatchesPerSecond, batchMaxEntries, window: 16, maxMegabytes: 512 } });
    const started = performance.now();
    await agent.start();
    await waitFor(
      'spool drained',
      () => agent.spool.stats().entries,
      (n) => n === 0,
      600_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const stored = harness.ingestor.db.eventsOf(id, 0).length;
    if (stored !== N) throw new Error(`stored ${stored} of ${N}`);
    return { label, seconds, perSecond: N / seconds };
  } finally {
    await harness.close();
  }
}

const results = [
  await drain('pace limit lifted (10,000 batches/s, 500 per batch)', 10_000, 500),
  await drain('default pace (20 batches/s, 500 per batch)', 20, 500),
];
console.log(`backfill of ${N.toLocaleString('en')} spooled observations, acknowledged end to end:`);
for (const r of results) console.log(`  ${r.label}: ${r.seconds.toFixed(1)} s, ${Math.round(r.perSecond).toLocaleString('en')} observations/s`);

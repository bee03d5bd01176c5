import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Spool, type Observation } from '@vigil/agent';
import { describeWithSystem } from '../../testing/system.js';
import { INFLUXD, startInfluxd, type Influxd } from '../../testing/influxd.js';
import { startHarness, waitFor, type Harness } from './support/harness.js';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');

describeWithSystem('ingestor killed with SIGKILL mid-batch, writing to a real InfluxDB', [INFLUXD], () => {
  let influxd: Influxd;
  let harness: Harness;
  let ingestor: ChildProcess | undefined;
  beforeAll(async () => {
    influxd = await startInfluxd();
    await influxd.createDatabase('vigil');
    harness = await startHarness();
    // The child ingestor below takes over the in-process one's identity and persistent session.
    await harness.ingestor.close();
  });
  afterAll(async () => {
    if (ingestor && ingestor.exitCode === null) {
      const exited = new Promise((r) => ingestor!.once('exit', r));
      ingestor.kill('SIGKILL');
      await exited;
    }
    await harness?.close();
    await influxd?.destroy();
  });

  const startIngestor = () =>
    spawn(process.execPath, [VIGIL, 'ingestor', '--data-dir', harness.dir, '--broker-url', harness.brokerUrl, '--metrics-port', '0'], {
      env: { ...process.env, VIGIL_INFLUX_URL: influxd.url, VIGIL_INFLUX_BUCKET: 'vigil', VIGIL_INFLUX_API: 'v1', VIGIL_LOG_LEVEL: 'warn' },
      stdio: 'inherit',
    });
  const count = async (measurement: string, field: string, recorder: string): Promise<number> => {
    const answer = await influxd.query('vigil', `SELECT COUNT("${field}") FROM "${measurement}" WHERE "recorder" = '${recorder}'`);
    return (answer.results[0]?.series?.[0]?.values[0]?.[1] as number | undefined) ?? 0;
  };
  /** Points acknowledged to agents but not yet confirmed by InfluxDB, as the ingestor's fleet.db holds them. */
  const outboxRows = (): number => {
    const db = new Database(join(harness.dir, 'fleet.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT COUNT(*) FROM telemetry_outbox').pluck().get() as number;
    } catch {
      return 0; // the ingestor has not created it yet
    } finally {
      db.close();
    }
  };

  it('every reading and event lands exactly once after a restart', async () => {
    const id = 'rec-ingestor-kill';
    // A long backfill already in the agent's spool: 4,000 drive readings and 1,000 events, in batches of 100.
    await harness.writeAgentConfig(id); // issues the device certificate
    const spool = new Spool(join(harness.dir, 'agents', id, 'spool.db'));
    const N = 4_000;
    const E = 1_000;
    const t0 = Date.now() - 86_400_000;
    const observations: Observation[] = [];
    for (let i = 0; i < N; i++) {
      observations.push({ kind: 'disk', path: 'D:\\', at: t0 + i * 1000, totalBytes: 8e12, freeBytes: 4e12 - i });
      if (i % 4 === 0)
        observations.push({
          kind: 'event',
          code: 'file-delete-failed',
          subject: `file-${i}`,
          firstSeen: t0 + i * 1000,
          lastSeen: t0 + i * 1000,
          count: 1,
          severity: 'warning',
          message: 'locked',
        });
    }
    spool.addMany(observations, true);
    spool.close();

    ingestor = startIngestor();
    const agent = await harness.inProcessAgent(id, { spool: { backfillBatchesPerSecond: 6, batchMaxEntries: 100, ackTimeoutSeconds: 3 } });
    await agent.start();

    // Kill it while batches are flowing: some readings in InfluxDB, some acknowledged to the agent
    // but only in the outbox (InfluxDB is paused for that), others in flight over MQTT.
    await waitFor(
      'backfill under way',
      () => count('disk', 'free_bytes', id),
      (n) => n >= 800,
      40_000,
    );
    await influxd.stop();
    await waitFor('acknowledged batches waiting in the outbox', outboxRows, (n) => n >= 5, 30_000);
    const first = ingestor;
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    await influxd.start();
    const atKill = { influx: await count('disk', 'free_bytes', id), outboxRows: outboxRows(), spool: agent.spool.stats().entries };
    expect(atKill.influx).toBeLessThan(N);
    expect(atKill.outboxRows).toBeGreaterThanOrEqual(5);
    // What the outbox holds was acknowledged: the agent has let go of it and will not send it again.
    expect(atKill.spool).toBeLessThan(N + E - atKill.influx * 1.25);

    ingestor = startIngestor();
    await waitFor(
      'every reading in InfluxDB',
      () => count('disk', 'free_bytes', id),
      (n) => n >= N,
      90_000,
    );
    await waitFor(
      'agent spool drained by acks',
      () => agent.spool.stats().entries,
      (n) => n === 0,
      30_000,
    );
    await waitFor('outbox empty', outboxRows, (n) => n === 0, 30_000);
    expect(await count('disk', 'free_bytes', id)).toBe(N);
    expect(await count('event', 'count', id)).toBe(E);
    // Each event once in fleet.db too: a re-sent batch is recognised by its seq, not applied twice.
    const fleet = new Database(join(harness.dir, 'fleet.db'), { readonly: true });
    const events = fleet.prepare('SELECT COUNT(*) AS n, SUM(count) AS total FROM events WHERE recorder_id = ?').get(id) as { n: number; total: number };
    fleet.close();
    expect(events).toEqual({ n: E, total: E });
    // And the counts InfluxDB keeps per event are 1, not 2.
    const sum = await influxd.query('vigil', `SELECT SUM("count") FROM "event" WHERE "recorder" = '${id}'`);
    expect(sum.results[0]?.series?.[0]?.values[0]?.[1]).toBe(E);
    console.log(
      `ingestor SIGKILL mid-batch: at the kill InfluxDB had ${atKill.influx} of ${N} readings, ${atKill.outboxRows} messages waited in the outbox, ${atKill.spool} entries unacknowledged in the agent's spool; after restart exactly ${N} readings and ${E} events`,
    );
  }, 180_000);
});

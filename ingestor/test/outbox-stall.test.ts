import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker } from '@vigil/broker';
import { FleetPki } from '@vigil/proto/pki';
import { FleetDb, InfluxTelemetryStore, READ_MODEL_VIEWS, startIngestor, type TelemetryPoint } from '../src/index.js';
import { TelemetryOutbox } from '../src/pipeline/outbox.js';
import { startInflux2StandIn } from './support/influx2-stand-in.js';
import { until } from './support/live-ingestor.js';

// The store is a STAND-IN for InfluxDB 2.x (support/influx2-stand-in.ts; no InfluxDB 2 runs
// here) that answers writes with 503, as an overloaded or restarting InfluxDB does.

const quiet = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const tags = { recorder: 'rec-stall', installation: 'SLC-1', site: 'hq', reseller: '' };
const heartbeat = (time: number): TelemetryPoint => ({ measurement: 'heartbeat', tags, fields: { bd_seq: 1 }, time });

describe.each([
  ['on the main thread', false],
  ['on the drain worker', true],
])('an outbox that cannot drain (%s)', (_where, worker) => {
  it('is reported in /healthz (503, degraded, with the reason) and in the read model after VIGIL_OUTBOX_STALL_SECONDS, and clears once the store takes the points', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-outbox-stall-'));
    dirs.push(dir);
    const pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    const broker = await startBroker({ port: 0, tls: pki.broker(), registryPath: pki.registryPath, logger: quiet });
    const influx = await startInflux2StandIn({
      orgs: ['vigil'],
      buckets: [{ name: 'vigil', org: 'vigil' }],
      tokens: { 'stall-token': { org: 'vigil', read: true, write: true } },
      dbrps: [{ db: 'vigil', bucket: 'vigil', org: 'vigil' }],
    });
    influx.unavailable = true;
    // Points a previous run acknowledged and could not deliver: the outbox is not empty at start.
    const dbPath = join(dir, 'data', 'fleet.db');
    const seed = new FleetDb(dbPath);
    new TelemetryOutbox(seed.db).append([heartbeat(Date.UTC(2026, 0, 1)), heartbeat(Date.UTC(2026, 0, 1, 0, 0, 30))]);
    seed.close();

    const metricsPort = await freePort();
    const ingestor = await startIngestor({
      brokerUrl: `mqtts://127.0.0.1:${broker.port}`,
      tls: pki.service('ingestor'),
      recipientPrivateKeyPems: [readFileSync(pki.envelopeKeyPath, 'utf8')],
      signingKeyOf: (id) => pki.signingKeyOf(id),
      dbPath,
      logger: quiet,
      metrics: { port: metricsPort, host: '127.0.0.1' },
      telemetry: new InfluxTelemetryStore({ url: influx.url, token: 'stall-token', org: 'vigil', bucket: 'vigil', maxRetries: 0, maxRetryTimeMs: 500 }),
      outbox: { stallAfterMs: 3_000, worker, maxRetryDelayMs: 300 },
    });
    const healthz = async () => {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
      return {
        status: response.status,
        body: (await response.json()) as { status: string; reasons: string[]; outbox: { points: number; stalledSince: number | null } },
      };
    };
    // The dashboard's view of it: the read model, through a read-only connection.
    const reader = new Database(dbPath, { readonly: true });
    const readModelRow = () =>
      reader.prepare(`SELECT outbox_stalled_since, outbox_points, outbox_last_error FROM ${READ_MODEL_VIEWS.ingestorHealth}`).get() as
        | { outbox_stalled_since: number | null; outbox_points: number; outbox_last_error: string | null }
        | undefined;
    try {
      // Points waiting, but not for long yet: healthy.
      const early = await healthz();
      expect(early.status).toBe(200);
      expect(early.body).toMatchObject({ status: 'ok', reasons: [], outbox: { points: 2, stalledSince: null } });
      expect(readModelRow()?.outbox_stalled_since).toBeNull();
      await ingestor.ready;
      await until('a failed write', () => ingestor.outbox.lastError !== undefined, 15_000);

      const stalledAt = Date.now();
      let stalled = await healthz();
      while (stalled.status === 200 && Date.now() - stalledAt < 20_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stalled = await healthz();
      }
      expect(stalled.status).toBe(503);
      expect(stalled.body.status).toBe('degraded');
      expect(stalled.body.outbox.points).toBe(2);
      expect(stalled.body.reasons[0]).toMatch(
        /telemetry outbox stalled: 2 points have waited \d+ s \(limit 3 s\) without the influxdb store taking any; last error: writing to InfluxDB at .* failed: 503 service unavailable/,
      );
      await until('the stall in the read model', () => typeof readModelRow()?.outbox_stalled_since === 'number', 5_000);
      expect(readModelRow()).toMatchObject({ outbox_points: 2, outbox_last_error: expect.stringMatching(/503/) });

      influx.unavailable = false;
      await until('the outbox drained', () => ingestor.outbox.depth === 0, 20_000);
      await until('the read model cleared', () => readModelRow()?.outbox_stalled_since === null, 5_000);
      const recovered = await healthz();
      expect(recovered.status).toBe(200);
      expect(recovered.body).toMatchObject({ status: 'ok', reasons: [], outbox: { points: 0, stalledSince: null } });
      expect(influx.points.filter((p) => p.measurement === 'heartbeat')).toHaveLength(2);
    } finally {
      reader.close();
      await ingestor.close();
      await broker.close();
      await influx.close();
    }
  }, 60_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { INFLUXD } from '../../testing/influxd.js';
import { useInfluxd } from '../../testing/use-influxd.js';
import { FleetDb, InfluxTelemetryStore, telemetryStoreFromEnv, type TelemetryPoint } from '../src/index.js';
import { TelemetryOutbox } from '../src/pipeline/outbox.js';
import { OutboxDrain } from '../src/pipeline/outbox-drain.js';

const quiet = pino({ level: 'silent' });

/**
 * Three outbox messages for one recorder at `at`: 4 cameras, then "four" (a field type conflict,
 * which InfluxDB refuses with 400), then 5 and 6.
 */
function appendOneRefusedAmongThree(outbox: TelemetryOutbox, recorder: string, at: number): void {
  const tags = { recorder, installation: 'i', site: 's', reseller: '' };
  const licence = (time: number, cameras: number | string): TelemetryPoint => ({ measurement: 'licence', tags, fields: { camera_count: cameras }, time });
  outbox.append([licence(at, 4)]);
  outbox.append([licence(at + 1, 'four')]);
  outbox.append([licence(at + 2, 5), licence(at + 3, 6)]);
}

/** The recorder's licence points as [ms after `at`, cameras]. */
async function licencePoints(store: InfluxTelemetryStore, recorder: string, at: number): Promise<Array<[number, unknown]>> {
  const rows = await store.query({ measurement: 'licence', recorder, field: 'camera_count', from: at, to: at + 10 });
  return rows.map((r) => [r.time - at, r.value]);
}
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-telemetry-config-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('choosing the telemetry store from the environment', () => {
  it('is the embedded SQLite store in <dataDir>/telemetry.db when VIGIL_INFLUX_URL is not set', async () => {
    const dir = tempDir();
    const store = await telemetryStoreFromEnv({}, dir, quiet);
    expect(store.kind).toBe('sqlite');
    await store.close();
    const file = new Database(join(dir, 'telemetry.db'), { readonly: true });
    expect(file.prepare("SELECT name FROM sqlite_master WHERE name = 'points'").pluck().get()).toBe('points');
    file.close();
  });

  it.each([
    [{ VIGIL_INFLUX_BUCKET: 'vigil' }, /VIGIL_INFLUX_TOKEN, VIGIL_INFLUX_BUCKET are set but VIGIL_INFLUX_URL is not: set VIGIL_INFLUX_URL/],
    [{ VIGIL_INFLUX_URL: 'influx.example:8086', VIGIL_INFLUX_BUCKET: 'vigil' }, /VIGIL_INFLUX_URL .*http:\/\/ or https:\/\//],
    [{ VIGIL_INFLUX_URL: 'not a url', VIGIL_INFLUX_BUCKET: 'vigil' }, /VIGIL_INFLUX_URL is "not a url", which is not a URL/],
    [{ VIGIL_INFLUX_URL: 'http://127.0.0.1:8086' }, /VIGIL_INFLUX_BUCKET is not set/],
    [{ VIGIL_INFLUX_URL: 'http://127.0.0.1:8086', VIGIL_INFLUX_BUCKET: 'vigil', VIGIL_INFLUX_API: 'v3' }, /VIGIL_INFLUX_API is "v3": use v2 .* or v1/],
    [{ VIGIL_INFLUX_URL: 'http://admin:hunter2@127.0.0.1:8086', VIGIL_INFLUX_BUCKET: 'vigil' }, /VIGIL_INFLUX_URL carries credentials: .* VIGIL_INFLUX_TOKEN/],
  ])('refuses %j, naming the variable and the fix', async (env, message) => {
    const error = await telemetryStoreFromEnv({ ...env, VIGIL_INFLUX_TOKEN: 'secret-token-123' }, tempDir(), quiet).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('secret-token-123');
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describeWithSystem('the telemetry store and outbox against a real influxd', [INFLUXD], () => {
  const influxd = useInfluxd(['vigil']);

  it('uses InfluxDB when it answers and the database exists; names VIGIL_INFLUX_BUCKET and the fix when it does not', async () => {
    const env = { VIGIL_INFLUX_URL: influxd().url, VIGIL_INFLUX_API: 'v1' };
    const store = await telemetryStoreFromEnv({ ...env, VIGIL_INFLUX_BUCKET: 'vigil' }, tempDir(), quiet);
    expect(store.kind).toBe('influxdb');
    await store.close();
    await expect(telemetryStoreFromEnv({ ...env, VIGIL_INFLUX_BUCKET: 'missing' }, tempDir(), quiet)).rejects.toThrow(
      /no database\/bucket "missing" \(VIGIL_INFLUX_BUCKET\): create it .*CREATE DATABASE/,
    );
  });

  it('starts with an InfluxDB that does not answer yet (points wait in the outbox)', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const store = await telemetryStoreFromEnv(
      { VIGIL_INFLUX_URL: `http://127.0.0.1:${port}`, VIGIL_INFLUX_BUCKET: 'vigil', VIGIL_INFLUX_API: 'v1' },
      tempDir(),
      quiet,
    );
    expect(store.kind).toBe('influxdb');
    await store.close();
  });

  it('the outbox drain sets aside a message InfluxDB refuses and delivers the others', async () => {
    const db = new FleetDb(join(tempDir(), 'fleet.db'));
    const outbox = new TelemetryOutbox(db.db);
    const store = new InfluxTelemetryStore({ url: influxd().url, bucket: 'vigil', api: 'v1' });
    const at = Date.UTC(2026, 1, 1);
    appendOneRefusedAmongThree(outbox, 'rec-refused', at);
    expect(outbox.depth).toBe(4);
    const drain = new OutboxDrain({ outbox, runOn: { thread: 'main', store }, logger: quiet, flushIntervalMs: 10 });
    drain.start();
    await drain.idle();
    await drain.stop();
    expect(outbox.depth).toBe(0);
    expect(outbox.rejectedPoints()).toBe(1);
    expect(await licencePoints(store, 'rec-refused', at)).toEqual([
      [0, 4],
      [2, 5],
      [3, 6],
    ]);
    await store.close();
    db.close();
  });

  it('the drain worker writes to InfluxDB itself, and a message it refuses is set aside while the others land', async () => {
    const dir = tempDir();
    const db = new FleetDb(join(dir, 'fleet.db'));
    const outbox = new TelemetryOutbox(db.db);
    const store = new InfluxTelemetryStore({ url: influxd().url, bucket: 'vigil', api: 'v1' });
    const at = Date.UTC(2026, 1, 2);
    appendOneRefusedAmongThree(outbox, 'rec-refused-worker', at);
    const refused: number[] = [];
    const drain = new OutboxDrain({
      outbox,
      runOn: { thread: 'worker', fleetDbPath: join(dir, 'fleet.db'), store: store.portableConfig() },
      logger: quiet,
      flushIntervalMs: 10,
      onRejected: (points) => refused.push(points),
    });
    drain.start();
    await drain.idle();
    await drain.stop(1_000);
    expect(outbox.depth).toBe(0);
    expect(db.db.prepare('SELECT COUNT(*) FROM telemetry_outbox').pluck().get()).toBe(0);
    expect(outbox.rejectedPoints()).toBe(1);
    expect(refused).toEqual([1]);
    expect(await licencePoints(store, 'rec-refused-worker', at)).toEqual([
      [0, 4],
      [2, 5],
      [3, 6],
    ]);
    await store.close();
    db.close();
  });
});

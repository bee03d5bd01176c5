import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithSystem } from '../../../testing/system.js';
import { INFLUXD } from '../../../testing/influxd.js';
import { useInfluxd } from '../../../testing/use-influxd.js';
import { CHECK_MEASUREMENT, InfluxTelemetryStore, TelemetryConfigError, telemetryStoreFromEnv } from '../../src/index.js';
import { startInflux2StandIn, type Influx2StandIn } from '../support/influx2-stand-in.js';

// The InfluxDB 2.x path runs against a STAND-IN (../support/influx2-stand-in.ts) that answers as
// InfluxDB 2's documented write and query API does: no InfluxDB 2 runs here (Debian has only
// influxd 1.6.7, which has no /api/v2/write, organisations or tokens). The 1.x path runs against
// the real influxd below.

const TOKEN = 'stand-in-token-0123456789';
const READ_ONLY = 'read-only-token-0123456789';
const WRITE_ONLY = 'write-only-token-0123456789';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-influx-v2-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function capturingLogger() {
  const lines: Array<{ level: number; msg: string; url?: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}
const quiet = pino({ level: 'silent' });

async function failure(env: Record<string, string>): Promise<Error> {
  const error = await telemetryStoreFromEnv(env, tempDir(), quiet).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: Error) => e,
  );
  if (!error) throw new Error(`expected ${JSON.stringify(env)} to be refused`);
  return error;
}

describe('InfluxDB 2.x start-up check and write path (against a stand-in, see above)', () => {
  let influx: Influx2StandIn;
  const env = () => ({
    VIGIL_INFLUX_URL: influx.url,
    VIGIL_INFLUX_TOKEN: TOKEN,
    VIGIL_INFLUX_ORG: 'acme-noc',
    VIGIL_INFLUX_BUCKET: 'vigil',
  });
  beforeEach(async () => {
    influx = await startInflux2StandIn({
      orgs: ['acme-noc', 'vigil'],
      buckets: [
        { name: 'vigil', org: 'acme-noc' },
        { name: 'other', org: 'acme-noc' },
        { name: 'vigil', org: 'vigil' },
      ],
      tokens: {
        [TOKEN]: { org: 'acme-noc', read: true, write: true },
        [READ_ONLY]: { org: 'acme-noc', read: true, write: false },
        [WRITE_ONLY]: { org: 'acme-noc', read: false, write: true },
      },
      dbrps: [{ db: 'vigil', bucket: 'vigil', org: 'acme-noc' }],
    });
  });
  afterEach(async () => {
    await influx.close();
  });

  it('writes with the organisation VIGIL_INFLUX_ORG names: the check point, then the data, read back in InfluxQL', async () => {
    const store = await telemetryStoreFromEnv(env(), tempDir(), quiet);
    expect(store.kind).toBe('influxdb');
    // The check wrote one point and read it back through the DBRP mapping.
    expect(influx.points.filter((p) => p.measurement === CHECK_MEASUREMENT)).toMatchObject([{ org: 'acme-noc', bucket: 'vigil' }]);
    const point = {
      measurement: 'disk' as const,
      tags: { recorder: 'rec-1', installation: 'SLC-1', site: 'hq', reseller: 'r1', path: 'E:' },
      fields: { free_bytes: 1_000, total_bytes: 4_000 },
      time: Date.UTC(2026, 2, 1),
    };
    await store.write([point]);
    expect(influx.writes.every((w) => w.org === 'acme-noc' && w.bucket === 'vigil')).toBe(true);
    expect(await store.query({ measurement: 'disk', recorder: 'rec-1', field: 'free_bytes', from: point.time, to: point.time })).toEqual([
      { time: point.time, value: 1_000, tags: { path: 'E:' } },
    ]);
    await store.close();
  });

  it('writes to organisation "vigil" when VIGIL_INFLUX_ORG is not set', async () => {
    influx.setup.tokens[TOKEN] = { org: 'vigil', read: true, write: true };
    influx.setup.dbrps.push({ db: 'vigil', bucket: 'vigil', org: 'vigil' });
    const { VIGIL_INFLUX_ORG: _org, ...withoutOrg } = env();
    const store = await telemetryStoreFromEnv(withoutOrg, tempDir(), quiet);
    expect(influx.writes.map((w) => w.org)).toEqual(['vigil']);
    await store.close();
  });

  it('a wrong token stops the start naming VIGIL_INFLUX_TOKEN, without the token', async () => {
    const error = await failure({ ...env(), VIGIL_INFLUX_TOKEN: 'not-a-known-token-xyz' });
    expect(error).toBeInstanceOf(TelemetryConfigError);
    expect(error.message).toMatch(/refused the token: set VIGIL_INFLUX_TOKEN to a token that may write and read bucket "vigil" of organisation "acme-noc"/);
    expect(error.message).toMatch(/401/);
    expect(error.message).not.toContain('not-a-known-token-xyz');
  });

  it.each([
    ['may not write', READ_ONLY, /403/],
    ['may not read', WRITE_ONLY, /reading database "vigil" in InfluxQL .*403/],
  ])('a token that %s stops the start naming VIGIL_INFLUX_TOKEN', async (_what, token, detail) => {
    const error = await failure({ ...env(), VIGIL_INFLUX_TOKEN: token });
    expect(error.message).toMatch(/set VIGIL_INFLUX_TOKEN/);
    expect(error.message).toMatch(detail);
    expect(error.message).not.toContain(token);
  });

  it('an unknown organisation stops the start naming VIGIL_INFLUX_ORG (the 404 that used to fill the outbox)', async () => {
    const error = await failure({ ...env(), VIGIL_INFLUX_ORG: 'acme' });
    expect(error.message).toMatch(/has no organisation "acme" \(VIGIL_INFLUX_ORG\): set VIGIL_INFLUX_ORG to the organisation that owns bucket "vigil"/);
    expect(error.message).toMatch(/organization name "acme" not found/);
  });

  it('an unknown bucket stops the start naming VIGIL_INFLUX_BUCKET and how to create it', async () => {
    const error = await failure({ ...env(), VIGIL_INFLUX_BUCKET: 'vigil-typo' });
    expect(error.message).toMatch(/no database\/bucket "vigil-typo" \(VIGIL_INFLUX_BUCKET\): create it .*influx bucket create -n vigil-typo -o acme-noc/);
  });

  it('a bucket without the DBRP mapping InfluxQL reads need stops the start, saying how to map it', async () => {
    influx.setup.dbrps.length = 0;
    const error = await failure(env());
    expect(error.message).toMatch(/no DBRP mapping for database "vigil" \(VIGIL_INFLUX_BUCKET\).*influx v1 dbrp create --db vigil --rp autogen --default/);
  });

  it('a DBRP mapping that leads to another bucket is found by reading the check point back', async () => {
    influx.setup.dbrps[0] = { db: 'vigil', bucket: 'other', org: 'acme-noc' };
    const store = new InfluxTelemetryStore({ url: influx.url, token: TOKEN, org: 'acme-noc', bucket: 'vigil' });
    await expect(store.check({ write: true, readBackWithinMs: 300 })).rejects.toMatchObject({ problem: 'read-back' });
    await store.close();
    // Through the environment (the default read-back wait of 5 s).
    const error = await failure(env());
    expect(error.message).toMatch(/InfluxQL reads of database "vigil" \(VIGIL_INFLUX_BUCKET\) do not see what was written .* leads to another bucket/);
  }, 20_000);

  it('the dashboard (a reader) only queries: it writes no check point', async () => {
    const store = await telemetryStoreFromEnv({ ...env(), VIGIL_INFLUX_TOKEN: READ_ONLY }, tempDir(), quiet, { readerOnly: true });
    expect(influx.writes).toEqual([]);
    await store.close();
  });

  it('an InfluxDB that does not answer yet does not stop the start; the warning names VIGIL_INFLUX_URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const { logger, lines } = capturingLogger();
    const store = await telemetryStoreFromEnv({ ...env(), VIGIL_INFLUX_URL: `http://127.0.0.1:${port}` }, tempDir(), logger);
    expect(store.kind).toBe('influxdb');
    expect(lines.find((line) => line.level === 40)?.msg).toMatch(/does not answer yet \(VIGIL_INFLUX_URL\)/);
    await store.close();
  });
});

describeWithSystem('the start-up check against a real influxd 1.6', [INFLUXD], () => {
  const influxd = useInfluxd(['vigil']);

  it('1.x (VIGIL_INFLUX_API=v1): writes the check point to the database and reads it back', async () => {
    const store = await telemetryStoreFromEnv({ VIGIL_INFLUX_URL: influxd().url, VIGIL_INFLUX_BUCKET: 'vigil', VIGIL_INFLUX_API: 'v1' }, tempDir(), quiet);
    await store.close();
    const answer = await influxd().query('vigil', `SELECT "nonce" FROM "${CHECK_MEASUREMENT}"`);
    expect(answer.results[0]?.series?.[0]?.values).toHaveLength(1);
  });

  it('1.x with a missing database names VIGIL_INFLUX_BUCKET and CREATE DATABASE', async () => {
    const error = await failure({ VIGIL_INFLUX_URL: influxd().url, VIGIL_INFLUX_BUCKET: 'missing', VIGIL_INFLUX_API: 'v1' });
    expect(error.message).toMatch(/no database\/bucket "missing" \(VIGIL_INFLUX_BUCKET\): create it .*CREATE DATABASE "missing"/);
  });

  it('VIGIL_INFLUX_API=v2 (the default) against an InfluxDB before 1.8, which has no /api/v2/write, says to use v1', async () => {
    const error = await failure({ VIGIL_INFLUX_URL: influxd().url, VIGIL_INFLUX_BUCKET: 'vigil' });
    expect(error.message).toMatch(/has no \/api\/v2\/write \(VIGIL_INFLUX_API=v2\): use VIGIL_INFLUX_API=v1 for InfluxDB before 1.8/);
  });
});

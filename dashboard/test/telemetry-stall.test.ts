import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb } from '@vigil/ingestor';
import { as, logIn, startFixture, type Fixture } from './support/fixture.js';

// The ingestor writes a stalled telemetry outbox into fleet.db's read model
// (read_v1_ingestor_health); the dashboard tells NOC and admin in GET /api/me, which the page
// polls for its banner. ingestor/test/outbox-stall.test.ts covers the ingestor's side.
describe('a stalled telemetry outbox on the dashboard', () => {
  let fx: Fixture;
  let ingestor: FleetDb;
  beforeAll(async () => {
    fx = await startFixture();
    // Standing in for the ingestor process: fleet.db's writer.
    ingestor = new FleetDb(join(fx.dir, 'fleet.db'));
  });
  afterAll(async () => {
    ingestor.close();
    await fx.close();
  });

  const me = async (username: string) => (await as(fx.dashboard, await logIn(fx.dashboard, username), 'GET', '/api/me')).json();

  it('is in /api/me for NOC and admin while it lasts, never for resellers, and gone once the outbox drains', async () => {
    expect(await me('noc')).toEqual({ user: { username: 'noc', role: 'noc' } });

    const since = Date.now() - 400_000;
    ingestor.setOutboxHealth(
      { stalledSince: since, points: 1234, lastError: 'writing to InfluxDB at http://influxdb:8086 failed: 401 unauthorized access' },
      Date.now(),
    );
    const stall = { since, points: 1234, lastError: 'writing to InfluxDB at http://influxdb:8086 failed: 401 unauthorized access' };
    expect(await me('noc')).toEqual({ user: { username: 'noc', role: 'noc' }, telemetryStall: stall });
    expect((await me('admin')).telemetryStall).toEqual(stall);
    expect(await me('alice')).toEqual({ user: { username: 'alice', role: 'reseller' } });

    ingestor.setOutboxHealth({ stalledSince: undefined, points: 0, lastError: undefined }, Date.now());
    expect(await me('admin')).toEqual({ user: { username: 'admin', role: 'admin' } });
  });
});

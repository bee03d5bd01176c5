import { expect, it } from 'vitest';
import { describeWithSystem } from '../../../testing/system.js';
import { INFLUXD } from '../../../testing/influxd.js';
import { useInfluxd } from '../../../testing/use-influxd.js';
import { InfluxTelemetryStore } from '../../src/index.js';
import { telemetryStoreContract } from './contract.js';

describeWithSystem('InfluxTelemetryStore against a real influxd', [INFLUXD], () => {
  const influxd = useInfluxd(['vigil']);

  // Debian's influxd is 1.6, which has no /api/v2/write: the v1 write path, as VIGIL_INFLUX_API=v1 sets it.
  telemetryStoreContract(async () => ({ open: async () => new InfluxTelemetryStore({ url: influxd().url, bucket: 'vigil', api: 'v1' }) }));

  it('check() passes for an existing database and names the problem for a missing one', async () => {
    const good = new InfluxTelemetryStore({ url: influxd().url, bucket: 'vigil', api: 'v1' });
    await good.check();
    await good.close();
    const missing = new InfluxTelemetryStore({ url: influxd().url, bucket: 'nope', api: 'v1' });
    await expect(missing.check()).rejects.toThrow(/database not found: nope/);
    await missing.close();
  });

  it('write() rejects while InfluxDB is down, and the same points land once it is back', async () => {
    const store = new InfluxTelemetryStore({ url: influxd().url, bucket: 'vigil', api: 'v1', maxRetries: 1, maxRetryTimeMs: 2_000 });
    const point = {
      measurement: 'heartbeat' as const,
      tags: { recorder: 'down-1', installation: 'i', site: 's', reseller: '' },
      fields: { bd_seq: 1 },
      time: Date.UTC(2026, 0, 1),
    };
    await influxd().stop();
    try {
      await expect(store.write([point])).rejects.toThrow(/writing to InfluxDB .* failed/);
    } finally {
      await influxd().start();
    }
    await store.write([point]);
    expect(await store.query({ measurement: 'heartbeat', recorder: 'down-1', field: 'bd_seq', from: point.time, to: point.time })).toEqual([
      { time: point.time, value: 1, tags: {} },
    ]);
    await store.close();
  });

  it('a point InfluxDB refuses rejects write() with InfluxRejectedError, not a retry loop', async () => {
    const store = new InfluxTelemetryStore({ url: influxd().url, bucket: 'vigil', api: 'v1' });
    const base = { measurement: 'licence' as const, tags: { recorder: 'types-1', installation: 'i', site: 's', reseller: '' }, time: Date.UTC(2026, 0, 1) };
    await store.write([{ ...base, fields: { camera_count: 4 } }]);
    // The same field as a string now: a field type conflict, which InfluxDB answers with 400.
    await expect(store.write([{ ...base, time: base.time + 1, fields: { camera_count: 'four' } }])).rejects.toMatchObject({
      name: 'InfluxRejectedError',
      statusCode: 400,
    });
    await store.close();
  });
});

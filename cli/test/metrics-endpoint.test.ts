import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@vigil/proto/wire';
import { resolveSettings, startFleet, type RunningFleet } from '../src/index.js';

/**
 * Under vigil up one /metrics endpoint (the broker's) serves the broker and the ingestor. The
 * ingestor's counting of bad input itself is tested in ingestor/test/bad-input.test.ts (moved
 * from cli/test/ingestor-bad-input.test.ts, whose last assertion this keeps).
 */
describe('the metrics endpoint of vigil up', () => {
  let dir: string;
  let fleet: RunningFleet;
  let client: MqttClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-metrics-endpoint-'));
    const settings = resolveSettings(
      { dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0' },
      { VIGIL_ADMIN_PASSWORD: 'metrics-admin' },
    );
    fleet = await startFleet(settings, pino({ level: 'silent' }));
    const bundle = await fleet.pki.issueDevice('rec-metrics');
    client = await connectAsync(fleet.brokerUrl, {
      clientId: 'rec-metrics',
      cert: readFileSync(bundle.cert),
      key: readFileSync(bundle.key),
      ca: readFileSync(bundle.ca),
      reconnectPeriod: 0,
    });
  });

  afterAll(async () => {
    await client?.endAsync();
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the broker and the ingestor on one endpoint', async () => {
    await client.publishAsync(topics.recorder('rec-metrics', 'hb'), Buffer.from('definitely not an envelope'), { qos: 1 });
    const deadline = Date.now() + 5_000;
    while ((fleet.ingestor.stats.dropped.malformed ?? 0) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const text = await (await fetch(`http://127.0.0.1:${fleet.broker.metricsPort}/metrics`)).text();
    expect(text).toContain('vigil_ingestor_messages_dropped_total{reason="malformed"} 1');
    expect(text).toMatch(/vigil_broker_connections \d/); // one endpoint serves the broker and the ingestor under vigil up
  });
});

/**
 * The system under fuzz, in its own process so the test can force a GC and read its RSS (node
 * --expose-gc) and see a crash as an exit: a broker (TLS, fleet CA, registry) and an ingestor,
 * with both on one /metrics endpoint as under `vigil up`. argv[2] is a temp dir; the PKI is made
 * there so the test can read the device bundles. Messages: 'rss' answers { rss } after a full GC.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startBroker } from '@vigil/broker';
import { startIngestor } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';

const dir = process.argv[2];
if (!dir || !process.send) throw new Error('usage: fork(fuzz-target.ts, [dir]) with an IPC channel');
const quiet = pino({ level: 'silent' });
const pki = new FleetPki(join(dir, 'pki'));
await pki.init();
for (const id of ['rec-fuzz', 'rec-raw', 'rec-calm']) await pki.issueDevice(id);
const broker = await startBroker({
  port: 0,
  metricsPort: 0,
  tls: pki.broker(),
  registryPath: pki.registryPath,
  logger: quiet,
  // The rate limit is tested on its own (broker/test/broker.test.ts); here it would only slow the fuzz down.
  limits: { publishesPerSecond: 1_000_000 },
});
const ingestor = await startIngestor({
  brokerUrl: `mqtts://127.0.0.1:${broker.port}`,
  tls: pki.service('ingestor'),
  recipientPrivateKeyPems: [readFileSync(pki.envelopeKeyPath, 'utf8')],
  signingKeyOf: (id) => pki.signingKeyOf(id),
  dbPath: join(dir, 'data', 'fleet.db'),
  logger: quiet,
});
await ingestor.ready;
broker.serveMetricsOf(ingestor.metrics.registry);

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (message) => {
  if (message !== 'rss') return;
  gc?.();
  gc?.();
  process.send?.({ rss: process.memoryUsage().rss, gc: gc !== undefined });
});
process.send({ port: broker.port, metricsPort: broker.metricsPort });

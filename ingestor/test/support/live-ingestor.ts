import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { EnvelopeSealer } from '@vigil/proto/envelope';
import { FleetPki } from '@vigil/proto/pki';
import { startIngestor, type IngestorOptions, type RunningIngestor } from '../../src/index.js';

const quiet = pino({ level: 'silent' });

/**
 * A real broker (TLS, fleet CA) and the ingestor in this process, in a temp dir, with device
 * clients that publish sealed envelopes: the ingestor as a fleet sees it, without the CLI.
 */
export async function startLiveIngestor(options: Partial<IngestorOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-live-ingestor-'));
  const pki = new FleetPki(join(dir, 'pki'));
  await pki.init();
  const broker: RunningBroker = await startBroker({ port: 0, tls: pki.broker(), registryPath: pki.registryPath, logger: quiet });
  const brokerUrl = `mqtts://127.0.0.1:${broker.port}`;
  const ingestor: RunningIngestor = await startIngestor({
    brokerUrl,
    tls: pki.service('ingestor'),
    recipientPrivateKeyPems: [readFileSync(pki.envelopeKeyPath, 'utf8')],
    signingKeyOf: (id) => pki.signingKeyOf(id),
    dbPath: join(dir, 'data', 'fleet.db'),
    logger: quiet,
    ...options,
  });
  await ingestor.ready;
  const clients: MqttClient[] = [];

  return {
    dir,
    pki,
    broker,
    brokerUrl,
    ingestor,
    /** Issues the device's bundle and connects as it; `sealer` seals as it. */
    async device(recorderId: string) {
      const bundle = await pki.issueDevice(recorderId);
      const client = await connectAsync(brokerUrl, {
        clientId: recorderId,
        cert: readFileSync(bundle.cert),
        key: readFileSync(bundle.key),
        ca: readFileSync(bundle.ca),
        reconnectPeriod: 0,
      });
      clients.push(client);
      const signingKeyPem = readFileSync(bundle.signingKey, 'utf8');
      const recipientPublicKeyPem = readFileSync(bundle.recipientPublicKey, 'utf8');
      return { client, signingKeyPem, recipientPublicKeyPem, sealer: new EnvelopeSealer({ sender: recorderId, signingKeyPem, recipientPublicKeyPem }) };
    },
    /** Connects as a service (e.g. the dashboard). */
    async service(name: string, clientId: string) {
      const tls = pki.service(name);
      const client = await connectAsync(brokerUrl, {
        clientId,
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        ca: readFileSync(tls.ca),
        reconnectPeriod: 0,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.endAsync().catch(() => undefined)));
      await ingestor.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

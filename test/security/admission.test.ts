import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { FleetPki, type DeviceRegistryFile, type TlsIdentityFiles } from '@vigil/proto/pki';

/** Connects and resolves on CONNACK, or rejects (a TLS 1.3 refusal of the certificate can arrive as a plain close). */
const attempt = (url: string, options: IClientOptions) =>
  new Promise<MqttClient>((resolve, reject) => {
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => {
      client.end(true);
      reject(new Error('connection closed before CONNACK'));
    });
  });

/**
 * Identity refusals with real MQTT clients on both MQTT ports. The MQTT/TLS port's refusals of no
 * certificate, a foreign CA, an expired certificate, a reissued one and a revoked recorder are in
 * broker/test (see README.md here); this adds a CA-signed recorder certificate that is not in the
 * registry, and the same refusals on the WebSocket port.
 */
describe('admission: who may connect, on the MQTT and the WebSocket port', () => {
  let dir: string;
  let pki: FleetPki;
  let foreign: FleetPki;
  let broker: RunningBroker;
  const clients: MqttClient[] = [];
  const urls = () => ({ mqtt: `mqtts://127.0.0.1:${broker.port}`, websocket: `wss://127.0.0.1:${broker.wssPort}/mqtt` });
  const tls = (identity: TlsIdentityFiles | undefined, ca = pki.caCertPath) => {
    const files = { ca: readFileSync(ca), ...(identity ? { cert: readFileSync(identity.cert), key: readFileSync(identity.key) } : {}) };
    return { ...files, wsOptions: files };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-sec-admission-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    for (const id of ['rec-ok', 'rec-ghost']) await pki.issueDevice(id);
    await pki.issueDevice('rec-expired', { notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    // rec-ghost holds a certificate the fleet CA signed, but the registry does not list it (as a
    // certificate signed outside "vigil pki issue" would be)
    const registry = JSON.parse(readFileSync(pki.registryPath, 'utf8')) as DeviceRegistryFile;
    delete registry.recorders['rec-ghost'];
    writeFileSync(pki.registryPath, JSON.stringify(registry));
    foreign = new FleetPki(join(dir, 'foreign'));
    await foreign.init();
    await foreign.issueDevice('rec-ok');
    broker = await startBroker({
      port: 0,
      wssPort: 0,
      tls: pki.broker(),
      registryPath: pki.registryPath,
      logger: pino({ level: 'silent' }),
      reloadIntervalMs: 200,
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const port of ['mqtt', 'websocket'] as const) {
    it(`${port}: admits a registered recorder, and refuses an unregistered one with a fleet-CA certificate`, async () => {
      const ok = await attempt(urls()[port], { clientId: 'rec-ok', ...tls(pki.device('rec-ok')) });
      clients.push(ok);
      expect(ok.connected).toBe(true);
      const before = broker.stats.refused['not-admitted'] ?? 0;
      await expect(attempt(urls()[port], { clientId: 'rec-ghost', ...tls(pki.device('rec-ghost')) })).rejects.toThrow(/Not authorized/);
      expect(broker.stats.refused['not-admitted']).toBe(before + 1);
    });

    it(`${port}: refuses no certificate, a foreign CA's and an expired one`, async () => {
      const before = broker.stats.refused['tls-handshake'] ?? 0;
      await expect(attempt(urls()[port], { clientId: 'rec-ok', ...tls(undefined) })).rejects.toThrow();
      await expect(attempt(urls()[port], { clientId: 'rec-ok', ...tls(foreign.device('rec-ok')) })).rejects.toThrow();
      await expect(attempt(urls()[port], { clientId: 'rec-expired', ...tls(pki.device('rec-expired')) })).rejects.toThrow();
      expect(broker.stats.refused['tls-handshake']).toBe(before + 3);
    });
  }
});

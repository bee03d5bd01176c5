import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetPki, type TlsIdentityFiles } from '@vigil/proto/pki';
import { canPublish, canSubscribe, filterCovers, startBroker, type RunningBroker } from '../src/index.js';

describe('topic ACL rules', () => {
  const device = { role: 'recorder', id: 'rec-a' } as const;
  const ingestor = { role: 'service', id: 'ingestor' } as const;

  it('lets a device publish only its own recorder topics', () => {
    expect(canPublish(device, 'vigil/v1/rec/rec-a/hb')).toBe(true);
    expect(canPublish(device, 'vigil/v1/rec/rec-a/death')).toBe(true);
    expect(canPublish(device, 'vigil/v1/rec/rec-b/hb')).toBe(false);
    expect(canPublish(device, 'vigil/v1/rec/rec-a/data')).toBe(true);
    expect(canPublish(device, 'vigil/v1/rec/rec-a/other')).toBe(false);
    expect(canPublish(device, 'vigil/v1/rec/rec-ab/hb')).toBe(false);
    expect(canPublish(device, 'vigil/v1/rec/rec-a/hb/x')).toBe(false);
    expect(canPublish(device, 'vigil/v1/rec/rec-a/')).toBe(false);
    expect(canPublish(device, 'vigil/v1/rec/rec-a')).toBe(false);
    expect(canPublish({ role: 'recorder', id: 'rec-a/hb' }, 'vigil/v1/rec/rec-a/hb/data')).toBe(false);
    expect(canPublish(device, 'vigil/v1/ack/rec-a')).toBe(false);
    expect(canPublish(device, 'vigil/v1/state/rec-a')).toBe(false);
  });

  it('lets a device subscribe only to its own ack and cmd topics', () => {
    expect(canSubscribe(device, 'vigil/v1/ack/rec-a')).toBe(true);
    expect(canSubscribe(device, 'vigil/v1/cmd/rec-a')).toBe(true);
    expect(canSubscribe(device, 'vigil/v1/cmd/rec-b')).toBe(false);
    expect(canSubscribe(device, 'vigil/v1/cmd/+')).toBe(false);
    expect(canSubscribe(device, '#')).toBe(false);
  });

  it('gives services their own, broader rights', () => {
    expect(canSubscribe(ingestor, 'vigil/v1/rec/+/+')).toBe(true);
    expect(canPublish(ingestor, 'vigil/v1/ack/rec-a')).toBe(true);
    expect(canSubscribe(ingestor, '#')).toBe(false);
    expect(canPublish(ingestor, 'vigil/v1/rec/rec-a/hb')).toBe(false);
  });

  it('compares topic filters level by level', () => {
    expect(filterCovers('a/+/c', 'a/b/c')).toBe(true);
    expect(filterCovers('a/+/c', 'a/#')).toBe(false);
    expect(filterCovers('a/#', 'a/b/c')).toBe(true);
    expect(filterCovers('a/+', 'a/b/c')).toBe(false);
  });
});

describe('broker with real TLS clients', () => {
  let dir: string;
  let pki: FleetPki;
  let broker: RunningBroker;
  const clients: MqttClient[] = [];

  const connect = async (clientId: string, identity: TlsIdentityFiles) => {
    const client = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      clientId,
      cert: readFileSync(identity.cert),
      key: readFileSync(identity.key),
      ca: readFileSync(identity.ca),
      reconnectPeriod: 0,
      protocolVersion: 4,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-broker-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    await pki.issueDevice('rec-a');
    await pki.issueDevice('rec-b');
    broker = await startBroker({ port: 0, tls: pki.broker(), logger: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("acknowledges and drops a device's publish into another recorder's topics, and keeps it connected", async () => {
    const ingestor = await connect('service:ingestor', pki.service('ingestor'));
    const received: string[] = [];
    ingestor.on('message', (topic) => received.push(topic));
    await ingestor.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });

    const deviceA = await connect('rec-a', pki.device('rec-a'));
    let closed = false;
    deviceA.on('close', () => {
      closed = true;
    });

    // QoS 1: resolves only when the broker PUBACKs
    await deviceA.publishAsync('vigil/v1/rec/rec-b/hb', 'forged', { qos: 1 });
    await deviceA.publishAsync('vigil/v1/rec/rec-a/hb', 'genuine', { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(received).toEqual(['vigil/v1/rec/rec-a/hb']);
    expect(broker.stats.drops['publish-denied']).toBe(1);
    expect(closed).toBe(false);
    expect(deviceA.connected).toBe(true);
  });

  it("refuses a subscription to another recorder's commands, but grants its own", async () => {
    const deviceA = await connect('rec-a', pki.device('rec-a'));
    // mqtt.js turns a SUBACK return code of 128 (failure) into a rejection
    await expect(deviceA.subscribeAsync('vigil/v1/cmd/rec-b', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(deviceA.subscribeAsync('vigil/v1/ack/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const granted = await deviceA.subscribeAsync('vigil/v1/cmd/rec-a', { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    expect(broker.stats.drops['subscribe-denied']).toBe(2);
    expect(deviceA.connected).toBe(true);
  });

  it('refuses a device whose client id is not its certificate id', async () => {
    await expect(connect('rec-b', pki.device('rec-a'))).rejects.toThrow(/Identifier rejected/i);
  });

  it('refuses a client without a certificate at the TLS handshake', async () => {
    await expect(
      connectAsync(`mqtts://127.0.0.1:${broker.port}`, { clientId: 'rec-a', ca: readFileSync(pki.caCertPath), reconnectPeriod: 0, connectTimeout: 5000 }),
    ).rejects.toThrow();
  });
});

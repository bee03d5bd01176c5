import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect, connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetPki, type TlsIdentityFiles } from '@vigil/proto/pki';
import { attempt, waitFor } from './support/clients.js';
import { startBroker, type BrokerLimits, type RunningBroker } from '../src/index.js';

/** A broker of its own with these limits and recorders, for a test that needs them; closed and removed after `run`. */
async function withOwnBroker(prefix: string, devices: string[], limits: Partial<BrokerLimits>, run: (broker: RunningBroker, pki: FleetPki) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const pki = new FleetPki(join(dir, 'pki'));
  await pki.init();
  for (const id of devices) await pki.issueDevice(id);
  const broker = await startBroker({ port: 0, metricsPort: 0, tls: pki.broker(), registryPath: pki.registryPath, logger: pino({ level: 'silent' }), limits });
  try {
    await run(broker, pki);
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('broker: identity, limits, sessions, observability', () => {
  let dir: string;
  let pki: FleetPki;
  let foreign: FleetPki;
  let broker: RunningBroker;
  const clients: MqttClient[] = [];

  const options = (clientId: string, identity: TlsIdentityFiles, extra: IClientOptions = {}): IClientOptions => ({
    clientId,
    cert: readFileSync(identity.cert),
    key: readFileSync(identity.key),
    ca: readFileSync(pki.caCertPath),
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    protocolVersion: 4,
    ...extra,
  });
  const open = async (clientId: string, identity: TlsIdentityFiles, extra: IClientOptions = {}, url = `mqtts://127.0.0.1:${broker.port}`) => {
    const client = await attempt(url, options(clientId, identity, extra));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-broker2-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    for (const id of ['rec-a', 'rec-b', 'rec-revoked', 'rec-flood', 'rec-big', 'rec-twice', 'rec-ws', 'rec-pingresp']) await pki.issueDevice(id);
    await pki.issueDevice('rec-expired', { notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    foreign = new FleetPki(join(dir, 'foreign'));
    await foreign.init();
    await foreign.issueDevice('rec-a');
    broker = await startBroker({
      port: 0,
      wssPort: 0,
      metricsPort: 0,
      tls: pki.broker(),
      registryPath: pki.registryPath,
      logger: pino({ level: 'silent' }),
      reloadIntervalMs: 200,
      limits: { maxPacketBytes: 64 * 1024, publishesPerSecond: 50 },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an expired certificate and one from a foreign CA at the TLS handshake', async () => {
    await expect(open('rec-expired', pki.device('rec-expired'))).rejects.toThrow();
    await expect(attempt(`mqtts://127.0.0.1:${broker.port}`, options('rec-a', foreign.device('rec-a')))).rejects.toThrow();
    expect(broker.stats.refused['tls-handshake']).toBeGreaterThanOrEqual(2);
  });

  it('refuses TLS older than 1.2', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: broker.port,
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
        ca: readFileSync(pki.caCertPath),
        cert: readFileSync(pki.device('rec-a').cert),
        key: readFileSync(pki.device('rec-a').key),
      });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error) => resolve(error.message));
    });
    expect(outcome).not.toBe('connected');
  });

  it('negotiates AES-128-GCM on TLS 1.3, forward-secret AEAD suites only on TLS 1.2', async () => {
    const handshake = (extra: { maxVersion?: 'TLSv1.2'; ciphers?: string }) =>
      new Promise<string>((resolve) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: broker.port,
          ca: readFileSync(pki.caCertPath),
          cert: readFileSync(pki.device('rec-a').cert),
          key: readFileSync(pki.device('rec-a').key),
          ...extra,
        });
        socket.once('secureConnect', () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
          socket.destroy();
        });
        socket.once('error', (error) => resolve(error.message));
      });
    expect(await handshake({})).toBe('TLSv1.3 TLS_AES_128_GCM_SHA256');
    expect(await handshake({ maxVersion: 'TLSv1.2' })).toMatch(/^TLSv1\.2 ECDHE-(ECDSA|RSA)-AES128-GCM-SHA256$/);
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:AES128-SHA' })).not.toMatch(/^TLSv1\.2 /);
  });

  it('delivers everything, in order, to a subscriber that stops reading and then catches up', async () => {
    const device = await open('rec-a', pki.device('rec-a'));
    const received: number[] = [];
    device.on('message', (_topic, payload) => received.push(payload.readUInt32BE(0)));
    await device.subscribeAsync('vigil/v1/cmd/rec-a', { qos: 1 });
    const dashboard = await open('service:dashboard-burst', pki.service('dashboard'));
    // The device stops reading: the broker's socket to it fills, its writes (batched per loop turn)
    // report the full buffer, and delivery has to wait for 'drain'.
    device.stream.pause();
    const count = 300;
    await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const payload = Buffer.alloc(16 * 1024);
        payload.writeUInt32BE(i);
        return dashboard.publishAsync('vigil/v1/cmd/rec-a', payload, { qos: 1 });
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(received.length).toBeLessThan(count);
    device.stream.resume();
    await waitFor('every message at the device', () => received.length === count, 10_000);
    expect(received).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('refuses a recorder that is not in the registry and one whose certificate was reissued', async () => {
    const stranger = new FleetPki(join(dir, 'pki'));
    const old = { cert: readFileSync(pki.device('rec-b').cert), key: readFileSync(pki.device('rec-b').key) };
    await stranger.issueDevice('rec-b'); // reissued: the old certificate is no longer the current one
    await expect(
      attempt(`mqtts://127.0.0.1:${broker.port}`, { clientId: 'rec-b', ...old, ca: readFileSync(pki.caCertPath), reconnectPeriod: 0 }),
    ).rejects.toThrow(/Not authorized/);
    await open('rec-b', pki.device('rec-b'));
    expect(broker.stats.refused['not-admitted']).toBeGreaterThanOrEqual(1);
  });

  it('drops a live connection within seconds of "vigil pki revoke", and refuses it afterwards', async () => {
    const client = await open('rec-revoked', pki.device('rec-revoked'));
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    const started = Date.now();
    pki.revoke('rec-revoked');
    await closed;
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(open('rec-revoked', pki.device('rec-revoked'))).rejects.toThrow(/Not authorized/);
  });

  it('closes a connection that sends a packet over the size limit, and nobody else', async () => {
    const bystander = await open('rec-a', pki.device('rec-a'));
    const big = await open('rec-big', pki.device('rec-big'));
    const closed = new Promise<void>((r) => big.once('close', () => r()));
    big.publish('vigil/v1/rec/rec-big/data', Buffer.alloc(100 * 1024), { qos: 1 });
    await closed;
    expect(broker.stats.refused['packet-size']).toBe(1);
    await bystander.publishAsync('vigil/v1/rec/rec-a/hb', 'still here', { qos: 1 });
    expect(bystander.connected).toBe(true);
  });

  it("closes a client that sends a broker's packet (PINGRESP) and counts it as a protocol error", async () => {
    const before = broker.stats.refused['protocol-error'] ?? 0;
    const confused = await open('rec-pingresp', pki.device('rec-pingresp'));
    const closed = new Promise<void>((r) => confused.once('close', () => r()));
    confused.stream.write(Buffer.from([0xd0, 0x00]));
    await closed;
    expect(broker.stats.refused['protocol-error']).toBe(before + 1);
  });

  it('disconnects a client that floods publishes', async () => {
    const flood = await open('rec-flood', pki.device('rec-flood'));
    const closed = new Promise<void>((r) => flood.once('close', () => r()));
    for (let i = 0; i < 1_000; i++) flood.publish('vigil/v1/rec/rec-flood/hb', 'x', { qos: 0 });
    await closed;
    expect(broker.stats.refused['publish-rate']).toBe(1);
  });

  it('does not apply the per-recorder publish rate to the ingestor, whose acks grow with the fleet', async () => {
    const ingestor = await open('service:ingestor-acks', pki.service('ingestor'));
    const refusedBefore = broker.stats.refused['publish-rate'] ?? 0;
    // 20 s worth at the test's 50/s limit, faster than the burst allows a recorder.
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => ingestor.publishAsync(`vigil/v1/ack/rec-${i}`, 'ack', { qos: 1 })));
    expect(ingestor.connected).toBe(true);
    expect(broker.stats.refused['publish-rate'] ?? 0).toBe(refusedBefore);
  });

  it('lets a second connection with the same client id take over cleanly', async () => {
    const first = await open('rec-twice', pki.device('rec-twice'));
    const firstClosed = new Promise<void>((r) => first.once('close', () => r()));
    const second = await open('rec-twice', pki.device('rec-twice'));
    await firstClosed;
    await second.publishAsync('vigil/v1/rec/rec-twice/hb', 'new session', { qos: 1 });
    expect(second.connected).toBe(true);
  });

  it("keeps the ingestor's QoS 1 messages while it restarts (persistent session)", async () => {
    const ingestorOptions = { clean: false };
    const ingestor = await open('service:ingestor', pki.service('ingestor'), ingestorOptions);
    await ingestor.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });
    await ingestor.endAsync();
    const device = await open('rec-a', pki.device('rec-a'));
    for (let i = 0; i < 20; i++) await device.publishAsync('vigil/v1/rec/rec-a/data', `queued-${i}`, { qos: 1 });
    const received: string[] = [];
    const back = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      ...options('service:ingestor', pki.service('ingestor'), ingestorOptions),
      manualConnect: false,
    });
    clients.push(back);
    back.on('message', (_topic, payload) => received.push(payload.toString()));
    await waitFor('queued messages', () => received.length >= 20);
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => `queued-${i}`));
  });

  it('speaks MQTT over secure WebSocket with the same identity rules', async () => {
    const ws = await open(
      'rec-ws',
      pki.device('rec-ws'),
      { wsOptions: { ca: readFileSync(pki.caCertPath), cert: readFileSync(pki.device('rec-ws').cert), key: readFileSync(pki.device('rec-ws').key) } },
      `wss://127.0.0.1:${broker.wssPort}/mqtt`,
    );
    await ws.publishAsync('vigil/v1/rec/rec-ws/hb', 'over websocket', { qos: 1 });
    await expect(open('rec-a', pki.device('rec-ws'), {}, `wss://127.0.0.1:${broker.wssPort}/mqtt`)).rejects.toThrow(/Identifier rejected/);
  });

  it('reports health and Prometheus metrics', async () => {
    const health = (await (await fetch(`http://127.0.0.1:${broker.metricsPort}/healthz`)).json()) as { status: string; connections: number };
    expect(health.status).toBe('ok');
    expect(health.connections).toBeGreaterThan(0);
    const text = await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text();
    expect(text).toMatch(/^vigil_broker_connections \d+/m);
    expect(text).toMatch(/^vigil_broker_messages_in_total \d+/m);
    expect(text).toMatch(/^vigil_broker_connections_refused_total\{reason="packet-size"\} 1/m);
    expect(text).toMatch(/^vigil_broker_connections_refused_total\{reason="revoked"\} 1/m);
  });

  it("serves the health of a part in the same process (vigil up: the ingestor's), answering 503 while it is degraded", async () => {
    let report: { status: 'ok' | 'degraded'; reasons: string[] } = { status: 'ok', reasons: [] };
    broker.serveMetricsOf({ contentType: 'text/plain', metrics: async () => '' }, { name: 'ingestor', report: () => report });
    const healthz = async () => {
      const response = await fetch(`http://127.0.0.1:${broker.metricsPort}/healthz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await healthz()).toMatchObject({ status: 200, body: { status: 'ok', reasons: [], ingestor: { status: 'ok' } } });
    report = { status: 'degraded', reasons: ['telemetry outbox stalled'] };
    expect(await healthz()).toMatchObject({ status: 503, body: { status: 'degraded', reasons: ['telemetry outbox stalled'], ingestor: report } });
  });
});

describe('certificate reload', () => {
  it('serves a renewed broker certificate to new connections without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-reload-'));
    const pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    const broker = await startBroker({ port: 0, tls: pki.broker(), logger: pino({ level: 'silent' }), reloadIntervalMs: 100 });
    const serialSeen = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: broker.port, ca: readFileSync(pki.caCertPath), servername: 'localhost' }, () => {
          resolve(socket.getPeerCertificate().serialNumber);
          socket.destroy();
        });
        socket.once('error', reject);
      });
    try {
      const before = await serialSeen();
      // renew: a new broker certificate from the same CA, written over the old files
      const { rmSync: remove } = await import('node:fs');
      remove(join(dir, 'pki', 'broker.crt'));
      await pki.init();
      const deadline = Date.now() + 5_000;
      let after = before;
      while (after === before && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        after = await serialSeen();
      }
      expect(after).not.toBe(before);
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bounded offline queue', () => {
  it('drops past the limit while the ingestor is away, keeps the rest, and reports the depth', async () => {
    await withOwnBroker('vigil-queue-', ['rec-q'], { offlineQueue: 10 }, async (broker, pki) => {
      const opts = (id: string, files: TlsIdentityFiles, clean = true): IClientOptions => ({
        clientId: id,
        clean,
        cert: readFileSync(files.cert),
        key: readFileSync(files.key),
        ca: readFileSync(pki.caCertPath),
        reconnectPeriod: 0,
      });
      {
        const ingestor = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, opts('service:ingestor', pki.service('ingestor'), false));
        await ingestor.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });
        await ingestor.endAsync();
        const device = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, opts('rec-q', pki.device('rec-q')));
        for (let i = 0; i < 15; i++) await device.publishAsync('vigil/v1/rec/rec-q/data', `m${i}`, { qos: 1 });
        await device.endAsync();
        expect(broker.stats.drops['queue-full']).toBe(5);
        const metrics = await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text();
        expect(metrics).toMatch(/^vigil_broker_queue_depth 10$/m);

        const received: string[] = [];
        const back = connect(`mqtts://127.0.0.1:${broker.port}`, opts('service:ingestor', pki.service('ingestor'), false));
        back.on('message', (_t, payload) => received.push(payload.toString()));
        await waitFor('the queued ten', () => received.length >= 10);
        expect(received).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
        // mqtt.js acknowledges each delivery: the backlog is gone
        let depth = '';
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline) {
          depth = /^vigil_broker_queue_depth (\d+)$/m.exec(await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text())?.[1] ?? '';
          if (depth === '0') break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(depth).toBe('0');
        await back.endAsync();
      }
    });
  });
});

describe('in-flight window', () => {
  it('closes a client that keeps QoS 2 publishes open past the window, and counts it', async () => {
    const { generate } = await import('mqtt-packet');
    await withOwnBroker('vigil-window-', ['rec-w'], { inflightWindow: 5 }, async (broker, pki) => {
      const device = pki.device('rec-w');
      const closed = await new Promise<boolean>((resolve) => {
        // A raw client: QoS 2 PUBLISHes whose PUBREC it never answers with PUBREL.
        const socket = tlsConnect(
          {
            host: '127.0.0.1',
            port: broker.port,
            ca: readFileSync(pki.caCertPath),
            cert: readFileSync(device.cert),
            key: readFileSync(device.key),
            servername: 'localhost',
          },
          () => {
            socket.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'rec-w', keepalive: 30 }));
          },
        );
        socket.once('data', () => {
          // CONNACK received: now ten QoS 2 publishes, never released
          for (let id = 1; id <= 10; id++) {
            socket.write(
              generate({ cmd: 'publish', topic: 'vigil/v1/rec/rec-w/data', payload: Buffer.from('x'), qos: 2, messageId: id, retain: false, dup: false }),
            );
          }
        });
        socket.on('error', () => undefined);
        socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 5_000).unref();
      });
      expect(closed).toBe(true);
      expect(broker.stats.refused['inflight-window']).toBe(1);
    });
  });
});

describe('connect rate', () => {
  it('refuses connections past the rate, each counted once as connect-rate and not as a protocol error', async () => {
    const clients: MqttClient[] = [];
    await withOwnBroker('vigil-connect-rate-', ['rec-r1', 'rec-r2', 'rec-r3'], { connectsPerSecond: 1 }, async (broker, pki) => {
      const attemptAs = (id: string) =>
        new Promise<'connected' | 'refused'>((resolve) => {
          const device = pki.device(id);
          const client = connect(`mqtts://127.0.0.1:${broker.port}`, {
            clientId: id,
            cert: readFileSync(device.cert),
            key: readFileSync(device.key),
            ca: readFileSync(pki.caCertPath),
            reconnectPeriod: 0,
            connectTimeout: 5_000,
            protocolVersion: 4,
          });
          clients.push(client);
          client.once('connect', () => resolve('connected'));
          client.once('close', () => resolve('refused'));
          client.on('error', () => undefined);
        });
      const outcomes = await Promise.all(['rec-r1', 'rec-r2', 'rec-r3'].map(attemptAs));
      expect(outcomes.filter((o) => o === 'connected')).toHaveLength(1);
      for (const client of clients) client.end(true);
      expect(broker.stats.refused).toEqual({ 'connect-rate': 2 });
    });
  });
});

describe('handshake backlog', () => {
  it('closes a connection past the TLS handshakes in progress before any TLS, counted once, and takes it once the backlog clears', async () => {
    await withOwnBroker('vigil-handshakes-', ['rec-h1'], { maxPendingHandshakes: 2 }, async (broker, pki) => {
      const device = pki.device('rec-h1');
      const options = {
        clientId: 'rec-h1',
        cert: readFileSync(device.cert),
        key: readFileSync(device.key),
        ca: readFileSync(pki.caCertPath),
        reconnectPeriod: 0,
        connectTimeout: 5_000,
        protocolVersion: 4 as const,
      };
      // Two connections that never say hello hold the node's two handshake places.
      const silent = await Promise.all(
        [0, 1].map(
          () =>
            new Promise<Socket>((resolve, reject) => {
              const socket = netConnect(broker.port, '127.0.0.1', () => resolve(socket));
              socket.once('error', reject);
            }),
        ),
      );
      await new Promise((r) => setTimeout(r, 100)); // accepted on the broker's side too
      await expect(attempt(`mqtts://127.0.0.1:${broker.port}`, options)).rejects.toThrow();
      expect(broker.stats.refused).toEqual({ 'handshake-backlog': 1 });

      for (const socket of silent) socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const client = await attempt(`mqtts://127.0.0.1:${broker.port}`, options);
      await client.endAsync();
      // (The two silent ones, cut mid-handshake, count as tls-handshake.)
      expect(broker.stats.refused['handshake-backlog']).toBe(1);
      const metrics = await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/^vigil_broker_connections_refused_total\{reason="handshake-backlog"\} 1$/m);
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FleetPki, type TlsIdentityFiles } from '@vigil/proto/pki';
import { REDIS_SERVER, startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { connectAs, waitFor as waitForWithin } from './support/clients.js';
import { describeWithSystem } from '../../testing/system.js';
import { startBroker, type RunningBroker } from '../src/index.js';

const HEARTBEAT_MS = 300;
const QUEUE_BOUND = 8;

describeWithSystem('broker nodes sharing Redis', [REDIS_SERVER], () => {
  let dir: string;
  let pki: FleetPki;
  let redis: RedisServer;
  let a: RunningBroker;
  let b: RunningBroker;
  const clients: MqttClient[] = [];

  const node = () =>
    startBroker({
      port: 0,
      tls: pki.broker(),
      registryPath: pki.registryPath,
      logger: pino({ level: 'silent' }),
      reloadIntervalMs: 200,
      limits: { offlineQueue: QUEUE_BOUND },
      redis: { url: redis.url, heartbeatIntervalMs: HEARTBEAT_MS },
    });
  const open = async (on: RunningBroker, clientId: string, identity: TlsIdentityFiles, extra: IClientOptions = {}) => {
    const client = await connectAs(on.port, clientId, identity, pki.caCertPath, extra);
    clients.push(client);
    return client;
  };
  /** The ingestor's persistent session, collecting what it receives. */
  const ingestor = async (on: RunningBroker, received: string[]) => {
    const client = await open(on, 'service:ingestor', pki.service('ingestor'), { clean: false });
    client.on('message', (_topic, payload) => received.push(payload.toString()));
    await client.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });
    return client;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-broker-redis-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    for (const id of ['rec-a', 'rec-b', 'rec-will', 'rec-r1', 'rec-r2']) await pki.issueDevice(id);
    redis = await startRedisServer();
    // Two nodes on one data directory's pki/ and one Redis, as `vigil broker` runs them.
    [a, b] = await Promise.all([node(), node()]);
  });

  afterAll(async () => {
    for (const client of clients) client.end(true);
    await Promise.all([a?.close(), b?.close()]);
    await redis?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start, naming VIGIL_REDIS_URL, on a bad URL or an unreachable Redis', async () => {
    const start = (url: string) => startBroker({ port: 0, tls: pki.broker(), logger: pino({ level: 'silent' }), redis: { url } });
    await expect(start('http://127.0.0.1:1/0')).rejects.toThrow(/VIGIL_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    await expect(start('redis://user:secret@127.0.0.1:1/0')).rejects.toThrow(/VIGIL_REDIS_URL: cannot reach Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1\/0/);
    await expect(start('redis://user:secret@127.0.0.1:1/0')).rejects.not.toThrow(/secret/);
  });

  it('delivers a publish on one node to a subscriber on the other', async () => {
    const received: string[] = [];
    const service = await ingestor(a, received);
    const recorder = await open(b, 'rec-a', pki.device('rec-a'));
    await recorder.publishAsync('vigil/v1/rec/rec-a/data', 'cross-node', { qos: 1 });
    await waitFor('the cross-node delivery', () => received.includes('cross-node'));
    recorder.end(true);
    await service.endAsync();
  });

  it("keeps the ingestor's session and its queue while it is away, up to the bound, and hands them to it on the other node", async () => {
    // The session exists (subscribed once), then its ingestor goes away.
    await (await ingestor(a, [])).endAsync();
    const recorder = await open(a, 'rec-b', pki.device('rec-b'));
    const dropsBefore = a.stats.drops['queue-full'];
    for (let i = 0; i < QUEUE_BOUND + 3; i++) await recorder.publishAsync('vigil/v1/rec/rec-b/data', `queued-${i}`, { qos: 1 });
    // The bound counts Redis' queue, whichever node took the publishes. (aedes acknowledges a QoS 1
    // publish before it enqueues it, so the last drop may follow the last PUBACK.)
    await waitFor('the drops past the bound', () => a.stats.drops['queue-full'] - dropsBefore >= 3);
    const received: string[] = [];
    const client = await open(b, 'service:ingestor', pki.service('ingestor'), { clean: false });
    client.on('message', (_topic, payload) => received.push(payload.toString()));
    expect(client.connected).toBe(true);
    await waitFor('the queued messages on the other node', () => received.length >= QUEUE_BOUND);
    expect(a.stats.drops['queue-full'] - dropsBefore).toBe(3);
    expect(a.stats.drops['queue-full'] - dropsBefore).toBe(3);
    expect(received.sort()).toEqual(Array.from({ length: QUEUE_BOUND }, (_, i) => `queued-${i}`).sort());
    // Its subscription came along too: a new publish reaches it without subscribing again.
    await recorder.publishAsync('vigil/v1/rec/rec-b/data', 'after', { qos: 1 });
    await waitFor('a live message on the resumed session', () => received.includes('after'));
    recorder.end(true);
    await client.endAsync();
  });

  it('serves retained messages published on one node to subscribers of the other', async () => {
    const service = await open(a, 'service:ingestor-retain', pki.service('ingestor'));
    await service.publishAsync('vigil/v1/state/rec-a', 'online', { qos: 1, retain: true });
    const dashboard = await open(b, 'service:dashboard', pki.service('dashboard'));
    const seen = new Map<string, string>();
    dashboard.on('message', (topic, payload) => seen.set(topic, payload.toString()));
    await dashboard.subscribeAsync('vigil/v1/state/+', { qos: 1 });
    await waitFor('the retained state on the other node', () => seen.get('vigil/v1/state/rec-a') === 'online');
    service.end(true);
    dashboard.end(true);
  });

  it('lets a client id connecting to one node take the session from the other', async () => {
    const first = await open(a, 'rec-a', pki.device('rec-a'));
    let closed = false;
    first.on('close', () => (closed = true));
    await open(b, 'rec-a', pki.device('rec-a'));
    await waitFor('the first connection to be closed', () => closed);
  });

  it('reaches live connections on both nodes with a revocation in the shared pki/', async () => {
    const one = await open(a, 'rec-r1', pki.device('rec-r1'));
    const two = await open(b, 'rec-r2', pki.device('rec-r2'));
    const closed = new Set<string>();
    one.on('close', () => closed.add('rec-r1'));
    two.on('close', () => closed.add('rec-r2'));
    pki.revoke('rec-r1');
    pki.revoke('rec-r2');
    await waitFor('both revoked recorders to be disconnected', () => closed.size === 2);
    expect(a.stats.refused.revoked).toBe(1);
    expect(b.stats.refused.revoked).toBe(1);
    await expect(open(b, 'rec-r1', pki.device('rec-r1'))).rejects.toThrow(/Not authorized/);
  });

  it('publishes the will of a client of a node that died, from the surviving node, within 3-7 heartbeats', async () => {
    const deaths: Array<{ payload: string; at: number }> = [];
    const watcher = await open(b, 'service:ingestor-deaths', pki.service('ingestor'));
    watcher.on('message', (topic, payload) => {
      if (topic === 'vigil/v1/rec/rec-will/death') deaths.push({ payload: payload.toString(), at: Date.now() });
    });
    await watcher.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });
    await open(a, 'rec-will', pki.device('rec-will'), { will: { topic: 'vigil/v1/rec/rec-will/death', payload: Buffer.from('will'), qos: 1, retain: false } });
    // Node A dies as far as the others can tell: its heartbeats stop reaching Redis (what a
    // SIGKILL does; the fault suite's broker-node-kill does the real one).
    const diedAt = Date.now();
    clearInterval((a.aedes as unknown as { _heartbeatInterval: NodeJS.Timeout })._heartbeatInterval);
    await waitFor('the will from node B', () => deaths.length > 0, 8 * HEARTBEAT_MS + 10_000);
    expect(deaths[0]?.payload).toBe('will');
    const after = (deaths[0]?.at ?? 0) - diedAt;
    expect(after).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS);
    console.log(`will of a dead node's client published ${after} ms after the node went silent (heartbeat ${HEARTBEAT_MS} ms)`);
  });
});

function waitFor(what: string, probe: () => boolean, timeoutMs = 15_000): Promise<void> {
  return waitForWithin(what, probe, timeoutMs);
}

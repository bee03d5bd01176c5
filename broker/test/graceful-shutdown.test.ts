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
const deathTopic = (id: string) => `vigil/v1/rec/${id}/death`;

// A broker node restarted by its operator is not its recorders failing: the fleet must not see
// them offline. A node that dies still has its clients' wills published by the others.
describeWithSystem('a broker node that shuts down on purpose', [REDIS_SERVER], () => {
  let dir: string;
  let pki: FleetPki;
  let redis: RedisServer;
  const nodes: RunningBroker[] = [];
  const clients: MqttClient[] = [];

  const node = async () => {
    const started = await startBroker({
      port: 0,
      tls: pki.broker(),
      registryPath: pki.registryPath,
      logger: pino({ level: 'silent' }),
      redis: { url: redis.url, heartbeatIntervalMs: HEARTBEAT_MS },
    });
    nodes.push(started);
    return started;
  };
  const open = async (on: RunningBroker, clientId: string, identity: TlsIdentityFiles, extra: IClientOptions = {}) => {
    const client = await connectAs(on.port, clientId, identity, pki.caCertPath, extra);
    clients.push(client);
    return client;
  };
  const withWill = (id: string): IClientOptions => ({ will: { topic: deathTopic(id), payload: Buffer.from(`will of ${id}`), qos: 1, retain: false } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-broker-shutdown-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    for (const id of ['rec-stays', 'rec-restarted', 'rec-crashed']) await pki.issueDevice(id);
    redis = await startRedisServer();
  });

  afterAll(async () => {
    for (const client of clients) client.end(true);
    await Promise.all(nodes.map((n) => n.close()));
    await redis?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("closes its recorders' connections without publishing their wills, while a crashed node's wills are still published", async () => {
    const [watched, restarted, crashed] = [await node(), await node(), await node()];
    const deaths: string[] = [];
    const watcher = await open(watched, 'service:ingestor', pki.service('ingestor'));
    watcher.on('message', (_topic, payload) => deaths.push(payload.toString()));
    await watcher.subscribeAsync('vigil/v1/rec/+/death', { qos: 1 });

    const stays = await open(watched, 'rec-stays', pki.device('rec-stays'), withWill('rec-stays'));
    const onRestarted = await open(restarted, 'rec-restarted', pki.device('rec-restarted'), withWill('rec-restarted'));
    await open(crashed, 'rec-crashed', pki.device('rec-crashed'), withWill('rec-crashed'));
    let cut = false;
    onRestarted.on('close', () => (cut = true));

    // What the node itself publishes while it closes: whether a will then reaches a subscriber
    // elsewhere is a race with its Redis connections closing, so the node's own attempt is checked.
    const publishedByRestarted: string[] = [];
    const aedes = restarted.aedes as unknown as { publish: (packet: { topic: string }, ...rest: unknown[]) => void };
    const publish = aedes.publish.bind(aedes);
    aedes.publish = (packet, ...rest) => {
      publishedByRestarted.push(packet.topic);
      publish(packet, ...rest);
    };
    // The operator's restart: close() is what `vigil broker` runs on SIGTERM, here while the
    // recorder publishes: what fails under its last writes as the node closes is not the recorder's fault.
    const busy = setInterval(() => onRestarted.connected && onRestarted.publish('vigil/v1/rec/rec-restarted/hb', 'beat', { qos: 1 }), 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await restarted.close();
    clearInterval(busy);
    expect(restarted.stats.refused).toEqual({});
    expect(publishedByRestarted.filter((topic) => topic.endsWith('/death'))).toEqual([]);
    nodes.splice(nodes.indexOf(restarted), 1);
    await waitFor("the restarted node's recorder to lose its connection", () => cut);
    // A new session is refused while a node shuts down (its will would outlive the node).
    await expect(open(restarted, 'rec-restarted', pki.device('rec-restarted'))).rejects.toThrow();

    // Then another node dies as far as the others can tell (its heartbeats stop, what a SIGKILL
    // does). Its recorder's will comes from the surviving node at a check that also sees the
    // restarted node silent for longer: a will the restarted node had left in Redis would come too.
    clearInterval((crashed.aedes as unknown as { _heartbeatInterval: NodeJS.Timeout })._heartbeatInterval);
    await waitFor("the crashed node's will", () => deaths.includes('will of rec-crashed'), 8 * HEARTBEAT_MS + 20_000);
    // And a recorder that drops off a live node still has its will published.
    stays.stream.destroy();
    await waitFor('the will of a recorder whose connection broke', () => deaths.includes('will of rec-stays'));

    expect(deaths).not.toContain('will of rec-restarted');
    expect(deaths.sort()).toEqual(['will of rec-crashed', 'will of rec-stays']);
  });
});

function waitFor(what: string, probe: () => boolean, timeoutMs = 20_000): Promise<void> {
  return waitForWithin(what, probe, timeoutMs);
}

import { afterAll, beforeAll, expect, it } from 'vitest';
import { REDIS_SERVER, startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { describeWithSystem } from '../../testing/system.js';
import { type FaultAgent, Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/** The agents' heartbeat (s): their backoff never waits longer than one (reconnectCeilingMs). */
const HEARTBEAT_SECONDS = 2;

/**
 * Two `vigil broker` nodes sharing Redis and one data directory, the ingestor given both URLs,
 * agents spread across them (each list starting with "its" node). The node holding the ingestor
 * and half the agents is SIGKILLed under load.
 */
describeWithSystem('fault: a broker node killed (two nodes sharing Redis)', [REDIS_SERVER], () => {
  let redis: RedisServer;
  let fleet: Fleet;
  beforeAll(async () => {
    redis = await startRedisServer();
    fleet = await Fleet.start('broker-node-kill', { redis: { url: redis.url, brokerNodes: 2 } });
  }, 120_000);
  afterAll(async () => {
    await fleet?.close();
    await redis?.destroy();
  });

  it("every observation stored once; the dead node's agents online on the other within their backoff", async () => {
    const onNode = (node: number, ids: string[]) =>
      Promise.all(ids.map((id) => fleet.agent(id, { heartbeatSeconds: HEARTBEAT_SECONDS, brokerNodes: node === 0 ? [0, 1] : [1, 0] })));
    const doomed = await onNode(0, ['rec-nk-a1', 'rec-nk-a2']);
    const survivors = await onNode(1, ['rec-nk-b1', 'rec-nk-b2']);
    // Knows only the node that dies: it cannot come back, so its last will is what the fleet hears.
    const stranded = await fleet.agent('rec-nk-stranded', { heartbeatSeconds: HEARTBEAT_SECONDS, brokerNodes: [0] });
    const agents: FaultAgent[] = [...doomed, ...survivors];
    const node = (port: number) => `mqtts://127.0.0.1:${port}`;
    const [first, second] = fleet.nodes;
    const connectedTo = (agent: FaultAgent) => agent.process.lines.filter((l) => l.msg === 'connected').map((l) => l.broker);
    for (const agent of doomed) expect(connectedTo(agent)).toEqual([node(first!.mqttPort)]);
    for (const agent of survivors) expect(connectedTo(agent)).toEqual([node(second!.mqttPort)]);
    expect(fleet.ingestor.lines.find((l) => l.msg === 'ingestor connected')?.broker).toBe(node(first!.mqttPort));

    const writers = agents.map((a) => a.writeSteadily(50));
    await waitFor(
      'observations flowing through both nodes',
      () => Math.min(...agents.map((a) => fleet.count(a).stored)),
      (n) => n >= 100,
    );
    await fleet.broker.kill('SIGKILL');
    const killed = Date.now();

    // Each doomed agent's next session opens on the other node, after one backoff delay.
    const backOnline: number[] = [];
    await Promise.all(
      doomed.map(async (agent) => {
        await waitFor(
          `${agent.id} connected to the other node`,
          () => connectedTo(agent).at(-1),
          (url) => url === node(second!.mqttPort),
          60_000,
        );
        await waitFor(
          `${agent.id} online`,
          () => fleet.recorderState(agent.id),
          (state) => state === 'online',
          60_000,
        );
        backOnline.push(secondsSince(killed));
      }),
    );
    await waitFor(
      'the ingestor on the other node',
      () => fleet.ingestor.lines.filter((l) => l.msg === 'ingestor connected').at(-1)?.broker,
      (url) => url === node(second!.mqttPort),
      60_000,
    );
    // Load continues through the move: the moved agents' new observations arrive over the other node.
    const storedAtMove = doomed.map((a) => fleet.count(a).stored);
    await waitFor(
      'observations flowing again from the moved agents',
      () => doomed.map((a, i) => fleet.count(a).stored - storedAtMove[i]!),
      (grown) => grown.every((n) => n >= 100),
    );
    for (const w of writers) w.stop();
    const total = await fleet.settleAll(agents);
    // The stranded recorder's will, kept in Redis by the dead node, is published by the survivor
    // once the dead node has missed three of its 3 s heartbeats (checked every 12 s): 9-21 s after the kill, plus the ingestor's 1.5 s.
    await waitFor(
      'the stranded recorder offline by its will',
      () => fleet.recorderState(stranded.id),
      (state) => state === 'offline',
      60_000,
    );
    // When the ingestor applied the will, not when this test got round to looking (after the settle,
    // which takes longer on a loaded machine).
    const offlineSince = fleet.read(
      (db) =>
        db
          .prepare(`SELECT MIN(since) FROM state_changes WHERE recorder_id = ? AND state = 'offline' AND since >= ?`)
          .pluck()
          .get(stranded.id, killed) as number,
    );
    const willSeconds = (offlineSince - killed) / 1000;
    const states = agents.map((a) => fleet.recorderState(a.id));
    // Shown unavailable or offline at any moment since the kill: the move must not show.
    const lapses = fleet.read(
      (db) =>
        db
          .prepare(`SELECT COUNT(*) FROM state_changes WHERE since >= ? AND state IN ('unavailable', 'offline') AND recorder_id != ?`)
          .pluck()
          .get(killed, stranded.id) as number,
    );
    reportFault({
      name: 'broker-node-kill',
      ...total,
      recoveredSeconds: Math.max(...backOnline),
      details: { agents: agents.length, lapses, willSeconds: Number(willSeconds.toFixed(1)) },
    });
    expect(states).toEqual(agents.map(() => 'online'));
    expect(lapses).toBe(0);
    expect(willSeconds).toBeLessThan(21 + 1.5 + 10);
    // Backoff ceiling one heartbeat (2 s) per attempt; a few attempts' worth on a loaded machine.
    expect(Math.max(...backOnline)).toBeLessThan(4 * HEARTBEAT_SECONDS + 10);
    expect(total.sent).toBeGreaterThan(500);
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
  }, 240_000);
});

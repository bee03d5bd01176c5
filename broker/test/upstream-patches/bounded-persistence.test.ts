import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Aedes, type AedesOptions, type AedesPublishPacket } from 'aedes';
import aedesPersistence from 'aedes-persistence';
import { describe, expect, it } from 'vitest';
import { boundedMemoryPersistence, type OutgoingPersistence } from '../../src/upstream-patches/bounded-persistence.js';

/** What these tests call on a persistence besides the outgoing queue (promise style, as aedes 1.x does). */
interface TestedPersistence extends OutgoingPersistence {
  addSubscriptions(client: { id: string }, subs: Array<{ topic: string; qos: 0 | 1 | 2 }>): Promise<unknown>;
}
type MemoryStore = (() => TestedPersistence) & { Packet: new (packet: object) => object };
const memoryStore = aedesPersistence as unknown as MemoryStore;
const REPLACED_METHODS = ['outgoingClearMessageId', 'outgoingEnqueue', 'outgoingEnqueueCombi', 'outgoingStream', 'outgoingUpdate'];

/**
 * The ingestor's situation: a persistent QoS 1 session that is offline while `messages` QoS 1
 * messages are published to it. Returns how many the persistence then holds for it.
 */
async function offlineBacklog(persistence: TestedPersistence, messages: number): Promise<number> {
  const broker = await Aedes.createBroker({ persistence, queueLimit: 4 } as unknown as AedesOptions);
  try {
    const client = { id: 'ingestor' };
    await persistence.addSubscriptions(client, [{ topic: 'vigil/v1/rec/r1/data', qos: 1 }]);
    for (let i = 0; i < messages; i++) {
      const packet = { cmd: 'publish', topic: 'vigil/v1/rec/r1/data', payload: Buffer.from(`m${i}`), qos: 1, retain: false, dup: false } as AedesPublishPacket;
      await new Promise<void>((resolve, reject) => broker.publish(packet, (error) => (error ? reject(error) : resolve())));
    }
    let queued = 0;
    for await (const _packet of persistence.outgoingStream(client)) queued++;
    return queued;
  } finally {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  }
}

describe('boundedMemoryPersistence', () => {
  it("passes aedes-persistence's own conformance suite when it backs our persistence", () => {
    const suite = fileURLToPath(new URL('./persistence-conformance.node.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', suite], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/^# fail 0$/m);
    expect(run.status).toBe(0);
  });

  it('keeps the offline backlog of a persistent session to its bound, counting the drops', async () => {
    const dropped: string[] = [];
    const bounded = boundedMemoryPersistence(10, (clientId) => dropped.push(clientId));
    expect(await offlineBacklog(bounded.persistence as TestedPersistence, 100)).toBe(10);
    expect(bounded.depth()).toBe(10);
    expect(dropped).toHaveLength(90);
    expect(new Set(dropped)).toEqual(new Set(['ingestor']));
  });

  it('is still needed: aedes with queueLimit 4 lets the plain memory store queue every message for an offline session (moscajs/aedes#1087)', async () => {
    // When this fails, aedes or its memory store bounds the backlog itself and the bound here can go.
    expect(await offlineBacklog(memoryStore(), 100)).toBe(100);
  });

  it("still applies: the memory store's outgoing queue is the five methods replaced here, holding aedes-persistence's exported Packet", async () => {
    // When this fails, aedes-persistence changed the surface this patch replaces: read it again.
    const store = memoryStore();
    const outgoing = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter((name) => name.startsWith('outgoing'));
    expect(outgoing.sort()).toEqual(REPLACED_METHODS);
    const client = { id: 'ingestor' };
    await store.outgoingEnqueue({ clientId: client.id }, { cmd: 'publish', topic: 't', payload: Buffer.from('x'), qos: 1, brokerId: 'b', brokerCounter: 1 });
    const queued: unknown[] = [];
    for await (const packet of store.outgoingStream(client)) queued.push(packet);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toBeInstanceOf(memoryStore.Packet);
  });
});

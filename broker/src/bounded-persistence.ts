import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import aedesPersistence from 'aedes-persistence';
import { OutgoingQueue, type QueuedPacket } from './outgoing-queue.js';

type Sub = { clientId: string };
/** The part of aedes' persistence this wrapper replaces (aedes 1.x calls these without callbacks, expecting promises). */
interface Persistence {
  outgoingEnqueue(sub: Sub, packet: QueuedPacket): Promise<void>;
  outgoingEnqueueCombi(subs: Sub[], packet: QueuedPacket): Promise<void>;
  outgoingUpdate(client: { id: string }, packet: QueuedPacket): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: QueuedPacket): Promise<QueuedPacket | undefined>;
  outgoingStream(client: { id: string }): Readable;
}
// The package is CommonJS whose module.exports is the factory; its typings describe it as a default export.
const memory = aedesPersistence as unknown as () => Persistence;
/** The packet copy the memory store keeps: aedes-persistence's own dependency, so the same class. */
const fromPersistence = createRequire(createRequire(import.meta.url).resolve('aedes-persistence'));
const AedesPacket = fromPersistence('aedes-packet') as new (packet: QueuedPacket) => QueuedPacket;

/**
 * aedes' in-memory persistence with two changes to the QoS 1 queue of each persistent session
 * (the ingestor):
 * - A bound on its length (the backlog while the ingestor restarts). Past the bound new messages
 *   for that session are dropped and counted: the agents re-send them, since nothing leaves an
 *   agent's spool before the ingestor's end-to-end ack. Without a bound a long ingestor outage
 *   would grow the broker's memory until it died, losing everything queued.
 * - The queue itself is an OutgoingQueue, which finds a packet by index instead of searching an
 *   array from the start for every delivery and every PUBACK (see outgoing-queue.ts).
 * Everything else (subscriptions, retained messages, wills, QoS 2 incoming) is the memory store's.
 */
export function boundedMemoryPersistence(limit: number, onDrop: (clientId: string) => void): { persistence: Persistence; depth: () => number } {
  const persistence = memory();
  const queues = new Map<string, OutgoingQueue>();
  const queueOf = (clientId: string) => {
    let queue = queues.get(clientId);
    if (!queue) queues.set(clientId, (queue = new OutgoingQueue()));
    return queue;
  };
  const enqueue = (clientId: string, packet: QueuedPacket) => queueOf(clientId).enqueue(new AedesPacket(packet));

  // Online persistent session: always queued (it is being delivered), and counted until acked.
  persistence.outgoingEnqueue = async (sub, packet) => enqueue(sub.clientId, packet);
  // Offline persistent sessions: the backlog that must stay bounded.
  persistence.outgoingEnqueueCombi = async (subs, packet) => {
    for (const sub of subs) {
      if ((queues.get(sub.clientId)?.size ?? 0) >= limit) onDrop(sub.clientId);
      else enqueue(sub.clientId, packet);
    }
  };
  persistence.outgoingUpdate = async (client, packet) => {
    if (!queueOf(client.id).update(packet)) throw new Error('no such packet');
  };
  persistence.outgoingClearMessageId = async (client, packet) => {
    const queue = queues.get(client.id);
    const cleared = queue?.clear(packet.messageId);
    if (queue?.size === 0) queues.delete(client.id);
    return cleared;
  };
  persistence.outgoingStream = (client) => Readable.from(queues.get(client.id)?.all() ?? []);
  return { persistence, depth: () => [...queues.values()].reduce((sum, queue) => sum + queue.size, 0) };
}

/**
 * Upstream patch: aedes-persistence's memory store, with a bounded and indexed outgoing queue.
 *
 * What: replaces the five outgoing-queue methods (outgoingEnqueue, outgoingEnqueueCombi,
 * outgoingUpdate, outgoingClearMessageId, outgoingStream) on an instance of the memory store.
 * Why: the memory store keeps every QoS 1 message for an offline persistent session (the
 * ingestor while it restarts) without bound, and finds a packet by scanning the session's array
 * from the start for every delivery and every PUBACK (a sixth of the broker's CPU with thousands
 * of messages in flight to the ingestor). aedes' own `queueLimit` bounds only packets sent before
 * CONNECT completes.
 * Upstream: moscajs/aedes#1087 (offline queue grows beyond queueLimit; closed, and aedes 1.2.0
 * still enqueues without bound), moscajs/aedes-persistence#27 (the memory store retains
 * everything); the linear search: none filed.
 * Checked against: aedes 1.2.0, aedes-persistence 11.0.0 (aedes-packet 4.0.1).
 * Still needed / still applies while: broker/test/upstream-patches/bounded-persistence.test.ts
 * passes (aedes with the plain memory store keeps an unbounded backlog; the store's outgoing
 * methods are still these five; aedes-persistence's own conformance suite passes against this store).
 */
import { Readable } from 'node:stream';
import aedesPersistence from 'aedes-persistence';
import { OutgoingQueue, type QueuedPacket } from '../outgoing-queue.js';

type Sub = { clientId: string };
/** The part of aedes' persistence this wrapper replaces (aedes 1.x calls these without callbacks, expecting promises). */
export interface OutgoingPersistence {
  outgoingEnqueue(sub: Sub, packet: QueuedPacket): Promise<void>;
  outgoingEnqueueCombi(subs: Sub[], packet: QueuedPacket): Promise<void>;
  outgoingUpdate(client: { id: string }, packet: QueuedPacket): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: QueuedPacket): Promise<QueuedPacket | undefined>;
  outgoingStream(client: { id: string }): Readable;
}
/**
 * The package is CommonJS whose module.exports is the factory, with the packet class the memory
 * store copies packets into as its `Packet` property (its typings declare a default export and
 * Packet as a type only).
 */
const memory = aedesPersistence as unknown as (() => OutgoingPersistence) & { Packet: new (packet: QueuedPacket) => QueuedPacket };
const AedesPacket = memory.Packet;

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
export function boundedMemoryPersistence(limit: number, onDrop: (clientId: string) => void): { persistence: OutgoingPersistence; depth: () => number } {
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

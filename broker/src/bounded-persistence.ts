import aedesPersistence from 'aedes-persistence';

type Sub = { clientId: string };
/** The part of aedes' persistence this wrapper touches (aedes 1.x calls these without callbacks, expecting promises). */
interface Persistence {
  outgoingEnqueue(sub: Sub, packet: unknown): Promise<void>;
  outgoingEnqueueCombi(subs: Sub[], packet: unknown): Promise<void>;
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>;
}
// The package is CommonJS whose module.exports is the factory; its typings describe it as a default export.
const memory = aedesPersistence as unknown as () => Persistence;

/**
 * aedes' in-memory persistence with a bound on the QoS 1 backlog kept for each persistent
 * session (the ingestor while it restarts). Past the bound new messages for that session are
 * dropped and counted: the agents re-send them, since nothing leaves an agent's spool before the
 * ingestor's end-to-end ack. Without a bound a long ingestor outage would grow the broker's memory
 * until it died, losing everything queued.
 */
export function boundedMemoryPersistence(limit: number, onDrop: (clientId: string) => void): { persistence: Persistence; depth: () => number } {
  const persistence = memory();
  const pending = new Map<string, number>();
  const add = (clientId: string, n: number) => {
    const next = (pending.get(clientId) ?? 0) + n;
    if (next <= 0) pending.delete(clientId);
    else pending.set(clientId, next);
  };

  const enqueueOne = persistence.outgoingEnqueue.bind(persistence);
  const enqueueMany = persistence.outgoingEnqueueCombi.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);

  // Online persistent session: always queued (it is being delivered), and counted until acked.
  persistence.outgoingEnqueue = async (sub, packet) => {
    add(sub.clientId, 1);
    return enqueueOne(sub, packet);
  };
  // Offline persistent sessions: the backlog that must stay bounded.
  persistence.outgoingEnqueueCombi = async (subs, packet) => {
    if (subs.length === 0) return; // every QoS 1 publish asks, mostly with no persistent session offline
    const admitted = subs.filter((sub) => {
      if ((pending.get(sub.clientId) ?? 0) >= limit) {
        onDrop(sub.clientId);
        return false;
      }
      return true;
    });
    for (const sub of admitted) add(sub.clientId, 1);
    if (admitted.length > 0) await enqueueMany(admitted, packet);
  };
  persistence.outgoingClearMessageId = async (client, packet) => {
    const result = await clear(client, packet);
    if (result) add(client.id, -1);
    return result;
  };
  return { persistence, depth: () => [...pending.values()].reduce((a, b) => a + b, 0) };
}

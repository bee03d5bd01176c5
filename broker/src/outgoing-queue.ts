/** The fields of an aedes packet that the outgoing queue reads or keeps. */
export interface QueuedPacket {
  cmd?: string;
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number;
  qos?: number;
  [field: string]: unknown;
}

type Key = number;

/** Keys listed under an index value, kept in queue order (almost always a single key). */
class KeyIndex<V> {
  private readonly keys = new Map<V, Key[]>();

  add(value: V, key: Key): void {
    const list = this.keys.get(value);
    if (!list) return void this.keys.set(value, [key]);
    let at = list.length;
    while (at > 0 && (list[at - 1] as Key) > key) at--;
    list.splice(at, 0, key);
  }

  remove(value: V, key: Key): void {
    const list = this.keys.get(value);
    if (!list) return;
    const at = list.indexOf(key);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.keys.delete(value);
  }

  list(value: V): readonly Key[] | undefined {
    return this.keys.get(value);
  }
}

/**
 * One persistent session's outgoing QoS packets, in order, with what aedes-persistence's memory
 * store does to them: append, update a packet when it gets its message id, remove it on PUBACK.
 * That store keeps an array and searches it from the start for every update and every PUBACK,
 * which with thousands of packets in flight to the ingestor took a sixth of the broker's CPU.
 * Here both lookups go through indexes; the results are the same as the array's, including
 * which packet wins when several match (the first in queue order).
 */
export class OutgoingQueue {
  private nextKey = 0;
  /** In queue order: a Map iterates in insertion order, and a replaced packet keeps its key. */
  private readonly packets = new Map<Key, QueuedPacket>();
  private readonly byCounter = new KeyIndex<string>();
  private readonly byMessageId = new KeyIndex<number | undefined>();

  get size(): number {
    return this.packets.size;
  }

  enqueue(packet: QueuedPacket): void {
    this.index(++this.nextKey, packet);
  }

  /**
   * The first packet from the same broker with the same counter gets the message id; failing
   * that, the first packet from another broker with the same message id is replaced.
   */
  update(packet: QueuedPacket): boolean {
    const sameCounter = this.byCounter.list(counterKey(packet))?.[0];
    const otherBroker = this.byMessageId.list(packet.messageId)?.find((key) => this.packets.get(key)?.brokerId !== packet.brokerId);
    if (sameCounter === undefined && otherBroker === undefined) return false;
    if (otherBroker === undefined || (sameCounter !== undefined && sameCounter < otherBroker)) {
      const queued = this.packets.get(sameCounter as Key) as QueuedPacket;
      this.byMessageId.remove(queued.messageId, sameCounter as Key);
      queued.messageId = packet.messageId;
      this.byMessageId.add(queued.messageId, sameCounter as Key);
    } else {
      this.unindex(otherBroker);
      this.index(otherBroker, packet);
    }
    return true;
  }

  /** Removes and returns the first packet with this message id. */
  clear(messageId: number | undefined): QueuedPacket | undefined {
    const key = this.byMessageId.list(messageId)?.[0];
    if (key === undefined) return undefined;
    const packet = this.packets.get(key);
    this.unindex(key);
    this.packets.delete(key);
    return packet;
  }

  /** A snapshot in queue order. */
  all(): QueuedPacket[] {
    return [...this.packets.values()];
  }

  private index(key: Key, packet: QueuedPacket): void {
    this.packets.set(key, packet);
    this.byCounter.add(counterKey(packet), key);
    this.byMessageId.add(packet.messageId, key);
  }

  private unindex(key: Key): void {
    const packet = this.packets.get(key) as QueuedPacket;
    this.byCounter.remove(counterKey(packet), key);
    this.byMessageId.remove(packet.messageId, key);
  }
}

const counterKey = (packet: QueuedPacket) => `${packet.brokerId}\u0000${packet.brokerCounter}`;

import { describe, expect, it } from 'vitest';
import { OutgoingQueue, type QueuedPacket } from '../src/outgoing-queue.js';

/** aedes-persistence's memory store, as it handles a session's outgoing packets: the reference. */
class ArrayQueue {
  readonly packets: QueuedPacket[] = [];
  enqueue(packet: QueuedPacket) {
    this.packets.push(packet);
  }
  update(packet: QueuedPacket): boolean {
    for (let i = 0; i < this.packets.length; i++) {
      const queued = this.packets[i] as QueuedPacket;
      if (queued.brokerId === packet.brokerId) {
        if (queued.brokerCounter === packet.brokerCounter) {
          queued.messageId = packet.messageId;
          return true;
        }
      } else if (queued.messageId === packet.messageId) {
        this.packets[i] = packet;
        return true;
      }
    }
    return false;
  }
  clear(messageId: number | undefined): QueuedPacket | undefined {
    const at = this.packets.findIndex((queued) => queued.messageId === messageId);
    return at < 0 ? undefined : this.packets.splice(at, 1)[0];
  }
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
}

describe('OutgoingQueue', () => {
  it('gives the same results as the array it replaces, over random operations with clashing ids', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const pick = random(seed);
      const indexed = new OutgoingQueue();
      const reference = new ArrayQueue();
      const counters: Record<string, number> = { a: 0, b: 0 };
      // Few message ids and two brokers, so clashes (reuse after 65,535, another broker's packets) are common.
      const messageId = () => (pick(10) === 0 ? undefined : pick(8));
      for (let step = 0; step < 2_000; step++) {
        const op = pick(3);
        const brokerId = pick(4) === 0 ? 'b' : 'a';
        if (op === 0) {
          const packet = { cmd: 'publish', brokerId, brokerCounter: ++counters[brokerId]!, messageId: undefined, qos: 1 };
          indexed.enqueue({ ...packet });
          reference.enqueue({ ...packet });
        } else if (op === 1) {
          const packet = { cmd: 'publish', brokerId, brokerCounter: 1 + pick(counters[brokerId]! + 1), messageId: messageId(), qos: 1, step };
          expect(indexed.update({ ...packet })).toBe(reference.update({ ...packet }));
        } else {
          const id = messageId();
          expect(indexed.clear(id)).toEqual(reference.clear(id));
        }
        expect(indexed.size).toBe(reference.packets.length);
        if (step % 25 === 0) expect(indexed.all()).toEqual(reference.packets);
      }
      expect(indexed.all()).toEqual(reference.packets);
    }
  });
});

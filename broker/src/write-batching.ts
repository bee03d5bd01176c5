import type { Writable } from 'node:stream';

/**
 * Makes everything written to `socket` within one turn of the event loop leave as one write:
 * the socket is corked at the first write of a turn and uncorked from setImmediate.
 *
 * Why: aedes writes each packet on its own (mqtt-packet corks per packet and uncorks on the next
 * tick), and it forwards each PUBLISH from its own setImmediate. On a TLS socket every such flush
 * is a TLS record of its own, encrypted and sent with its own writev system call: the subscriber
 * of a busy fleet got one record per message. Corked, the turn's packets go to the TLS layer as
 * one writev, which encrypts them into full-size records and sends them in one system call.
 *
 * Backpressure is unchanged: corked data counts in writableLength, so write() still returns false
 * past the high-water mark and 'drain' still follows once the buffer is flushed (aedes waits for
 * it). The delay added is at most the rest of the current loop turn.
 */
export function batchWritesPerTurn(socket: Writable): void {
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  const write = socket.write;
  // Fixed parameters rather than a rest array: this runs for every packet.
  socket.write = function batchedWrite(this: Writable, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return (write as (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean).call(this, chunk, encoding, callback);
  } as Writable['write'];
}

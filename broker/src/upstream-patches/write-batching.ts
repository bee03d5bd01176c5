/**
 * Upstream patch: how aedes (through mqtt-packet) writes to a TLS socket.
 *
 * What: replaces `write` and `end` of each TLS socket aedes handles (broker.ts), so everything
 * written within one event-loop turn leaves as one write.
 * Why: aedes writes each packet on its own, mqtt-packet writes a PUBLISH as several small chunks,
 * and aedes forwards each PUBLISH from its own setImmediate: on TLS every flush is a record of its
 * own (details below). Not applied to WebSocket clients.
 * Upstream: none filed (mqttjs/MQTT.js#514 is the same cause seen from a client: one packet
 * written as several chunks).
 * Checked against: aedes 1.2.0, mqtt-packet 9.0.2, Node 20.20.
 * Still needed while: broker/test/upstream-patches/write-batching.test.ts "is still needed" passes
 * (without it, aedes hands a subscriber's socket one write per chunk of every packet it forwards).
 */
import type { Writable } from 'node:stream';

type WriteCallback = (error?: Error | null) => void;

/**
 * Makes everything written to `socket` within one turn of the event loop leave as one write: the
 * chunks are collected and handed to the socket as one buffer from setImmediate.
 *
 * Why: aedes writes each packet on its own (mqtt-packet writes a PUBLISH as five or six small
 * chunks, corked until the next tick), and it forwards each PUBLISH from its own setImmediate. On
 * a TLS socket every such flush is a TLS record of its own, and every chunk a trip through the
 * stream machinery: the subscriber of a busy fleet got one record per message. Collected, a
 * turn's packets cost one stream write, one TLS write and one system call.
 *
 * Backpressure is kept: write() returns false once what is queued here plus what the socket
 * holds reaches its high-water mark, and 'drain' follows when that has been flushed (emitted
 * here if the socket itself had room by then). aedes waits for it. end() sends what is queued
 * first; destroy() drops it, as it dropped corked data before.
 */
export function batchWritesPerTurn(socket: Writable): void {
  const socketWrite = socket.write.bind(socket) as (chunk: Buffer, callback?: WriteCallback) => boolean;
  let chunks: Uint8Array[] = [];
  let bytes = 0;
  let callbacks: WriteCallback[] = [];
  /** write() reported a full buffer: whoever got that is waiting for 'drain'. */
  let owesDrain = false;

  const flush = () => {
    if (chunks.length === 0) return; // already flushed by end()
    const batch = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
    const done = callbacks;
    chunks = [];
    bytes = 0;
    callbacks = [];
    const callback: WriteCallback | undefined =
      done.length === 0
        ? undefined
        : (error) => {
            for (const cb of done) cb(error);
          };
    const room = socketWrite(batch, callback);
    if (owesDrain) {
      owesDrain = false;
      // Full now: the socket emits 'drain' itself once it has flushed. Otherwise emit it here.
      if (room) process.nextTick(() => socket.emit('drain'));
    }
  };

  // end(chunk) writes its chunk past write(): what is queued here has to go first.
  const socketEnd = socket.end.bind(socket) as (...args: unknown[]) => Writable;
  socket.end = function batchedEnd(...args: unknown[]): Writable {
    flush();
    return socketEnd(...args);
  } as Writable['end'];

  socket.write = function batchedWrite(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (typeof encoding === 'function') callback = encoding;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : chunk;
    // As a socket's own write() does: refuse what is not bytes before it is queued. Queued, it
    // broke the whole turn's batch later, from a timer nobody could catch (a fuzzed session did that).
    if (!(buffer instanceof Uint8Array)) {
      throw Object.assign(new TypeError(`The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${typeof buffer}`), {
        code: 'ERR_INVALID_ARG_TYPE',
      });
    }
    if (chunks.length === 0) setImmediate(flush);
    chunks.push(buffer);
    bytes += buffer.length;
    if (typeof callback === 'function') callbacks.push(callback as WriteCallback);
    const room = socket.writableLength + bytes < socket.writableHighWaterMark;
    if (!room) owesDrain = true;
    return room;
  } as Writable['write'];
}

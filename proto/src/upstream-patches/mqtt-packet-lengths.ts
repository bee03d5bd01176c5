/**
 * Upstream patch: mqtt-packet's cache of encoded remaining lengths.
 *
 * What: fills mqtt-packet's `varByteIntCache` (writeToStream.js) with every length it will ever
 * cache, once, at start.
 * Why: mqtt-packet (under mqtt.js and aedes) caches the encoded remaining length of every packet
 * shorter than 16 KiB it writes, each in a 4-byte slice of Node's shared Buffer pool, and a slice
 * keeps its whole pool block alive (8 KiB; 64 KiB on Node 24). Met one at a time over hours of
 * traffic, each new length pins a block of its own: up to 128 MiB (1 GiB on Node 24) for 64 KiB
 * of cache. Written one after the other at start, the whole cache packs into a few adjacent blocks
 * (about 256 KiB). The agent shrinks the pool instead (agent/src/upstream-patches/small-buffer-pool.ts).
 * Upstream: mqttjs/mqtt-packet#163 (open); a fix for the number cache beside it is proposed in
 * mqttjs/mqtt-packet#164.
 * Checked against: mqtt-packet 9.0.2 (under mqtt 5.16.0, aedes 1.2.0), Node 20.20.
 * Still needed while: proto/test/upstream-patches/mqtt-packet-lengths.test.ts "is still needed"
 * passes; when it fails, mqtt-packet no longer pins pool blocks and this file can go.
 */
import { writeToStream, type Packet } from 'mqtt-packet';

export const CACHED_LENGTH_LIMIT = 16_384;

const TOPIC = 'a';
/** A QoS 0 PUBLISH's remaining length: 2 bytes of topic length, the topic, the payload. */
const PUBLISH_OVERHEAD = 2 + TOPIC.length;

let filled = false;

/** For servers (broker, ingestor). Idempotent; 30-70 ms once. Call before the process opens its first MQTT connection. */
export function fillPacketLengthCache(): void {
  if (filled) return;
  filled = true;
  const sink = { write: () => true, destroy: () => undefined } as unknown as NodeJS.WritableStream;
  const payload = Buffer.alloc(CACHED_LENGTH_LIMIT);
  // Numbers are written too (the topic's length). Leave mqtt.js's choice of a number cache as it
  // was: switching it on here would build its 65,536-entry table in a process that turned it off.
  const cachedNumbers = writeToStream.cacheNumbers;
  writeToStream.cacheNumbers = false;
  try {
    writeToStream({ cmd: 'puback', messageId: 1 } as Packet, sink);
    for (let length = PUBLISH_OVERHEAD; length < CACHED_LENGTH_LIMIT; length++) {
      writeToStream(
        { cmd: 'publish', topic: TOPIC, payload: payload.subarray(0, length - PUBLISH_OVERHEAD), qos: 0, dup: false, retain: false } as Packet,
        sink,
      );
    }
  } finally {
    writeToStream.cacheNumbers = cachedNumbers;
  }
}

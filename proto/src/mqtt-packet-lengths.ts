import { writeToStream, type Packet } from 'mqtt-packet';

/**
 * mqtt-packet (used by mqtt.js and aedes) caches the encoded remaining length of every packet
 * shorter than 16 KiB it writes, each in a 4-byte slice of Node's shared Buffer pool, and a slice
 * keeps its whole pool block alive (8 KiB; 64 KiB on Node 24). Met one at a time over hours of
 * traffic, each new length pins a block of its own: up to 128 MiB (1 GiB on Node 24) for 64 KiB
 * of cache. Writing one packet of every length once, at start, packs the whole cache into a few
 * adjacent blocks instead (about 256 KiB). Upstream: mqttjs/mqtt-packet#163.
 */
export const CACHED_LENGTH_LIMIT = 16_384;

const TOPIC = 'a';
/** A QoS 0 PUBLISH's remaining length: 2 bytes of topic length, the topic, the payload. */
const PUBLISH_OVERHEAD = 2 + TOPIC.length;

let filled = false;

/**
 * For a small process (the agent): pool blocks of 256 bytes instead of 8 KiB, so a cached length
 * pins at most 256 bytes, and only lengths actually written are cached (filling all 16,384 costs
 * ~1.5 MB of heap for their Buffer objects). Larger allocations then get their own memory, which
 * costs a little CPU per allocation; the agent allocates few.
 */
export function useSmallBufferPool(): void {
  Buffer.poolSize = SMALL_POOL_BYTES;
}

const SMALL_POOL_BYTES = 256;

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
      writeToStream({ cmd: 'publish', topic: TOPIC, payload: payload.subarray(0, length - PUBLISH_OVERHEAD), qos: 0, dup: false, retain: false } as Packet, sink);
    }
  } finally {
    writeToStream.cacheNumbers = cachedNumbers;
  }
}

/**
 * Upstream patch: Node's Buffer pool, shrunk for the whole agent process because of
 * mqtt-packet's cache of encoded remaining lengths.
 *
 * What: sets Buffer.poolSize to 256 bytes (Node's default is 8 KiB; 64 KiB on Node 24).
 * Why: mqtt-packet (under mqtt.js) caches the encoded remaining length of every packet shorter
 * than 16 KiB it writes, each in a 4-byte slice of the shared Buffer pool, and a slice keeps its
 * whole pool block alive: over hours of log traffic each new length pinned a block of its own
 * (the agent's RSS grew ~1 MB a minute under log load). With 256-byte blocks a cached length pins
 * at most 256 bytes, and only lengths the agent actually writes are cached. The broker and the
 * ingestor fill the cache at start instead (@vigil/proto/upstream-patches/mqtt-packet-lengths),
 * which would cost the agent ~1.5 MB of heap for 16,384 Buffer objects. Larger allocations then
 * get memory of their own, a little CPU per allocation; the agent allocates few.
 * Upstream: mqttjs/mqtt-packet#163 (open); see also mqttjs/mqtt-packet#164.
 * Checked against: mqtt-packet 9.0.2 (under mqtt 5.16.0), Node 20.20.
 * Still needed while: agent/test/upstream-patches/small-buffer-pool.test.ts "is still needed"
 * passes; when it fails, mqtt-packet no longer pins pool blocks and this file can go.
 */
export const SMALL_POOL_BYTES = 256;

/** Call first thing in the agent's entry point; it affects every later pooled allocation of the process. */
export function useSmallBufferPool(): void {
  Buffer.poolSize = SMALL_POOL_BYTES;
}

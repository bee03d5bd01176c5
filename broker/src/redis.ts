import { createRequire } from 'node:module';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import type { OutgoingPersistence } from './upstream-patches/bounded-persistence.js';

/**
 * Several broker nodes as one broker: aedes' deliveries go through Redis pub/sub (mqemitter-redis)
 * and its sessions, QoS 1 queues, retained messages and wills live in Redis
 * (aedes-persistence-redis), so a client may connect to any node and find its session there.
 */

type Sub = { clientId: string };
type QueuedPacket = Parameters<OutgoingPersistence['outgoingEnqueue']>[1];

/** What this module touches of aedes-persistence-redis's store (CommonJS, no typings). */
interface RedisPersistence {
  outgoingEnqueueCombi(subs: Sub[], packet: QueuedPacket): Promise<void>;
}
/** The package's export: aedes' callback/stream face over the async store (streams as Readables, which aedes 1.2 pipes). */
type PersistenceFactory = (options: { conn: Redis; maxSessionDelivery: number }) => { asyncPersistence: RedisPersistence };
type EmitterFactory = (options: { pubConn: Redis; subConn: Redis; concurrency: number }) => {
  close(cb: () => void): void;
  /** Re-emits its connections' errors; unheard, the first would end the process. */
  state: { on(event: 'error', listener: (error: Error) => void): void };
};

const require = createRequire(import.meta.url);
const aedesPersistenceRedis = require('aedes-persistence-redis') as PersistenceFactory;
// What aedes-persistence-redis stores a queued packet as (its packet class, msgpack-encoded).
const { Packet } = require('aedes-persistence') as { Packet: new (packet: QueuedPacket) => object };
const msgpack = require('msgpack-lite') as { encode(value: unknown): Buffer };

/**
 * aedes-persistence-redis 12's outgoingEnqueueCombi (the packet under packet:{broker}:{counter},
 * the number of queues holding it beside it, its key pushed on each session's list) with the
 * bound checked in the same step: one script, so neither concurrent publishes (aedes acks QoS 1
 * before it enqueues, so one client's publishes overlap) nor other nodes can overshoot it.
 * KEYS: packet, count, then one queue per subscriber; ARGV: encoded packet, bound. Returns 1 per
 * queue that took it, 0 per queue that was full.
 */
const BOUNDED_ENQUEUE = `
local taken = {}
local kept = 0
for i = 3, #KEYS do
  if redis.call('llen', KEYS[i]) < tonumber(ARGV[2]) then
    redis.call('rpush', KEYS[i], KEYS[1])
    kept = kept + 1
    taken[#taken + 1] = 1
  else
    taken[#taken + 1] = 0
  end
end
if kept > 0 then redis.call('mset', KEYS[1], ARGV[1], KEYS[2], kept) end
return taken`;
const mqemitterRedis = require('mqemitter-redis') as EmitterFactory;

/** The aedes-persistence-redis key of a session's QoS 1 queue (a list of packet keys). */
const outgoingKey = (clientId: string) => `outgoing:${encodeURIComponent(clientId)}`;

/** The URL as it may be shown: without a password. */
export function redisUrlForLogs(url: string): string {
  const parsed = URL.parse(url);
  if (!parsed) return '(unparseable URL)';
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Undefined when usable, else what is wrong with it (naming VIGIL_REDIS_URL and the fix). */
export function redisUrlProblem(url: string): string | undefined {
  const parsed = URL.parse(url);
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || !parsed.hostname)
    return `VIGIL_REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379/0 (got ${redisUrlForLogs(url)})`;
  if (parsed.pathname.length > 1 && !/^\/\d+$/.test(parsed.pathname))
    return `VIGIL_REDIS_URL: the path names a database number, e.g. redis://127.0.0.1:6379/0 (got ${redisUrlForLogs(url)})`;
  return undefined;
}

export interface RedisBackend {
  persistence: OutgoingPersistence & { setup(broker: unknown): Promise<void> };
  mq: unknown;
  /** QoS 1 messages queued for persistent sessions, as last read from Redis (all nodes' together). */
  depth(): number;
  close(): Promise<void>;
}

/**
 * Connects to Redis (failing at once, with the URL named, when it cannot be reached) and builds
 * aedes' emitter and persistence on it. Once running, a lost Redis is logged and retried forever:
 * what needs Redis (publishes, acks, new sessions) waits for it instead of failing, so a recorder's
 * publish is not acknowledged, and stays in its spool, until Redis is back.
 */
export async function redisBackend(url: string, limit: number, onDrop: (clientId: string) => void, log: Logger): Promise<RedisBackend> {
  const problem = redisUrlProblem(url);
  if (problem) throw new Error(problem);
  const shown = redisUrlForLogs(url);

  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5_000, enableOfflineQueue: false });
  // ioredis reports the cause (ECONNREFUSED, a DNS failure, NOAUTH) here and only "Connection is closed" to connect().
  let cause: Error | undefined;
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new Error(`VIGIL_REDIS_URL: cannot reach Redis at ${shown} (${(cause ?? (error as Error)).message}); start Redis or correct the URL`);
  } finally {
    probe.disconnect();
  }

  const warning = new RateLimitedWarning(log, 10_000);
  const connection = (role: string, extra: RedisOptions = {}) => {
    const redis = new Redis(url, {
      // Commands wait for a lost Redis rather than failing after 20 tries: a failed persistence
      // call inside aedes is an unhandled rejection (its will writes are not awaited).
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      ...extra,
    });
    let lost = false;
    redis.on('error', (error: Error) => {
      lost = true;
      warning.warn(`redis:${role}`, { redis: shown, connection: role, err: error.message }, 'Redis unreachable; retrying (publishes and acks wait for it)');
    });
    redis.on('ready', () => {
      if (lost) log.info({ redis: shown, connection: role }, 'Redis reachable again');
      lost = false;
    });
    return redis;
  };
  const db = connection('persistence');
  const pubConn = connection('publish', { enableAutoPipelining: true });
  const subConn = connection('subscribe');

  // One queued message per entry: the whole backlog is delivered when the session returns,
  // not only the store's default of the first 1,000.
  const persistence = aedesPersistenceRedis({ conn: db, maxSessionDelivery: limit });
  // The wrapper calls its store's methods at call time, so replacing the store's one bounds both.
  const store = persistence.asyncPersistence;
  const depths = new Map<string, number>();
  // The same bound as the memory store's, counted in Redis so it holds across nodes: past it a
  // message for that session is dropped and counted (its agent re-sends it; nothing leaves a spool
  // before the ingestor's ack).
  store.outgoingEnqueueCombi = async (subs, packet) => {
    if (subs.length === 0) return;
    const brokerPacket = packet as QueuedPacket & { brokerId: string; brokerCounter: number };
    const packetKey = `packet:${brokerPacket.brokerId}:${brokerPacket.brokerCounter}`;
    const keys = [packetKey, `${packetKey}:offlineCount`, ...subs.map((sub) => outgoingKey(sub.clientId))];
    const taken = (await db.eval(BOUNDED_ENQUEUE, keys.length, ...keys, msgpack.encode(new Packet(packet)), String(limit))) as number[];
    subs.forEach((sub, i) => {
      if (!depths.has(sub.clientId)) depths.set(sub.clientId, 0);
      if (taken[i] === 0) onDrop(sub.clientId);
    });
  };
  // For /metrics: the lengths of the queues this node has enqueued to, read every few seconds.
  const refresh = setInterval(() => {
    for (const clientId of depths.keys())
      db.llen(outgoingKey(clientId)).then(
        (length) => depths.set(clientId, length),
        () => {},
      );
  }, 5_000);
  refresh.unref();

  const mq = mqemitterRedis({ pubConn, subConn, concurrency: 0 });
  mq.state.on('error', () => {}); // logged by the connection's own listener above
  log.info({ redis: shown }, 'broker node shares sessions and deliveries through Redis');
  return {
    persistence: persistence as unknown as RedisBackend['persistence'],
    mq,
    depth: () => [...depths.values()].reduce((sum, length) => sum + length, 0),
    async close() {
      clearInterval(refresh);
      // aedes.close() has closed the emitter (its two connections); the store's is ours to end.
      db.disconnect();
    },
  };
}

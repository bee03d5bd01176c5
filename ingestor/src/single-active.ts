import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';

/**
 * One ingestor at a time (docs/DESIGN.md "Scale-out"): a second one on the same data directory, or
 * on the same Redis, waits as a hot standby instead of taking the broker session and splitting the
 * fleet's messages between two stores.
 */

/** Who holds the right the standby waits for (no secrets: the lease's token is left out). */
export interface ActiveHolder {
  /** `lock`: the data directory's ingestor.lock; `lease`: the Redis key. */
  kind: 'lock' | 'lease';
  /** The lock file, or the Redis key. */
  where: string;
  pid?: number;
  host?: string;
  /** When it became active (ms since the epoch), when known. */
  since?: number;
}

const LOCK_FILE = 'ingestor.lock';
/** Beside the lock, for the standby to say who holds it; informative only, never the lock itself. */
const HOLDER_FILE = 'ingestor.lock.json';

/**
 * An exclusive lock on `<dataDir>/ingestor.lock`: an SQLite EXCLUSIVE transaction kept open, i.e.
 * POSIX byte-range locks (fcntl) that the kernel drops when the process dies, however it dies. No pid
 * file that goes stale after a SIGKILL or a power cut.
 */
export class DataDirLock {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  /** The lock, or undefined while another process (or connection) holds it. Never waits. */
  static tryAcquire(dataDir: string): DataDirLock | undefined {
    const path = join(dataDir, LOCK_FILE);
    const db = new Database(path, { timeout: 0 });
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
      throw error;
    }
    const lock = new DataDirLock(db, path);
    writeFileSync(join(dataDir, HOLDER_FILE), JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() }));
    return lock;
  }

  /** Who the holder file says holds the lock (it may be a moment behind the lock itself). */
  static holder(dataDir: string): ActiveHolder {
    const where = join(dataDir, LOCK_FILE);
    try {
      const { pid, host, since } = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as { pid?: number; host?: string; since?: number };
      return { kind: 'lock', where, pid, host, since };
    } catch {
      return { kind: 'lock', where };
    }
  }

  release(): void {
    if (!this.db.open) return;
    this.db.exec('ROLLBACK');
    this.db.close();
  }
}

export interface LeaseOptions {
  /** Default `vigil:ingestor:active`. */
  key?: string;
  /** How long the lease lives without a renewal. Default 6 s. */
  ttlMs?: number;
  /** How often it is renewed. Default a quarter of the TTL. */
  renewMs?: number;
}

/** Renews only our own lease (the token matches), and only then. */
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * A lease in Redis: SET NX PX with a random token, renewed well within its TTL. It works across
 * hosts whose shared storage cannot be trusted with locks. The holder counts its lease valid only
 * until `TTL` after it *sent* its last successful renewal, so by its own clock it stops before
 * Redis can give the lease to another.
 */
export class RedisLease {
  readonly key: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  /** What the key holds while this lease has it: the token, and who and since when for standbys. */
  private value = '';
  private readonly token = randomBytes(16).toString('hex');
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private lostReason: string | undefined;
  private lostListeners: Array<(reason: string) => void> = [];

  constructor(
    private readonly redis: Redis,
    options: LeaseOptions = {},
  ) {
    this.key = options.key ?? 'vigil:ingestor:active';
    this.ttlMs = options.ttlMs ?? 6_000;
    this.renewMs = options.renewMs ?? Math.floor(this.ttlMs / 4);
  }

  /** True when this call took the lease (then it is renewed until release() or loss). */
  async tryAcquire(): Promise<boolean> {
    const sentAt = performance.now();
    this.value = JSON.stringify({ token: this.token, pid: process.pid, host: hostname(), since: Date.now() });
    const taken = await this.redis.set(this.key, this.value, 'PX', this.ttlMs, 'NX');
    if (taken !== 'OK') return false;
    this.validUntil = sentAt + this.ttlMs;
    this.timer = setInterval(() => void this.renew(), this.renewMs);
    return true;
  }

  /** Who holds the lease now, if anyone. */
  async holder(): Promise<ActiveHolder | undefined> {
    const text = await this.redis.get(this.key);
    if (text === null) return undefined;
    try {
      const { pid, host, since } = JSON.parse(text) as { pid?: number; host?: string; since?: number };
      return { kind: 'lease', where: this.key, pid, host, since };
    } catch {
      return { kind: 'lease', where: this.key };
    }
  }

  /**
   * Ours, and certainly not expired in Redis (from our last renewal, on the monotonic clock: a
   * wall clock set back must not stretch the lease).
   */
  valid(now = performance.now()): boolean {
    return this.lostReason === undefined && now < this.validUntil;
  }

  onLost(listener: (reason: string) => void): void {
    if (this.lostReason !== undefined) listener(this.lostReason);
    else this.lostListeners.push(listener);
  }

  private async renew(): Promise<void> {
    if (this.lostReason !== undefined) return;
    const sentAt = performance.now();
    // Renewals that hang (Redis paused, a partition) count as failed: by the next tick the lease
    // might be gone, so it is given up now, before Redis can hand it to another.
    if (sentAt + this.renewMs >= this.validUntil) {
      this.lose('the lease was not renewed in time (Redis did not answer)');
      return;
    }
    try {
      const renewed = await this.redis.eval(RENEW, 1, this.key, this.value, String(this.ttlMs));
      if (renewed === 1) {
        this.validUntil = sentAt + this.ttlMs;
        return;
      }
      this.lose('the lease expired in Redis or another ingestor holds it');
    } catch (error) {
      // One failed renewal is retried at the next tick, but only while the lease is surely still
      // ours: past that, another ingestor may hold it.
      if (performance.now() + this.renewMs >= this.validUntil) this.lose(`the lease could not be renewed in time: ${(error as Error).message}`);
    }
  }

  private lose(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    clearInterval(this.timer);
    for (const listener of this.lostListeners.splice(0)) listener(reason);
  }

  /** Gives the lease back at once (a clean shutdown), so the standby need not wait for the TTL. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    if (this.lostReason !== undefined) return;
    this.lostReason = 'released';
    await this.redis.eval(RELEASE, 1, this.key, this.value).catch(() => undefined);
  }
}

/** A redis:// URL as it may be logged: the password left out. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.username = '';
    return parsed.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

export interface ActiveRightOptions {
  dataDir: string;
  /** Set: a Redis lease too (VIGIL_REDIS_URL). */
  redisUrl?: string;
  logger: Logger;
  /** How often the standby tries again. Default 1 s. */
  pollMs?: number;
  lease?: LeaseOptions;
  /** Told each time the standby learns who holds the right (for /healthz and /metrics). */
  onStandby?: (holder: ActiveHolder) => void;
  /** Stop waiting (shutdown while standby). */
  signal?: AbortSignal;
}

/** What the active ingestor holds; it must stop processing the moment it is lost. */
export interface ActiveRight {
  /** False once lost: process nothing more (checked per message). */
  valid(): boolean;
  /** Called once if the right is lost (only a lease can be: a kernel lock lasts as long as the process). */
  onLost(listener: (reason: string) => void): void;
  release(): Promise<void>;
}

/**
 * Waits, as a standby, until this process holds the data directory's lock and (with Redis) the
 * lease; always the lock first, so two processes never each hold half. Resolves undefined when
 * aborted while waiting.
 */
export async function acquireActiveRight(options: ActiveRightOptions): Promise<ActiveRight | undefined> {
  const { logger: log, signal } = options;
  const pollMs = options.pollMs ?? 1_000;
  // Loaded only when configured: most fleets run without Redis, and every start would pay for it.
  const redis = options.redisUrl
    ? new (await import('ioredis')).Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2_000 })
    : undefined;
  // ioredis reports connection errors as events; the lease's calls fail with them and are retried.
  redis?.on('error', () => undefined);
  let lock: DataDirLock | undefined;
  let lease: RedisLease | undefined;
  let announced: string | undefined;
  const standby = (holder: ActiveHolder, detail?: string) => {
    options.onStandby?.(holder);
    const said = `${holder.kind}:${holder.pid}:${holder.host}:${holder.since}:${detail}`;
    if (said === announced) return;
    announced = said;
    log.warn(
      {
        role: 'standby',
        heldBy: holder.kind,
        where: holder.where,
        holderPid: holder.pid,
        holderHost: holder.host,
        holderSince: holder.since === undefined ? undefined : new Date(holder.since).toISOString(),
        detail,
      },
      `standby: another ingestor is active (it holds the ${holder.kind === 'lock' ? 'data directory lock' : 'Redis lease'}); taking over when it stops`,
    );
  };
  try {
    while (!signal?.aborted) {
      lock ??= DataDirLock.tryAcquire(options.dataDir);
      if (!lock) standby(DataDirLock.holder(options.dataDir));
      else if (!redis) {
        log.info({ role: 'active', lock: lock.path }, 'active: this ingestor holds the data directory lock');
        const held = lock;
        return { valid: () => true, onLost: () => undefined, release: async () => held.release() };
      } else {
        try {
          lease ??= new RedisLease(redis, options.lease);
          if (await lease.tryAcquire()) {
            log.info(
              { role: 'active', lock: lock.path, lease: lease.key, redis: redactedRedisUrl(options.redisUrl!) },
              'active: this ingestor holds the data directory lock and the Redis lease',
            );
            const [held, leased, client] = [lock, lease, redis];
            return {
              valid: () => leased.valid(),
              onLost: (listener) => leased.onLost(listener),
              release: async () => {
                await leased.release();
                client.disconnect();
                held.release();
              },
            };
          }
          standby((await lease.holder()) ?? { kind: 'lease', where: lease.key });
        } catch (error) {
          // Without Redis nobody can be sure to be the only active one: wait as a standby.
          standby({ kind: 'lease', where: redactedRedisUrl(options.redisUrl!) }, `Redis unreachable: ${(error as Error).message}`);
        }
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', wake);
          resolve();
        }, pollMs);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  } catch (error) {
    lock?.release();
    redis?.disconnect();
    throw error;
  }
  lock?.release();
  redis?.disconnect();
  return undefined;
}

/** `vigil_ingestor_active` (1 on the active ingestor, 0 on a standby) in `registry`, or a new registry of its own. */
export function roleMetric(active: boolean, registry = new Registry()): Registry {
  new Gauge({ name: 'vigil_ingestor_active', help: 'This ingestor is the active one (1) or a standby (0)', registers: [registry] }).set(active ? 1 : 0);
  return registry;
}

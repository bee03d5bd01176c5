import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { acquireActiveRight, type ActiveHolder, DataDirLock, RedisLease } from '../src/single-active.js';

const quiet = pino({ level: 'silent' });
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The first truthy value `probe` gives, polled until `ms` have passed. */
async function eventually<T>(what: string, probe: () => T | Promise<T>, ms: number): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-single-active-'));
  dirs.push(dir);
  return dir;
}

/** Another process holding the lock the way an ingestor does, until it is killed. */
async function lockHolder(dir: string): Promise<ChildProcess> {
  const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
  const script = `const D = require(${JSON.stringify(betterSqlite3)}); const db = new D(${JSON.stringify(join(dir, 'ingestor.lock'))}, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE'); console.log('held'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
  });
  return child;
}

describe('the data directory lock', () => {
  it('is held by one at a time, says who holds it, and is free again on release', () => {
    const dir = tempDir();
    const lock = DataDirLock.tryAcquire(dir);
    expect(lock).toBeDefined();
    expect(DataDirLock.tryAcquire(dir)).toBeUndefined();
    expect(DataDirLock.holder(dir)).toMatchObject({ kind: 'lock', where: join(dir, 'ingestor.lock'), pid: process.pid });
    lock!.release();
    const again = DataDirLock.tryAcquire(dir);
    expect(again).toBeDefined();
    again!.release();
  });

  it('is dropped by the kernel when its holder is SIGKILLed (no stale pid file)', async () => {
    const dir = tempDir();
    const holder = await lockHolder(dir);
    expect(DataDirLock.tryAcquire(dir)).toBeUndefined();
    holder.kill('SIGKILL');
    const lock = await eventually('the lock', () => DataDirLock.tryAcquire(dir), 10_000);
    lock.release();
  });

  it('makes acquireActiveRight wait as a standby until the holder goes, or until aborted', async () => {
    const dir = tempDir();
    const held = DataDirLock.tryAcquire(dir)!;
    const seen: ActiveHolder[] = [];
    const waiting = acquireActiveRight({ dataDir: dir, logger: quiet, pollMs: 50, onStandby: (h) => seen.push(h) });
    await eventually('two standby polls', () => seen.length >= 2, 5_000);
    expect(seen[0]).toMatchObject({ kind: 'lock', pid: process.pid });
    held.release();
    const right = await waiting;
    expect(right?.valid()).toBe(true);
    // While it is held, another waits; aborted, it gives up without the right.
    const aborting = new AbortController();
    const other = acquireActiveRight({ dataDir: dir, logger: quiet, pollMs: 50, signal: aborting.signal });
    aborting.abort();
    expect(await other).toBeUndefined();
    await right!.release();
    expect(DataDirLock.tryAcquire(dir)?.release()).toBeUndefined();
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describeWithSystem('the Redis lease', ['/usr/bin/redis-server'], () => {
  let redisServer: ChildProcess;
  let url: string;
  const clients: Redis[] = [];
  const client = () => {
    const one = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    one.on('error', () => undefined);
    clients.push(one);
    return one;
  };
  beforeAll(async () => {
    const port = await freePort();
    const dir = tempDir();
    redisServer = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    children.push(redisServer);
    url = `redis://127.0.0.1:${port}/0`;
    const probe = client();
    await eventually('redis-server', async () => (await probe.ping().catch(() => '')) === 'PONG', 20_000);
  });
  afterAll(() => {
    for (const one of clients) one.disconnect();
  });

  it('goes to one holder, is renewed past its TTL, and is free at once on release', async () => {
    const key = 'test:lease:renew';
    const first = new RedisLease(client(), { key, ttlMs: 600, renewMs: 150 });
    const second = new RedisLease(client(), { key, ttlMs: 600, renewMs: 150 });
    expect(await first.tryAcquire()).toBe(true);
    expect(await second.tryAcquire()).toBe(false);
    expect(await second.holder()).toMatchObject({ kind: 'lease', where: key, pid: process.pid });
    // Three TTLs later it is still the first's: renewed, never lapsed.
    const deadline = Date.now() + 1_800;
    while (Date.now() < deadline) {
      expect(await second.tryAcquire()).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(first.valid()).toBe(true);
    await first.release();
    expect(first.valid()).toBe(false);
    expect(await second.tryAcquire()).toBe(true);
    await second.release();
  });

  it('is lost at once when Redis lets it expire, and no token is shown', async () => {
    const key = 'test:lease:expired';
    const lease = new RedisLease(client(), { key, ttlMs: 5_000, renewMs: 200 });
    expect(await lease.tryAcquire()).toBe(true);
    const stored = await client().get(key);
    const shown = await new RedisLease(client(), { key }).holder();
    expect(shown).toMatchObject({ kind: 'lease', pid: process.pid });
    expect(JSON.stringify(shown)).not.toContain(JSON.parse(stored!).token);
    const lost = new Promise<string>((resolve) => lease.onLost(resolve));
    await client().pexpire(key, 1);
    expect(await lost).toMatch(/expired|another/);
    expect(lease.valid()).toBe(false);
  });

  it('is given up before its TTL when Redis stops answering', async () => {
    const key = 'test:lease:paused';
    const lease = new RedisLease(client(), { key, ttlMs: 1_500, renewMs: 250 });
    expect(await lease.tryAcquire()).toBe(true);
    const lost = new Promise<number>((resolve) => lease.onLost(() => resolve(Date.now())));
    const pausedAt = Date.now();
    redisServer.kill('SIGSTOP');
    try {
      const lostAt = await lost;
      // Given up within its TTL of the last renewal (at most a renewal interval before the pause).
      expect(lostAt - pausedAt).toBeLessThan(1_500);
      expect(lease.valid()).toBe(false);
    } finally {
      redisServer.kill('SIGCONT');
    }
    // Redis itself expires it later; nobody else could have had it while this holder still believed it had.
    await eventually('Redis to expire it', async () => (await client().exists(key)) === 0, 5_000);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { Fleet, freePort, type LogLine, type VigilProcess, waitFor } from './support/fleet.js';
import { reportFault } from './support/report.js';

/**
 * One ingestor at a time (issue #17, docs/DESIGN.md "Scale-out"): a second `vigil ingestor` on the
 * same data directory (or the same Redis) waits as a hot standby instead of taking the broker
 * session every two seconds and splitting the fleet's messages; it takes over when the active dies.
 */

const logged = (process: VigilProcess, prefix: string) => process.lines.filter((l: LogLine) => typeof l.msg === 'string' && l.msg.startsWith(prefix));
const connections = (process: VigilProcess) => logged(process, 'ingestor connected').length;

async function roleOf(metricsPort: number): Promise<{ role?: string; active?: string; heldBy?: { kind?: string; pid?: number } }> {
  const health = (await (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).json()) as { role?: string; heldBy?: { kind?: string; pid?: number } };
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return { role: health.role, heldBy: health.heldBy, active: /^vigil_ingestor_active (\d)/m.exec(metrics)?.[1] };
}

// One fleet (broker, PKI) for both scenarios: each starts its own ingestors.
let fleet: Fleet;
beforeAll(async () => {
  fleet = await Fleet.start('ingestor-standby');
});
afterAll(async () => {
  await fleet?.close();
});

describe('fault: a second ingestor on the same data directory', () => {
  it('waits as a standby, takes over a SIGKILLed active under load with nothing lost, doubled or shown wrong', async () => {
    const first = fleet.ingestor;
    const second = await fleet.anotherIngestor('ingestor 2');
    await second.process.start();
    await waitFor(
      'the second ingestor to say it is the standby',
      () => logged(second.process, 'standby:').length,
      (n) => n >= 1,
    );
    expect(await roleOf(second.metricsPort)).toEqual({ role: 'standby', active: '0', heldBy: expect.objectContaining({ kind: 'lock', pid: first.pid }) });
    expect(await roleOf(fleet.ports.ingestorMetrics)).toMatchObject({ role: 'active', active: '1' });

    const agents = await Promise.all(['rec-sb-1', 'rec-sb-2'].map((id) => fleet.agent(id)));
    const writers = agents.map((a) => a.writeSteadily(100));
    await waitFor(
      'observations flowing',
      () => fleet.count(agents[0]!).stored,
      (n) => n >= 200,
    );
    // The bug was a session taken every ~2 s: by now the standby would have connected several times.
    expect(connections(second.process)).toBe(0);
    expect(connections(first)).toBe(1);

    const beforeKill = Date.now();
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'the standby to take over',
      () => connections(second.process),
      (n) => n >= 1,
      30_000,
    );
    const takeoverSeconds = (Date.now() - killedAt) / 1000;
    expect(logged(second.process, 'active:')).toHaveLength(1);
    await waitFor(
      'the new active to say so',
      () => roleOf(second.metricsPort).catch(() => ({})),
      (r) => 'role' in r && r.role === 'active' && r.active === '1',
    );
    const taken = fleet.count(agents[0]!).stored;
    await waitFor(
      'observations flowing through the new active',
      () => fleet.count(agents[0]!).stored,
      (n) => n >= taken + 150,
    );
    for (const w of writers) w.stop();
    const total = await fleet.settleAll(agents);
    reportFault({ name: 'ingestor-standby', ...total, recoveredSeconds: takeoverSeconds, details: { agents: agents.length } });
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
    // Nobody was shown offline or unavailable because the ingestor changed hands.
    const wrong = fleet.read((db) =>
      db.prepare(`SELECT recorder_id, state, since FROM state_changes WHERE since >= ? AND state NOT IN ('online', 'degraded')`).all(beforeKill),
    );
    expect(wrong).toEqual([]);
    expect(agents.map((a) => fleet.recorderState(a.id))).toEqual(['online', 'online']);

    // The old one, started again, is now the standby; a clean stop of the active hands over at once.
    await first.start({ waitUntilReady: false });
    await waitFor(
      'the restarted ingestor to be the standby',
      () => logged(first, 'standby:').length,
      (n) => n >= 1,
    );
    expect(connections(first)).toBe(1);
    const stoppedAt = Date.now();
    await second.process.stop();
    await waitFor(
      'the standby to take over after a clean stop',
      () => connections(first),
      (n) => n >= 2,
      15_000,
    );
    const handoverSeconds = (Date.now() - stoppedAt) / 1000;
    console.log(`ingestor-standby: takeover after SIGKILL ${takeoverSeconds.toFixed(1)} s, after a clean stop ${handoverSeconds.toFixed(1)} s`);
    expect(second.process.exitCode).toBe(0);
  }, 120_000);
});

/** A redis-server of this test's own on a free loopback port, stopped by PID. */
async function startRedis(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-standby-redis-'));
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}/0`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  await waitFor(
    'redis-server to answer',
    () =>
      probe.connect().then(
        () => true,
        () => false,
      ),
    (ok) => ok,
    20_000,
  );
  probe.disconnect();
  return { url, child, dir };
}

describeWithSystem('fault: ingestors on different hosts share a Redis lease', ['/usr/bin/redis-server'], () => {
  let redis: { url: string; child: ChildProcess; dir: string };
  beforeAll(async () => {
    redis = await startRedis();
    // Whatever the other scenario left running.
    await Promise.all([fleet.ingestor, ...fleet.otherIngestors].map((one) => one.stop()));
  });
  afterAll(async () => {
    if (redis) {
      redis.child.kill('SIGTERM');
      rmSync(redis.dir, { recursive: true, force: true });
    }
  });

  it('the lease decides; a SIGKILLed holder is replaced; a holder whose lease expired stops at once', async () => {
    // Another host: its own data directory (same PKI), so only the lease keeps the two apart.
    const otherDir = join(fleet.dir, 'other-host');
    mkdirSync(otherDir);
    cpSync(join(fleet.dataDir, 'pki'), join(otherDir, 'pki'), { recursive: true });
    const env = { VIGIL_REDIS_URL: redis.url };
    const first = (await fleet.anotherIngestor('ingestor with a lease', { env })).process;
    await first.start();
    await waitFor(
      'the first to be active',
      () => connections(first),
      (n) => n >= 1,
    );
    const second = await fleet.anotherIngestor('ingestor on another host', { dataDir: otherDir, env });
    await second.process.start();
    await waitFor(
      'the second ingestor to be the standby',
      () => roleOf(second.metricsPort).catch(() => ({})),
      (r) => 'role' in r && r.role === 'standby' && r.heldBy?.kind === 'lease' && r.heldBy.pid === first.pid,
    );
    expect(connections(second.process)).toBe(0);

    await first.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'the standby to take over once the lease expires',
      () => connections(second.process),
      (n) => n >= 1,
      30_000,
    );
    const takeoverSeconds = (Date.now() - killedAt) / 1000;
    // Not before the dead holder's lease ran out (6 s), not long after.
    expect(takeoverSeconds).toBeGreaterThan(2);

    await first.start({ waitUntilReady: false });
    await waitFor(
      'the restarted ingestor to be the standby',
      () => logged(first, 'standby:').length,
      (n) => n >= 1,
    );
    // Redis lets the active's lease expire now (as after a pause longer than its TTL): it stops at
    // once, non-zero, and the standby takes over.
    const client = new Redis(redis.url);
    try {
      expect(await client.pexpire('vigil:ingestor:active', 1)).toBe(1);
    } finally {
      client.disconnect();
    }
    await waitFor(
      'the old active to stop',
      () => second.process.running,
      (running) => !running,
      15_000,
    );
    expect(second.process.exitCode).toBe(3);
    expect(logged(second.process, 'lost the single-active right')).toHaveLength(1);
    await waitFor(
      'the standby to become active',
      () => connections(first),
      (n) => n >= 2,
      15_000,
    );
    console.log(`ingestor-lease: takeover after SIGKILL ${takeoverSeconds.toFixed(1)} s`);
  }, 120_000);
});

// Reconnect storm: a fleet of simulated agents (BENCH_AGENTS, default 10,000) on two broker nodes
// sharing Redis, and the real ingestor; then both nodes restarted as an operator does, one after the
// other (rolling), and then both at once. Per restart: the time until every recorder whose connection
// was cut has a new session in the ingestor's state (its birth applied), how many recorders the
// ingestor EVER showed unavailable or offline (its state log: onStateChange, checked against
// fleet.db's state_changes), the ingestor's event-loop delay and the time it spent opening sessions
// (RSA), and the broker nodes' peak RSS.
// Run: npm run bench -- broker/storm        (BENCH_AGENTS=500 for a quick run; 10,000 takes ~15 minutes)
//
// Processes: redis-server (Debian's, on a free port), two broker nodes (bench/support/broker-process.ts,
// startBroker as `vigil broker` runs it, SIGTERM -> close()), the agents in children of 2,500
// (bench/support/storm-agents.ts: mqtt.js over TLS, birth, heartbeats, sealed wills, the agent's
// backoff over the list of both URLs), and this process, which runs the ingestor (startIngestor, as
// `vigil ingestor`, SQLite) given both nodes' URLs. Target: nobody shown unavailable or offline, all
// back within the longest backoff (the agent's ceiling: one heartbeat interval, 30 s) + 30 s.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { startIngestor } from '@vigil/ingestor';
import { EnvelopeOpener } from '@vigil/proto/envelope';
import { startRedisServer } from '../../testing/redis-server.js';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { benchFleet } from '../support/fleet-pki.js';
import { CpuLedger, hostCpuSeconds, rssBytes, sleep } from '../support/proc.js';
import { spawnStormAgents, type StormAgents, type StormStatus } from '../support/storm-agents.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const PER_CHILD = 2_500;
const HEARTBEAT_S = 30;
const MIN_RECONNECT_MS = 1_000;
const MAX_RECONNECT_MS = 60_000;
/** The agent's longest backoff: its ceiling is one heartbeat interval. */
const LONGEST_BACKOFF_MS = Math.min(MAX_RECONNECT_MS, HEARTBEAT_S * 1000);
const TARGET_MS = LONGEST_BACKOFF_MS + 30_000;
const CONNECTS_PER_SECOND = 400;
const MODES = (process.env.BENCH_RESTARTS ?? 'rolling,both').split(',');
const MB = 1024 ** 2;

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const countBy = (values: string[]) => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};
const now = () => performance.timeOrigin + performance.now();
const log = pino({ name: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2));

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

// Time the ingestor spends verifying and unwrapping data keys (once per session; see ingest/session-open).
// Counted per entry into the opener's slow path, which a message of a sender's previous session (a
// will after the new birth) also enters, to find its key in the cache: more entries than new sessions.
let rsaMs = 0;
let rsaCount = 0;
{
  const proto = EnvelopeOpener.prototype as unknown as { verifiedByDigest: (...args: unknown[]) => unknown };
  const verified = proto.verifiedByDigest;
  proto.verifiedByDigest = function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return verified.apply(this, args);
    } finally {
      rsaMs += performance.now() - started;
      rsaCount++;
    }
  };
}

const fleet = await benchFleet(AGENTS, (line) => console.log(`  ${line}`));
const redis = await startRedisServer();
const ports = [await freePort(), await freePort()];
const urls = ports.map((port) => `mqtts://127.0.0.1:${port}`);
/** e.g. BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the nodes (written when each stops). */
const brokerNodeArgs = process.env.BENCH_BROKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const node = (i: number) => spawnBroker({ pkiDir: fleet.pki.dir, port: ports[i], redisUrl: redis.url }, brokerNodeArgs);
const nodes: BrokerProcess[] = [await node(0), await node(1)];
const peakRss = [0, 0];
const children: StormAgents[] = [];
/** Where the host's CPU goes during a storm: the simulated fleet shares the machine with what it tests. */
const cpu = new CpuLedger(() => ({
  'simulated agents': children.map((c) => c.child.pid),
  'broker nodes': nodes.map((n) => n.child.pid),
  redis: [redis.pid],
  'ingestor (bench process)': [process.pid],
}));
const rssTimer = setInterval(() => {
  cpu.sample();
  nodes.forEach((n, i) => {
    try {
      const rss = rssBytes(n.child.pid as number);
      // NaN while it exits (no VmRSS in a zombie's status).
      if (rss > (peakRss[i] as number)) peakRss[i] = rss;
    } catch {
      // between a node's exit and its restart
    }
  });
}, 500);

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-storm-'));
const dbPath = join(dir, 'fleet.db');
const ingestor = await startIngestor({
  brokerUrl: urls.join(','), // both nodes, as `VIGIL_BROKER_URL` lists them: a restart of one moves it to the other
  tls: fleet.pki.service('ingestor'),
  recipientPrivateKeyPems: [readFileSync(fleet.pki.envelopeKeyPath, 'utf8')],
  signingKeyOf: (id) => fleet.pki.signingKeyOf(id),
  dbPath,
  // 'error': its reconnect warnings while node A restarts are expected here.
  logger: pino({ name: 'ingestor', level: process.env.BENCH_LOG_LEVEL ?? 'error' }, pino.destination(2)),
});
await ingestor.ready;

/** Last applied birth per recorder (ingestor's clock). */
const bornAt = new Map<string, number>();
const state = ingestor.state as { birth: (id: string, bdSeq: number, hb: number, at: number, epoch?: string) => boolean };
const birth = state.birth.bind(state);
state.birth = (id, bdSeq, hb, at, epoch) => {
  const applied = birth(id, bdSeq, hb, at, epoch);
  if (applied) bornAt.set(id, now());
  return applied;
};
/** Recorders shown down (unavailable, offline) since the phase began. */
let shownDown = new Map<string, string>();
ingestor.onStateChange((change) => {
  if (change.state === 'unavailable' || change.state === 'offline') shownDown.set(change.recorderId, change.state);
});

const loadAt = [loadavg()[0] as number];
const results: string[] = [];
try {
  const connectStarted = performance.now();
  for (let from = 0; from < AGENTS; from += PER_CHILD) {
    const ids = fleet.ids.slice(from, from + PER_CHILD);
    children.push(
      spawnStormAgents({
        urls,
        pkiDir: fleet.pki.dir,
        ids,
        firstIndex: from,
        fleetSize: AGENTS,
        connectsPerSecond: CONNECTS_PER_SECOND / Math.ceil(AGENTS / PER_CHILD),
        heartbeatSeconds: HEARTBEAT_S,
        minReconnectMs: MIN_RECONNECT_MS,
        maxReconnectMs: MAX_RECONNECT_MS,
      }),
    );
  }
  await Promise.all(children.map((c) => c.start()));
  const connectS = (performance.now() - connectStarted) / 1000;
  const onlineStarted = performance.now();
  while (ingestor.state.countsByState().online < AGENTS && performance.now() - onlineStarted < 600_000) await sleep(200);
  console.log(
    `  ${fmt(AGENTS)} agents connected in ${connectS.toFixed(0)} s, all online in the ingestor ${((performance.now() - onlineStarted) / 1000).toFixed(0)} s later: ${JSON.stringify(ingestor.state.countsByState())}; ${fmt(rsaCount)} entries into the session path, ${(rsaMs / 1000).toFixed(1)} s of the ingestor's thread`,
  );
  // One heartbeat interval, so every agent has heartbeated on its session before the storm.
  await sleep(HEARTBEAT_S * 1000);

  const statuses = () => Promise.all(children.map((c) => c.status()));
  const restart = async (which: number[], label: string) => {
    await Promise.all(children.map((c) => c.mark()));
    shownDown = new Map();
    const rsaBefore = { ms: rsaMs, count: rsaCount };
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const cpuBefore = cpu.snapshot();
    const hostBefore = hostCpuSeconds();
    const started = now();
    const stormStart = Date.now();
    // The operator's restart: SIGTERM, wait for the exit, start it again on its port.
    await Promise.all(which.map((i) => (nodes[i] as BrokerProcess).stop()));
    const downS = (now() - started) / 1000;
    await Promise.all(
      which.map(async (i) => {
        nodes[i] = await node(i);
      }),
    );
    const upS = (now() - started) / 1000;
    let all: StormStatus[] = [];
    let backAt = Number.NaN;
    const deadline = started + TARGET_MS + 240_000;
    for (;;) {
      all = await statuses();
      const cut = all.flatMap((s) => s.cutSinceMark);
      const open = all.reduce((n, s) => n + s.open, 0);
      const reborn = cut.filter((id) => (bornAt.get(id) ?? 0) > started).length;
      if (cut.length > 0 && open === AGENTS && reborn === cut.length) {
        backAt = Math.max(...cut.map((id) => bornAt.get(id) as number));
        break;
      }
      if (now() > deadline) break;
      await sleep(250);
    }
    delay.disable();
    const cpuAfter = cpu.snapshot();
    const hostAfter = hostCpuSeconds();
    const hostBusy = hostAfter.busy - hostBefore.busy;
    const hostIdlePercent = (100 * (hostAfter.idle - hostBefore.idle)) / (hostBusy + hostAfter.idle - hostBefore.idle);
    const cpuSpent = Object.entries(cpuAfter)
      .map(([group, seconds]) => `${group} ${(seconds - (cpuBefore[group] ?? 0)).toFixed(1)} s`)
      .join(', ');
    const cut = all.flatMap((s) => s.cutSinceMark);
    const backMs = backAt - started;
    // The state log on disk agrees with what the ingestor announced.
    const db = new Database(dbPath, { readonly: true });
    const logged = db
      .prepare("SELECT COUNT(DISTINCT recorder_id) AS n FROM state_changes WHERE since >= ? AND state IN ('unavailable', 'offline')")
      .get(stormStart) as { n: number };
    db.close();
    const longestBackoff = Math.max(...all.map((s) => s.longestBackoffMs));
    const failed = all.reduce((n, s) => n + s.failedAttemptsSinceMark, 0);
    const errors = [...new Set(all.flatMap((s) => s.errors))].slice(0, 3);
    const met = shownDown.size === 0 && logged.n === 0 && backMs <= TARGET_MS;
    const line = [
      `${label}: ${which.length === 1 ? 'node down' : 'nodes down'} ${downS.toFixed(1)} s after SIGTERM, listening again at ${upS.toFixed(1)} s;`,
      `${fmt(cut.length)} recorders cut, ${Number.isNaN(backMs) ? 'NOT all back' : `all back in the ingestor's state (new session born) ${(backMs / 1000).toFixed(1)} s after the SIGTERM`}`,
      `(longest backoff drawn ${(longestBackoff / 1000).toFixed(1)} s, ${fmt(failed)} failed attempts${errors.length ? `, e.g. ${errors.join('; ')}` : ''});`,
      `shown unavailable/offline: ${shownDown.size} (${JSON.stringify(countBy([...shownDown.values()]))}; state log in fleet.db: ${logged.n}); states now ${JSON.stringify(ingestor.state.countsByState())};`,
      `ingestor event loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, mean ${(delay.mean / 1e6).toFixed(1)} ms;`,
      `CPU from the SIGTERM until all back: ${cpuSpent} (host: ${hostBusy.toFixed(1)} s busy, ${hostIdlePercent.toFixed(0)} % idle);`,
      `opening sessions (verify + unwrap, or the cache): ${((rsaMs - rsaBefore.ms) / 1000).toFixed(1)} s of the ingestor's thread over ${fmt(rsaCount - rsaBefore.count)} entries;`,
      `target (none shown down, all back within ${TARGET_MS / 1000} s): ${met ? 'met' : 'MISSED'}`,
    ].join(' ');
    console.log(`  ${line}`);
    results.push(line);
    // Let the fleet settle on its new nodes before the next restart.
    await sleep(5_000);
  };

  for (const mode of MODES) {
    if (mode === 'rolling') {
      await restart([0], 'rolling restart, node A');
      await restart([1], 'rolling restart, node B');
    } else if (mode === 'both') {
      await restart([0, 1], 'both nodes at once');
    }
  }
  loadAt.push(loadavg()[0] as number);
  const stats = await Promise.all(nodes.map((n) => n.stats()));
  console.log(
    `storm: ${fmt(AGENTS)} agents (mqtt.js over TLS in ${children.length} processes, heartbeat ${HEARTBEAT_S} s, backoff ${MIN_RECONNECT_MS / 1000}-${LONGEST_BACKOFF_MS / 1000} s over both URLs), two broker nodes on Redis, the ingestor (SQLite) given both URLs; ${cpus()[0]?.model ?? '?'} x${cpus().length}, load average ${loadAt.map((l) => l.toFixed(1)).join(' -> ')}:`,
  );
  for (const line of results) console.log(`  ${line}`);
  console.log(
    `  broker nodes: peak RSS ${peakRss.map((b) => `${(b / MB).toFixed(0)} MiB`).join(' and ')}; connections now ${stats.map((s) => fmt(s.connections)).join(' + ')}, refused ${JSON.stringify(stats.map((s) => s.refused))}`,
  );
} finally {
  clearInterval(rssTimer);
  await Promise.all(children.map((c) => c.close()));
  await ingestor.close();
  await Promise.all(nodes.map((n) => n.stop()));
  await redis.destroy();
  rmSync(dir, { recursive: true, force: true });
  log.debug('done');
}

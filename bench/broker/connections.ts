// Broker connections: how many concurrent TLS recorder connections (30 s keepalive) our broker
// holds, and its memory per connection. The broker runs in a child process of its own (so its RSS
// is its own), with its default limits in force: connects are paced at 400/s, under its 500/s
// connect-rate limit, and the count stays under its 20,000 max connections. The clients are real
// mqtt.js clients with their own device certificates, 2,500 per child process.
// Run: npm run bench -- broker/connections        (about 3 minutes; more on the first run)
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { benchFleet } from '../support/fleet-pki.js';
import { spawnBroker } from '../support/broker-process.js';
import { spawnPublishers, type Publishers } from '../support/publishers.js';
import { CpuMeter, rssBytes, sleep } from '../support/proc.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 15_000);
const PER_CHILD = 2_500;
const CONNECTS_PER_SECOND = 400;
/** More than two keepalive periods, so every client has pinged at least twice. */
const HOLD_S = Number(process.env.BENCH_HOLD_SECONDS ?? 70);
const KEEPALIVE_S = 30;
const BUDGET_BYTES = 2 * 1024 ** 3;
const MB = 1024 ** 2;

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mib = (bytes: number) => `${(bytes / MB).toFixed(1)} MiB`;

const { pki, ids } = await benchFleet(CONNECTIONS, (line) => console.log(`  ${line}`));
const broker = await spawnBroker({ pkiDir: pki.dir }, ['--expose-gc']);
const pid = broker.child.pid!;
const fdLimit = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1];
const url = `mqtts://127.0.0.1:${broker.port}`;
const children: Publishers[] = [];
const steps: { connections: number; rss: number; rssAfterGc: number; seconds: number }[] = [];
const load = [loadavg()[0]!];
try {
  await broker.gc();
  steps.push({ connections: 0, rss: rssBytes(pid), rssAfterGc: rssBytes(pid), seconds: 0 });
  for (let from = 0; from < CONNECTIONS; from += PER_CHILD) {
    const publishers = spawnPublishers({
      url,
      pkiDir: pki.dir,
      ids: ids.slice(from, from + PER_CHILD),
      connectsPerSecond: CONNECTS_PER_SECOND,
      keepaliveSeconds: KEEPALIVE_S,
    });
    children.push(publishers);
    const result = await publishers.connect();
    if (result.failed > 0)
      throw new Error(
        `${result.failed} of ${result.connected + result.failed} clients failed to connect; first error: ${result.firstError}; broker: ${JSON.stringify(await broker.stats())}`,
      );
    const { connections } = await broker.stats();
    const rss = rssBytes(pid);
    await broker.gc();
    steps.push({ connections, rss, rssAfterGc: rssBytes(pid), seconds: result.seconds });
    console.log(
      `  ${fmt(connections).padStart(6)} connections: RSS ${mib(rss)}, after GC ${mib(rssBytes(pid))} (${fmt(result.connected)} connected in ${result.seconds.toFixed(1)} s)`,
    );
  }
  load.push(loadavg()[0]!);

  // Hold: every client pings the broker every 30 s; nobody may be dropped.
  const meter = new CpuMeter({ broker: pid });
  meter.start();
  const holdRss: number[] = [];
  for (let t = 0; t < HOLD_S; t += 10) {
    await sleep(10_000);
    holdRss.push(rssBytes(pid));
  }
  const holdCpu = meter.stop().broker!;
  const statuses = await Promise.all(children.map((c) => c.status()));
  const open = statuses.reduce((n, s) => n + s.open, 0);
  const lost = statuses.reduce((n, s) => n + s.lost, 0);
  const lostReasons = [...new Set(statuses.flatMap((s) => s.lostReasons))];
  const stats = await broker.stats();
  await broker.gc();
  const finalRss = rssBytes(pid);
  load.push(loadavg()[0]!);

  const base = steps[0]!.rssAfterGc;
  const full = steps.at(-1)!;
  const perConnection = (full.rssAfterGc - base) / full.connections;
  const perConnectionNoGc = (full.rss - steps[0]!.rss) / full.connections;
  const fitsIn2GiB = Math.floor((BUDGET_BYTES - base) / Math.max(perConnection, perConnectionNoGc));
  const clientRss = children.reduce((n, c) => n + rssBytes(c.child.pid!), 0);
  console.log(
    `broker connections: ${fmt(CONNECTIONS)} TLS clients (mqtt.js, device certificates, keepalive ${KEEPALIVE_S} s) in ${children.length} child processes, connects paced at ${CONNECTS_PER_SECOND}/s; broker limits at their defaults; broker fd limit ${fdLimit}; load average ${load.map((l) => l.toFixed(1)).join(' -> ')}:`,
  );
  console.log(`  broker RSS idle ${mib(base)} (after GC); with ${fmt(full.connections)} connections ${mib(full.rss)}, ${mib(full.rssAfterGc)} after GC`);
  console.log(`  memory per connection: ${(perConnection / 1024).toFixed(1)} KiB after GC (${(perConnectionNoGc / 1024).toFixed(1)} KiB without)`);
  console.log(
    `  held ${HOLD_S} s: ${fmt(stats.connections)} connections at the broker, ${fmt(open)} open at the clients, ${lost} lost${lost ? ` (${lostReasons.join('; ')})` : ''}; broker CPU ${holdCpu.toFixed(1)} % of a core; RSS during hold ${holdRss.map((r) => (r / MB).toFixed(0)).join(' ')} MiB, ${mib(finalRss)} after GC; refused ${JSON.stringify(stats.refused)}, client errors at the broker ${JSON.stringify(stats.clientErrors)}`,
  );
  console.log(`  clients' own RSS (${children.length} processes): ${mib(clientRss)}`);
  console.log(`  connections within 2 GiB at this rate (extrapolated): ~${fmt(fitsIn2GiB)}; the broker's max connections limit is 20,000`);
  const met = stats.connections >= 10_000 && lost === 0 && full.rss < BUDGET_BYTES;
  console.log(
    `  target >= 10,000 held within 2 GiB: ${met ? 'met' : 'MISSED'} (${fmt(stats.connections)} held, RSS ${mib(Math.max(full.rss, ...holdRss))} at most)`,
  );
} finally {
  await Promise.all(children.map((c) => c.close()));
  await broker.stop();
}

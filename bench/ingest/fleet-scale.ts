// Fleet scale: 10,000 simulated recorders held by one broker and one ingestor, each sending a
// sealed heartbeat every 30 s, spread evenly over the interval (about 333 a second); the delay
// from a heartbeat's publish to its state committed in fleet.db (the recorder's last seen and
// heartbeat clock, in the ingestor's SQLite transaction).
// Run: npm run bench -- ingest/fleet-scale        (about 5 minutes; more on the first run)
//
// How: the recorders are real mqtt.js TLS clients with their own device certificates and
// EnvelopeSealers, 2,500 per child process (4 processes), because 10,000 in one Node process
// would measure that process's event loop instead. The broker runs in a child process; the
// ingestor runs in this one, with the default SQLite stores. Publish times are taken in the
// client processes right before mqtt.js writes the packet; commit times in the ingestor right
// after the COMMIT of the message group that holds it. Both are wall-clock times on the same machine.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startIngestor } from '@vigil/ingestor';
import { benchFleet } from '../support/fleet-pki.js';
import { spawnBroker } from '../support/broker-process.js';
import { spawnPublishers, type Publishers } from '../support/publishers.js';
import { CpuMeter, percentile, rssBytes, sleep } from '../support/proc.js';

const RECORDERS = Number(process.env.BENCH_RECORDERS ?? 10_000);
const PER_CHILD = 2_500;
const HEARTBEAT_MS = 30_000;
/** Three heartbeats per recorder. */
const MEASURE_MS = Number(process.env.BENCH_MEASURE_SECONDS ?? 90) * 1000;
const CONNECTS_PER_SECOND = 400;
/** One heartbeat period after the whole fleet is online, before measuring. */
const SETTLE_MS = HEARTBEAT_MS;
const MB = 1024 ** 2;

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const fleet = await benchFleet(RECORDERS, (line) => console.log(`  ${line}`));
const broker = await spawnBroker({ pkiDir: fleet.pki.dir });
const url = `mqtts://127.0.0.1:${broker.port}`;
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-fleet-'));
const ingestor = await startIngestor({
  brokerUrl: url,
  tls: fleet.pki.service('ingestor'),
  recipientPrivateKeyPems: [readFileSync(fleet.pki.envelopeKeyPath, 'utf8')],
  signingKeyOf: (id) => fleet.pki.signingKeyOf(id),
  dbPath: join(dir, 'fleet.db'),
  logger: pino({ name: 'ingestor', level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2)),
});
await ingestor.ready;

// Commit times of heartbeats, per recorder, in the order the ingestor applied them.
const committed = new Map<string, number[]>();
let heartbeatsInTransaction: string[] = [];
const state = ingestor.state as { heartbeat: (id: string, bdSeq: number, now: number, epoch?: string) => boolean };
const heartbeat = state.heartbeat.bind(state);
state.heartbeat = (id, bdSeq, now, epoch) => {
  heartbeatsInTransaction.push(id);
  return heartbeat(id, bdSeq, now, epoch);
};
// The ingestor applies messages in groups that share one COMMIT: a heartbeat is committed when its group is.
ingestor.onCommit(() => {
  const at = performance.timeOrigin + performance.now();
  for (const id of heartbeatsInTransaction) {
    let times = committed.get(id);
    if (!times) committed.set(id, (times = []));
    times.push(at);
  }
  heartbeatsInTransaction = [];
});

const children: Publishers[] = [];
const load = [loadavg()[0]!];
try {
  const connectStarted = performance.now();
  // All children connect at once, each at its share of the pace; each recorder heartbeats from
  // the moment its process is connected, so none goes unavailable while the rest connect.
  for (let from = 0; from < RECORDERS; from += PER_CHILD) {
    children.push(
      spawnPublishers({
        url,
        pkiDir: fleet.pki.dir,
        ids: fleet.ids.slice(from, from + PER_CHILD),
        connectsPerSecond: CONNECTS_PER_SECOND / Math.ceil(RECORDERS / PER_CHILD),
        mode: 'agent',
        keepaliveSeconds: 30,
      }),
    );
  }
  const connects = await Promise.all(
    children.map(async (c) => {
      const result = await c.connect();
      await c.heartbeats(HEARTBEAT_MS, RECORDERS);
      return result;
    }),
  );
  const failed = connects.reduce((n, c) => n + c.failed, 0);
  if (failed > 0) throw new Error(`${failed} recorders failed to connect; first error: ${connects.find((c) => c.firstError)?.firstError}`);
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  // Every birth applied (the ingestor opens one RSA-wrapped data key per session), then a settling heartbeat period.
  const birthsStarted = performance.now();
  while (ingestor.state.countsByState().online < RECORDERS && performance.now() - birthsStarted < 300_000) await sleep(100);
  const birthsSeconds = (performance.now() - birthsStarted) / 1000;
  await sleep(SETTLE_MS);
  const online = ingestor.state.countsByState();
  console.log(
    `  ${fmt(RECORDERS)} recorders connected in ${connectSeconds.toFixed(0)} s; all online ${birthsSeconds.toFixed(0)} s later; after ${SETTLE_MS / 1000} s more, at the start of the measurement: ${JSON.stringify(online)}`,
  );

  const meter = new CpuMeter({
    broker: broker.child.pid!,
    ingestor: process.pid,
    ...Object.fromEntries(children.map((c, i) => [`clients${i + 1}`, c.child.pid!])),
  });
  const processedBefore = ingestor.stats.processed;
  const windowStart = performance.timeOrigin + performance.now();
  meter.start();
  await sleep(MEASURE_MS);
  const windowEnd = performance.timeOrigin + performance.now();
  const cpu = meter.stop();
  const processed = ingestor.stats.processed - processedBefore;
  // Let the last ones land.
  await sleep(3_000);
  const sentPerChild = (await Promise.all(children.map((c) => c.stop()))).map((r) => r.heartbeatTimes ?? {});
  load.push(loadavg()[0]!);

  const delays: number[] = [];
  let sent = 0;
  let missing = 0;
  for (const perRecorder of sentPerChild) {
    for (const [id, times] of Object.entries(perRecorder)) {
      const done = committed.get(id) ?? [];
      // The k-th heartbeat published is the k-th committed: one connection keeps QoS 1 in order.
      times.forEach((t, k) => {
        if (t < windowStart || t >= windowEnd) return;
        sent++;
        const c = done[k];
        if (c === undefined) missing++;
        else delays.push(c - t);
      });
    }
  }
  delays.sort((a, b) => a - b);
  const p99 = percentile(delays, 99);
  const stats = await broker.stats();
  const states = ingestor.state.countsByState();
  console.log(
    `fleet scale: ${fmt(RECORDERS)} recorders (mqtt.js TLS clients, ${children.length} processes of ${fmt(PER_CHILD)}), sealed heartbeats every ${HEARTBEAT_MS / 1000} s spread evenly, ${MEASURE_MS / 1000} s measured; one broker (child process), one ingestor (this process, SQLite); load average ${load.map((l) => l.toFixed(1)).join(' -> ')}:`,
  );
  console.log(
    `  heartbeats published ${fmt(sent)} (${fmt(sent / (MEASURE_MS / 1000))}/s), committed ${fmt(delays.length)}, missing ${missing}; ingestor processed ${fmt(processed)} messages in the window, dropped ${JSON.stringify(ingestor.stats.dropped)}`,
  );
  console.log(
    `  publish -> state committed in fleet.db: p50 ${percentile(delays, 50).toFixed(1)} ms, p90 ${percentile(delays, 90).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(delays.at(-1) ?? NaN).toFixed(1)} ms`,
  );
  console.log(
    `  CPU % of a core: ${Object.entries(cpu)
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(', ')}`,
  );
  console.log(
    `  RSS: broker ${(rssBytes(broker.child.pid!) / MB).toFixed(0)} MiB, ingestor process ${(rssBytes(process.pid) / MB).toFixed(0)} MiB; broker connections ${fmt(stats.connections)}, refused ${JSON.stringify(stats.refused)}; states after ${JSON.stringify(states)}`,
  );
  console.log(
    `  target p99 < 1 s: ${p99 < 1000 && missing === 0 ? 'met' : 'MISSED'} (${p99.toFixed(0)} ms${missing ? `, ${missing} heartbeats not committed` : ''})`,
  );
} finally {
  await Promise.all(children.map((c) => c.close()));
  await ingestor.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}

// Ingest throughput: sealed data batches from simulated agents (real mqtt.js TLS clients, one per
// recorder, EnvelopeSealer from @vigil/proto, a birth and then batches like an agent's) through our
// broker into the ingestor and its store, acknowledged end to end; and in the same run the two
// limits around it: the broker's own QoS 1 rate for the same payloads with a subscriber that does
// nothing, and the store's raw ingest (batched writes of the same points into SQLite through the
// store adapter; line protocol posted straight to influxd).
// Run: npm run bench -- ingest/throughput        (about 3 minutes; influxd parts skip without /usr/bin/influxd)
//
// Processes: the broker (child), the simulated agents (child), and this one, which runs the
// ingestor (or the do-nothing subscriber), as `vigil ingestor` would run it on its own.
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { vigil } from '@vigil/proto/wire';
import { InfluxTelemetryStore, SqliteTelemetryStore, startIngestor, type TelemetryPoint, type TelemetryStore } from '@vigil/ingestor';
import { batchPoints } from '../../ingestor/src/pipeline/points.js';
import { INFLUXD, startInfluxd, type Influxd } from '../../testing/influxd.js';
import { hasExecutable } from '../../testing/system.js';
import { benchFleet } from '../support/fleet-pki.js';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { agentDataBatch, spawnPublishers, type RunResult } from '../support/publishers.js';
import { CpuMeter, sleep } from '../support/proc.js';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1_000);
/** The agent's default spool window: batches in flight before an end-to-end ack. */
const E2E_WINDOW = Number(process.env.BENCH_E2E_WINDOW ?? 8);
/** Broker-only: publishes each agent keeps awaiting PUBACK (as in broker/throughput). */
const PUBACK_WINDOW = 2;
const WARMUP_S = 3;
const MEASURE_S = Number(process.env.BENCH_MEASURE_SECONDS ?? 10);
const CONNECTS_PER_SECOND = 400;
const RAW_SQLITE_POINTS = 300_000;
const RAW_INFLUX_POINTS = 1_000_000;
const RAW_BATCH = 5_000;
const REPO = join(import.meta.dirname, '..', '..');

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const cpuText = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');
const log = pino({ name: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2));
const POINTS_PER_BATCH = batchPoints(
  { recorder: 'x', installation: '', site: '', reseller: '' },
  vigil.v1.DataBatch.fromObject(agentDataBatch(Date.now())),
  Date.now(),
).length;

interface Phase {
  what: string;
  perSecond: number;
  cpu: Record<string, number>;
  run: RunResult;
  notes: string[];
}

async function withBroker<T>(work: (broker: BrokerProcess, url: string) => Promise<T>): Promise<T> {
  // A fresh broker per phase: the ingestor's persistent session must not carry messages across phases.
  const broker = await spawnBroker({ pkiDir: fleet.pki.dir });
  try {
    return await work(broker, `mqtts://127.0.0.1:${broker.port}`);
  } finally {
    await broker.stop();
  }
}

async function brokerOnly(): Promise<Phase> {
  return withBroker(async (broker, url) => {
    let received = 0;
    const identity = fleet.pki.service('ingestor');
    const subscriber = mqtt.connect(url, {
      clientId: 'service:ingestor-bench',
      cert: readFileSync(identity.cert),
      key: readFileSync(identity.key),
      ca: readFileSync(identity.ca),
      protocolVersion: 4,
      reconnectPeriod: 0,
      clean: true,
    });
    subscriber.on('message', () => received++);
    await new Promise<void>((ok, fail) => (subscriber.once('connect', () => ok()), subscriber.once('error', fail)));
    await subscriber.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });
    const agents = spawnPublishers({ url, pkiDir: fleet.pki.dir, ids: fleet.ids, connectsPerSecond: CONNECTS_PER_SECOND, mode: 'agent' });
    try {
      await connectAll(agents);
      const meter = new CpuMeter({ broker: broker.child.pid!, agents: agents.child.pid!, subscriber: process.pid });
      await agents.start(PUBACK_WINDOW);
      await sleep(WARMUP_S * 1000);
      const before = received;
      meter.start();
      const t0 = performance.now();
      await sleep(MEASURE_S * 1000);
      const perSecond = (received - before) / ((performance.now() - t0) / 1000);
      const cpu = meter.stop();
      const run = await agents.stop();
      const deadline = Date.now() + 30_000;
      // The births count too: one per agent.
      while (received < run.published + AGENTS && Date.now() < deadline) await sleep(20);
      if (run.acked !== run.published || received !== run.published + AGENTS)
        throw new Error(`broker only: ${run.acked} of ${run.published} acknowledged, ${received - AGENTS} delivered`);
      return { what: 'broker only (subscriber does nothing)', perSecond, cpu, run, notes: [] };
    } finally {
      await agents.close();
      await subscriber.endAsync(true);
    }
  });
}

async function connectAll(agents: ReturnType<typeof spawnPublishers>): Promise<void> {
  const connected = await agents.connect();
  if (connected.connected !== AGENTS) throw new Error(`${connected.connected} of ${AGENTS} agents connected; first error: ${connected.firstError}`);
}

async function endToEnd(
  storeName: string,
  makeStore: (dir: string) => TelemetryStore | undefined,
  countStored: (store: TelemetryStore) => Promise<number>,
): Promise<Phase> {
  return withBroker(async (broker, url) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-ingest-'));
    const telemetry = makeStore(dir);
    const ingestor = await startIngestor({
      brokerUrl: url,
      tls: fleet.pki.service('ingestor'),
      recipientPrivateKeyPems: [readFileSync(fleet.pki.envelopeKeyPath, 'utf8')],
      signingKeyOf: (id) => fleet.pki.signingKeyOf(id),
      dbPath: join(dir, 'fleet.db'),
      logger: log.child({ part: 'ingestor' }),
      telemetry,
    });
    await ingestor.ready;
    const agents = spawnPublishers({
      url,
      pkiDir: fleet.pki.dir,
      ids: fleet.ids,
      connectsPerSecond: CONNECTS_PER_SECOND,
      mode: 'agent',
      e2eWindow: E2E_WINDOW,
    });
    try {
      await connectAll(agents);
      const births = Date.now() + 60_000;
      while (ingestor.stats.processed < AGENTS && Date.now() < births) await sleep(50);
      const meter = new CpuMeter({ broker: broker.child.pid!, agents: agents.child.pid!, ingestor: process.pid });
      await agents.start(E2E_WINDOW);
      await sleep(WARMUP_S * 1000);
      const before = ingestor.stats.processed;
      await agents.measure();
      meter.start();
      const t0 = performance.now();
      await sleep(MEASURE_S * 1000);
      const perSecond = (ingestor.stats.processed - before) / ((performance.now() - t0) / 1000);
      const cpu = meter.stop();
      const run = await agents.stop();
      const drainStarted = performance.now();
      await ingestor.outbox.idle();
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      const stored = await countStored(ingestor.telemetry);
      const expectedPoints = run.published * POINTS_PER_BATCH;
      const notes = [
        `${fmt(run.published)} batches sent, ${fmt(run.acked)} acknowledged end to end; ingestor processed ${fmt(ingestor.stats.processed)} (births included), duplicates ${ingestor.stats.duplicates}, dropped ${JSON.stringify(ingestor.stats.dropped)}`,
        `outbox drained ${drainSeconds.toFixed(1)} s after the agents stopped; ${fmt(stored)} of ${fmt(expectedPoints)} batch points in the ${storeName} store`,
      ];
      if (run.acked !== run.published || stored !== expectedPoints || Object.keys(ingestor.stats.dropped).length > 0)
        notes.push('LOSS OR DROPS: see the counts above');
      return { what: `end to end into ${storeName}`, perSecond, cpu, run, notes };
    } finally {
      await agents.close();
      await ingestor.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Batch points of many recorders at distinct times, as the ingestor makes them. */
function samplePoints(count: number): TelemetryPoint[] {
  const points: TelemetryPoint[] = [];
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; points.length < count; i++) {
    const id = fleet.ids[i % fleet.ids.length]!;
    const batch = vigil.v1.DataBatch.fromObject(agentDataBatch(t0 + Math.floor(i / fleet.ids.length)));
    points.push(...batchPoints({ recorder: id, installation: `SLC-${i % 100}`, site: `site-${i % 100}`, reseller: '' }, batch, t0));
  }
  return points.slice(0, count);
}

async function rawSqlite(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-sqlite-'));
  const store = new SqliteTelemetryStore(join(dir, 'telemetry.db'));
  try {
    const points = samplePoints(RAW_SQLITE_POINTS);
    const t0 = performance.now();
    for (let i = 0; i < points.length; i += RAW_BATCH) await store.write(points.slice(i, i + RAW_BATCH));
    return points.length / ((performance.now() - t0) / 1000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawInflux(influxd: Influxd): Promise<number> {
  await influxd.createDatabase('raw');
  const t0ms = Date.now() - 3_600_000;
  const bodies: string[] = [];
  for (let b = 0; b < RAW_INFLUX_POINTS / RAW_BATCH; b++) {
    const lines: string[] = [];
    for (let j = 0; j < RAW_BATCH; j++) {
      const i = b * RAW_BATCH + j;
      const id = fleet.ids[i % fleet.ids.length]!;
      const at = t0ms + Math.floor(i / fleet.ids.length);
      lines.push(
        `disk,installation=SLC-${i % 100},path=E:,recorder=${id},site=site-${i % 100} free_bytes=${410_000_000_000 + (i % 1000)},total_bytes=8000000000000,used_percent=94.87 ${at}`,
      );
    }
    bodies.push(lines.join('\n'));
  }
  const t0 = performance.now();
  let next = 0;
  // Four writers at once, as a client library with a few HTTP connections would.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await fetch(`${influxd.url}/write?db=raw&precision=ms`, { method: 'POST', body });
        if (response.status !== 204) throw new Error(`influxd /write answered ${response.status}: ${await response.text()}`);
      }
    }),
  );
  return RAW_INFLUX_POINTS / ((performance.now() - t0) / 1000);
}

async function countInflux(influxd: Influxd, db: string): Promise<number> {
  let total = 0;
  for (const [measurement, field] of [
    ['disk', 'free_bytes'],
    ['service', 'running'],
    ['event', 'count'],
  ] as const) {
    const answer = await influxd.query(db, `SELECT count("${field}") FROM "${measurement}"`);
    total += Number(answer.results[0]?.series?.[0]?.values?.[0]?.[1] ?? 0);
  }
  return total;
}

const gitFacts = (() => {
  const head = execSync('git rev-parse --short HEAD', { cwd: REPO, encoding: 'utf8' }).trim();
  const dirty = execSync('git status --short -- ingestor broker proto', { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
  return `commit ${head}${dirty.length ? `, with uncommitted changes in ${dirty.map((l) => l.slice(3)).join(', ')}` : ', no uncommitted changes in ingestor/broker/proto'}`;
})();
const fleet = await benchFleet(AGENTS, (line) => console.log(`  ${line}`));
const load = [loadavg()[0]!];
const phases: Phase[] = [];
const report = (p: Phase) => {
  phases.push(p);
  const latency = p.run.ackLatency ? `  publish -> end-to-end ack p50 ${p.run.ackLatency.p50.toFixed(0)} ms, p99 ${p.run.ackLatency.p99.toFixed(0)} ms` : '';
  console.log(
    `  ${p.what.padEnd(38)} ${fmt(p.perSecond).padStart(7)} msg/s (${fmt(p.perSecond * POINTS_PER_BATCH)} points/s)${latency}  CPU % of a core: ${cpuText(p.cpu)}`,
  );
  for (const note of p.notes) console.log(`      ${note}`);
};

/** Batch points (disk, service, event) in the SQLite store, counted in its own tables. */
const sqliteCount = async (store: TelemetryStore) => {
  const { db } = store as SqliteTelemetryStore;
  return db
    .prepare("SELECT count(*) FROM points JOIN series ON series.id = points.series_id WHERE series.measurement IN ('disk', 'service', 'event')")
    .pluck()
    .get() as number;
};

/** For profiling one phase: BENCH_ONLY=sqlite node --cpu-prof --import tsx bench/run.js ingest/throughput */
const ONLY = process.env.BENCH_ONLY;
let influxd: Influxd | undefined;
try {
  report(await brokerOnly());
  if (!ONLY || ONLY === 'sqlite') report(await endToEnd('SQLite', () => undefined, sqliteCount));
  if ((!ONLY || ONLY === 'influxdb') && hasExecutable(INFLUXD)) {
    influxd = await startInfluxd();
    await influxd.createDatabase('vigil');
    const url = influxd.url;
    report(
      await endToEnd(
        'InfluxDB',
        () => new InfluxTelemetryStore({ url, bucket: 'vigil', api: 'v1', logger: log }),
        () => countInflux(influxd!, 'vigil'),
      ),
    );
  }
  if (ONLY) process.exit(0);
  const sqliteRaw = await rawSqlite();
  const influxRaw = influxd ? await rawInflux(influxd) : undefined;
  load.push(loadavg()[0]!);

  const envelopeBytes = phases[0]!.run.messageBytes ?? NaN;
  const brokerRate = phases[0]!.perSecond;
  console.log(
    `ingest throughput, ${fmt(AGENTS)} simulated agents (TLS, sealed batches of ${POINTS_PER_BATCH} observations, ${envelopeBytes}-byte envelopes), ${MEASURE_S} s after ${WARMUP_S} s warm-up, ${gitFacts}; load average ${load.map((l) => l.toFixed(1)).join(' -> ')}:`,
  );
  for (const p of phases) {
    console.log(`  ${p.what.padEnd(38)} ${fmt(p.perSecond).padStart(7)} msg/s  ${(p.perSecond / brokerRate).toFixed(2)} of broker only`);
  }
  console.log(
    `  store raw: SQLite (SqliteTelemetryStore.write, ${fmt(RAW_BATCH)} points a batch) ${fmt(sqliteRaw)} points/s = ${fmt(sqliteRaw / POINTS_PER_BATCH)} batches/s`,
  );
  if (influxRaw !== undefined)
    console.log(
      `  store raw: influxd line protocol (/write, ${fmt(RAW_BATCH)} lines a POST, 4 at once) ${fmt(influxRaw)} points/s = ${fmt(influxRaw / POINTS_PER_BATCH)} batches/s`,
    );
  for (const p of phases.slice(1)) {
    const met = p.perSecond >= 10_000 && p.perSecond >= 0.6 * brokerRate;
    console.log(
      `  target ${p.what}: >= 10,000 msg/s and >= 0.6 of broker only: ${met ? 'met' : 'MISSED'} (${fmt(p.perSecond)} msg/s, ${(p.perSecond / brokerRate).toFixed(2)})`,
    );
  }
} finally {
  await influxd?.destroy();
}

// Broker throughput side by side with Debian's mosquitto: QoS 1, 300-byte payloads, 1,000
// recorder publishers (real mqtt.js clients over TLS with their own device certificates) to one
// subscriber with the ingestor's service identity, so the ACL applies as in production. Latency
// from a send timestamp in each payload. Rounds alternate between the two brokers; the table uses
// medians. Run: npm run bench -- broker/throughput        (about 3 minutes; more on the first run)
//
// Processes: the broker under test (our broker in a child process, or mosquitto), the publishers
// in a child process, the subscriber in this one. All share the machine's cores.
import mqtt from 'mqtt';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { benchFleet } from '../support/fleet-pki.js';
import { spawnBroker } from '../support/broker-process.js';
import { startMosquitto } from '../support/mosquitto.js';
import { ageMs, spawnPublishers } from '../support/publishers.js';
import { CpuMeter, median, percentile, sleep } from '../support/proc.js';
import type { FleetPki } from '@vigil/proto/pki';

const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = 3;
const MEASURE_S = Number(process.env.BENCH_MEASURE_SECONDS ?? 10);
/** QoS 1 publishes each publisher keeps awaiting PUBACK: enough to saturate, as a busy fleet would. */
const WINDOW = Number(process.env.BENCH_WINDOW ?? 2);
const PAYLOAD_BYTES = 300;
/** Under our broker's default connect-rate limit (500/s), which stays in force. */
const CONNECTS_PER_SECOND = 400;
/** e.g. BENCH_MOSQUITTO_EXTRA="max_inflight_messages=0,set_tcp_nodelay=true" */
/** For profiling: BENCH_ONLY=ours BENCH_BROKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" */
const ONLY = process.env.BENCH_ONLY;
/**
 * BENCH_PERSISTENT_SUBSCRIBER=1: the subscriber keeps a persistent session (clean session false),
 * as the real ingestor does, on both brokers. Each round then uses a session of its own and
 * unsubscribes at its end, so no offline session collects the later rounds' messages.
 */
const PERSISTENT_SUBSCRIBER = process.env.BENCH_PERSISTENT_SUBSCRIBER === '1';
let sessions = 0;
const BROKER_NODE_ARGS = (process.env.BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const MOSQUITTO_EXTRA = Object.fromEntries(
  (process.env.BENCH_MOSQUITTO_EXTRA ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => kv.split('=') as [string, string]),
);

interface Round {
  broker: string;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  cpu: Record<string, number>;
  published: number;
  received: number;
}

/** Broker CPU per delivered message: less sensitive than msg/s to what else runs on the machine. */
const cpuPerMessage = (r: { perSecond: number; cpu: Record<string, number> }) => ((r.cpu.broker ?? NaN) / 100 / r.perSecond) * 1e6;

async function round(name: string, url: string, brokerPid: number, pki: FleetPki, ids: string[]): Promise<Round> {
  let received = 0;
  let measuring = false;
  const latencies: number[] = [];
  const identity = pki.service('ingestor');
  const subscriber = mqtt.connect(url, {
    clientId: PERSISTENT_SUBSCRIBER ? `service:ingestor-bench-${process.pid}-${++sessions}` : 'service:ingestor-bench',
    cert: readFileSync(identity.cert),
    key: readFileSync(identity.key),
    ca: readFileSync(identity.ca),
    protocolVersion: 4,
    reconnectPeriod: 0,
    clean: !PERSISTENT_SUBSCRIBER,
  });
  subscriber.on('message', (_topic, payload) => {
    received++;
    if (measuring) latencies.push(ageMs(payload));
  });
  await new Promise<void>((ok, fail) => {
    subscriber.once('connect', () => ok());
    subscriber.once('error', fail);
  });
  const granted = await subscriber.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });
  if (granted[0]?.qos !== 1) throw new Error(`${name}: subscription not granted at QoS 1: ${JSON.stringify(granted)}`);

  const publishers = spawnPublishers({ url, pkiDir: pki.dir, ids, connectsPerSecond: CONNECTS_PER_SECOND, payloadBytes: PAYLOAD_BYTES });
  try {
    const connected = await publishers.connect();
    if (connected.connected !== ids.length)
      throw new Error(`${name}: ${connected.connected} of ${ids.length} publishers connected; first error: ${connected.firstError}`);
    const meter = new CpuMeter({ broker: brokerPid, publishers: publishers.child.pid!, subscriber: process.pid });
    await publishers.start(WINDOW);
    await sleep(WARMUP_S * 1000);
    const before = received;
    measuring = true;
    meter.start();
    const t0 = performance.now();
    await sleep(MEASURE_S * 1000);
    const count = received - before;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = meter.stop();
    measuring = false;
    const run = await publishers.stop();
    if (run.acked !== run.published || run.lost > 0)
      throw new Error(`${name}: ${run.acked} of ${run.published} acknowledged, ${run.lost} publishers lost; ${run.firstError}`);
    // Everything acknowledged must reach the subscriber: nothing dropped.
    const deadline = Date.now() + 30_000;
    while (received < run.published && Date.now() < deadline) await sleep(20);
    if (received !== run.published) throw new Error(`${name}: subscriber received ${received} of ${run.published} acknowledged messages`);
    latencies.sort((a, b) => a - b);
    return {
      broker: name,
      perSecond: count / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? NaN,
      cpu,
      published: run.published,
      received,
    };
  } finally {
    await publishers.close();
    if (PERSISTENT_SUBSCRIBER) await subscriber.unsubscribeAsync('vigil/v1/rec/+/+');
    await subscriber.endAsync(true);
  }
}

const { pki, ids } = await benchFleet(PUBLISHERS, (line) => console.log(`  ${line}`));
const ours = await spawnBroker({ pkiDir: pki.dir }, BROKER_NODE_ARGS);
const mosquitto = await startMosquitto(pki, MOSQUITTO_EXTRA);
const rounds: Round[] = [];
const load = [loadavg()[0]!];
try {
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, url, pid] of [
      ['ours', `mqtts://127.0.0.1:${ours.port}`, ours.child.pid!],
      ['mosquitto', `mqtts://127.0.0.1:${mosquitto.port}`, mosquitto.child.pid!],
    ] as const) {
      if (ONLY && ONLY !== name) continue;
      const r = await round(name, url, pid, pki, ids);
      rounds.push(r);
      console.log(
        `  round ${i + 1} ${name.padEnd(9)} ${Math.round(r.perSecond).toLocaleString('en').padStart(7)} msg/s  broker CPU ${cpuPerMessage(r).toFixed(0)} us/msg  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(0)} ms  CPU % of a core: ${Object.entries(
          r.cpu,
        )
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(', ')}  (${r.received.toLocaleString('en')} of ${r.published.toLocaleString('en')} delivered)`,
      );
    }
  }
  load.push(loadavg()[0]!);
  const stats = await ours.stats();
  const summary = (name: string) => {
    const of = rounds.filter((r) => r.broker === name);
    return {
      perSecond: median(of.map((r) => r.perSecond)),
      usPerMessage: median(of.map(cpuPerMessage)),
      p50: median(of.map((r) => r.p50)),
      p99: median(of.map((r) => r.p99)),
      cpu: Object.fromEntries(Object.keys(of[0]!.cpu).map((k) => [k, median(of.map((r) => r.cpu[k]!))])),
      range: `${Math.round(Math.min(...of.map((r) => r.perSecond))).toLocaleString('en')}-${Math.round(Math.max(...of.map((r) => r.perSecond))).toLocaleString('en')}`,
    };
  };
  // BENCH_ONLY (profiling) runs one broker: there is no ratio to print.
  const brokers = (['ours', 'mosquitto'] as const).filter((name) => rounds.some((r) => r.broker === name));
  console.log(
    `broker throughput, QoS 1, ${PAYLOAD_BYTES}-byte payloads, ${PUBLISHERS.toLocaleString('en')} TLS publishers (window ${WINDOW} each) -> 1 subscriber${PERSISTENT_SUBSCRIBER ? ' (persistent session)' : ''}, median of ${ROUNDS} interleaved rounds of ${MEASURE_S} s after ${WARMUP_S} s warm-up; load average ${load.map((l) => l.toFixed(1)).join(' -> ')} (2 cores shared with other work):`,
  );
  console.log(
    `  mosquitto ${mosquitto.child.spawnfile} settings: ${readFileSync(mosquitto.config, 'utf8')
      .split('\n')
      .filter((l) => l && !/file|listener/.test(l))
      .join('; ')}`,
  );
  for (const name of brokers) {
    const s = summary(name);
    console.log(
      `  ${name.padEnd(9)} ${Math.round(s.perSecond).toLocaleString('en').padStart(7)} msg/s (${s.range})  broker CPU ${s.usPerMessage.toFixed(0)} us/msg  p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  CPU % of a core: ${Object.entries(
        s.cpu,
      )
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', ')}`,
    );
  }
  console.log(`  our broker's counters: drops ${JSON.stringify(stats.drops)}, refused ${JSON.stringify(stats.refused)}`);
  if (brokers.length === 2) {
    const a = summary('ours');
    const b = summary('mosquitto');
    const ratio = a.perSecond / b.perSecond;
    console.log(`  broker CPU per message ours/mosquitto: ${(a.usPerMessage / b.usPerMessage).toFixed(2)}`);
    console.log(`  ratio ours/mosquitto: ${ratio.toFixed(2)}; target >= 1.25: ${ratio >= 1.25 ? 'met' : 'MISSED'}`);
  }
} finally {
  await ours.stop();
  await mosquitto.stop();
}

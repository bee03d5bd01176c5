// Many recorder connections (real mqtt.js clients over TLS with their own device certificates) in
// a child process of their own, so the load does not share an event loop with what is measured.
// The parent drives it over IPC with spawnPublishers(); not a benchmark itself.
//
// Two kinds of load:
// - 'stamped': raw payloads of a fixed size whose first 8 bytes are the send time;
// - 'agent': what an agent sends: a sealed birth after connecting, then sealed data batches with
//   seq 1, 2, ... (EnvelopeSealer from @vigil/proto). With `e2eWindow` each client subscribes to
//   its ack topic and, like the agent's shipper, keeps at most that many batches not yet
//   acknowledged end to end by the ingestor; without it, the window counts PUBACKs.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { EnvelopeSealer } from '@vigil/proto/envelope';
import { FleetPki } from '@vigil/proto/pki';
import { topics, vigil } from '@vigil/proto/wire';
import { percentile } from './proc.js';

export interface PublishersOptions {
  url: string;
  pkiDir: string;
  ids: string[];
  /** Connects are paced to stay under the broker's connect-rate limit. */
  connectsPerSecond: number;
  keepaliveSeconds?: number;
  mode?: 'stamped' | 'agent';
  /** 'stamped' only. */
  payloadBytes?: number;
  /** 'agent' only: flow control on end-to-end acks instead of PUBACKs. */
  e2eWindow?: number;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  seconds: number;
  firstError?: string;
}

export interface RunResult {
  /** Messages handed to the client. */
  published: number;
  /** PUBACKs received, or with e2eWindow, batches acknowledged end to end. */
  acked: number;
  /** Clients that lost their connection since connect. */
  lost: number;
  /** With e2eWindow: publish-to-ack latency of the batches acknowledged since measure(), ms. */
  ackLatency?: { count: number; p50: number; p99: number; max: number };
  /** Envelope bytes of one data batch ('agent' mode). */
  messageBytes?: number;
  /** Publish times of heartbeats (wall clock, ms) per recorder, since heartbeats(). */
  heartbeatTimes?: Record<string, number[]>;
  firstError?: string;
}

type Command =
  | { cmd: 'connect' }
  | { cmd: 'status' }
  | { cmd: 'heartbeats'; intervalMs: number; fleetSize: number }
  | { cmd: 'start'; window: number }
  | { cmd: 'measure' }
  | { cmd: 'stop' }
  | { cmd: 'close' };

export interface Publishers {
  child: ChildProcess;
  connect(): Promise<ConnectResult>;
  /** Each client keeps `window` messages outstanding until stop() (e2eWindow wins in agent mode). */
  start(window: number): Promise<void>;
  /** Starts the latency sample afresh (after a warm-up). */
  measure(): Promise<void>;
  /** Stops publishing and waits (up to 60 s) for what is outstanding to be acknowledged. */
  stop(): Promise<RunResult>;
  /**
   * 'agent' mode: each client sends sealed heartbeats every `intervalMs` until stop(), at an
   * offset by its recorder number so that a fleet of `fleetSize` is spread evenly over the
   * interval. stop() returns their wall-clock publish times (ms, sub-ms precision) per recorder.
   */
  heartbeats(intervalMs: number, fleetSize: number): Promise<void>;
  /** Clients connected now, and lost since connect. */
  status(): Promise<{ open: number; lost: number; lostReasons: string[]; firstError?: string }>;
  close(): Promise<void>;
}

export function spawnPublishers(options: PublishersOptions, nodeArgs: string[] = []): Publishers {
  const child = fork(resolve(import.meta.dirname, 'publishers.ts'), [], {
    execArgv: [...nodeArgs, '--import', 'tsx'],
    env: { ...process.env, BENCH_PUBLISHERS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const ask = <T>(command: Command) =>
    new Promise<T>((ok, fail) => {
      const exited = (code: number | null) => fail(new Error(`publishers process exited (${code}) during ${command.cmd}`));
      child.once('exit', exited);
      child.once('message', (m) => {
        child.off('exit', exited);
        ok(m as T);
      });
      child.send(command);
    });
  return {
    child,
    connect: () => ask<ConnectResult>({ cmd: 'connect' }),
    start: (window) => ask<void>({ cmd: 'start', window }),
    measure: () => ask<void>({ cmd: 'measure' }),
    heartbeats: (intervalMs, fleetSize) => ask<void>({ cmd: 'heartbeats', intervalMs, fleetSize }),
    stop: () => ask<RunResult>({ cmd: 'stop' }),
    status: () => ask({ cmd: 'status' }),
    async close() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Writes the send time (CLOCK_MONOTONIC ns, the same clock in every process) into the first 8 bytes. */
export function stampedPayload(filler: Buffer): Buffer {
  const payload = Buffer.from(filler);
  payload.writeBigUInt64BE(process.hrtime.bigint(), 0);
  return payload;
}

/** Milliseconds since the payload was stamped. */
export function ageMs(payload: Buffer): number {
  return Number(process.hrtime.bigint() - payload.readBigUInt64BE(0)) / 1e6;
}

const MAX_PENDING_CONNECTS = 50;

export const BENCH_SPOOL_EPOCH = 'bench-epoch-1';

/** A live data batch as an agent sends it after one collection round: 2 drives, 3 services, 1 log event. */
export function agentDataBatch(now: number): vigil.v1.IDataBatch {
  return {
    historical: false,
    spoolEpoch: BENCH_SPOOL_EPOCH,
    droppedReadings: 0,
    droppedEvents: 0,
    disks: [
      { path: 'C:\\', at: now, totalBytes: 255_000_000_000, freeBytes: 120_000_000_000 + (now % 1000) },
      { path: 'E:\\', at: now, totalBytes: 8_000_000_000_000, freeBytes: 410_000_000_000 + (now % 1000) },
    ],
    services: [
      { name: 'Milestone XProtect Recording Server', at: now, running: true },
      { name: 'Milestone XProtect Event Server', at: now, running: true },
      { name: 'Milestone XProtect Mobile Server', at: now, running: true },
    ],
    events: [
      {
        code: vigil.v1.Code.CODE_ARCHIVE_MOVE_FAILED,
        subject: `D:\\Archives\\cam-${now % 7}`,
        firstSeen: now,
        lastSeen: now,
        count: 1,
        severity: vigil.v1.Severity.SEVERITY_ERROR,
        message: 'Archive file move error',
      },
    ],
  };
}

export function agentBirth(id: string, n: number, now: number): vigil.v1.IBirth {
  return {
    bdSeq: 1,
    sentAt: now,
    agentVersion: 'bench',
    heartbeatSeconds: 30,
    inventory: {
      recorderName: id,
      installation: { slc: `SLC-${Math.floor(n / 10)}` },
      site: { id: `site-${Math.floor(n / 10)}` },
      vmsProduct: 'XProtect',
      cameraCount: 16,
      licensedCameras: 16,
    },
    spoolEpoch: BENCH_SPOOL_EPOCH,
    ackedThrough: 0,
  };
}

interface ClientState {
  client: MqttClient;
  id: string;
  topic: string;
  sealer?: EnvelopeSealer;
  /** Outstanding messages (PUBACK flow control). */
  inflight: number;
  nextSeq: number;
  ackedSeq: number;
  /** Observation time of the last batch. */
  lastAt: number;
  /** Send times of batches not yet acknowledged end to end, by seq. */
  sentAt: Map<number, number>;
}

async function serve(options: PublishersOptions): Promise<void> {
  const pki = new FleetPki(options.pkiDir);
  const ca = readFileSync(pki.caCertPath);
  const agentMode = options.mode === 'agent';
  const e2e = agentMode && options.e2eWindow !== undefined;
  const states: ClientState[] = [];
  let lost = 0;
  /** One example per reason a connection was lost after CONNACK. */
  const lostReasons = new Map<string, string>();
  let firstError: string | undefined;
  let running = false;
  let window = 1;
  let published = 0;
  let acked = 0;
  let outstanding = 0;
  let latencies: number[] = [];
  let messageBytes: number | undefined;
  const heartbeatTimes: Record<string, number[]> = {};
  const heartbeatTimers: NodeJS.Timeout[] = [];
  const filler = Buffer.alloc(options.payloadBytes ?? 300, 0x5a);

  const payloadFor = (state: ClientState): Buffer => {
    if (!state.sealer) return stampedPayload(filler);
    const seq = state.nextSeq++;
    state.sentAt.set(seq, performance.now());
    // Observation times strictly increase per agent: the stores keep one point per series and time.
    state.lastAt = Math.max(Date.now(), state.lastAt + 1);
    const sealed = Buffer.from(state.sealer.seal({ data: agentDataBatch(state.lastAt) }, seq));
    messageBytes ??= sealed.length;
    return sealed;
  };

  const pump = (state: ClientState) => {
    while (running && (e2e ? state.nextSeq - 1 - state.ackedSeq < window : state.inflight < window)) {
      state.inflight++;
      outstanding++;
      published++;
      state.client.publish(state.topic, payloadFor(state), { qos: 1 }, (error) => {
        state.inflight--;
        outstanding--;
        if (error) firstError ??= error.message;
        else if (!e2e) acked++;
        if (running && !e2e) pump(state);
      });
    }
  };

  const onAck = (state: ClientState, payload: Buffer) => {
    const ack = vigil.v1.Ack.decode(payload);
    if (ack.spoolEpoch !== BENCH_SPOOL_EPOCH) return;
    const now = performance.now();
    for (let seq = state.ackedSeq + 1; seq <= ack.seq; seq++) {
      const sent = state.sentAt.get(seq);
      if (sent === undefined) continue;
      state.sentAt.delete(seq);
      latencies.push(now - sent);
      acked++;
    }
    if (ack.seq > state.ackedSeq) state.ackedSeq = ack.seq;
    if (running) pump(state);
  };

  const connectOne = (id: string, n: number) =>
    new Promise<ClientState | string>((ok) => {
      const bundle = pki.device(id);
      const client = mqtt.connect(options.url, {
        clientId: id,
        cert: readFileSync(bundle.cert),
        key: readFileSync(bundle.key),
        ca,
        protocolVersion: 4,
        keepalive: options.keepaliveSeconds ?? 30,
        reconnectPeriod: 0,
        connectTimeout: 60_000,
        clean: true,
        // mqtt-packet would otherwise keep a Buffer for each of 65,536 message ids per process.
        writeCache: false,
      });
      const state: ClientState = { client, id, topic: topics.recorder(id, 'data'), inflight: 0, nextSeq: 1, ackedSeq: 0, lastAt: 0, sentAt: new Map() };
      if (agentMode) {
        state.sealer = new EnvelopeSealer({
          sender: id,
          signingKeyPem: readFileSync(bundle.signingKey, 'utf8'),
          recipientPublicKeyPem: readFileSync(bundle.recipientPublicKey, 'utf8'),
        });
      }
      client.once('connect', async () => {
        const connectedAt = performance.now();
        let lastError = '';
        client.on('error', (error) => (lastError = error.message));
        client.once('close', () => {
          lost++;
          const reason = `${lastError || 'closed by the broker'} (${((performance.now() - connectedAt) / 1000).toFixed(0)} s after connect)`;
          lostReasons.set(lastError || 'closed by the broker', reason);
        });
        try {
          if (e2e) {
            client.on('message', (_topic, payload) => onAck(state, payload));
            await client.subscribeAsync(topics.ack(id), { qos: 1 });
          }
          if (state.sealer) {
            state.sealer.rotate();
            await client.publishAsync(topics.recorder(id, 'birth'), Buffer.from(state.sealer.seal({ birth: agentBirth(id, n, Date.now()) }, 0)), { qos: 1 });
          }
          ok(state);
        } catch (error) {
          ok((error as Error).message);
        }
      });
      client.on('error', (error) => {
        firstError ??= `${id}: ${error.message}`;
        ok(error.message);
      });
      client.once('close', () => ok('closed before CONNACK'));
    });

  process.on('message', async (command: Command) => {
    if (command.cmd === 'connect') {
      const started = performance.now();
      const pending: Promise<ClientState | string>[] = [];
      const gapMs = 1000 / options.connectsPerSecond;
      // Paced, and never more than MAX_PENDING_CONNECTS handshakes at once: on a busy machine an
      // unbounded backlog of handshakes outlives the broker's 30 s CONNECT timeout.
      let inProgress = 0;
      for (let i = 0; i < options.ids.length; i++) {
        const wait = started + i * gapMs - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        while (inProgress >= MAX_PENDING_CONNECTS) await new Promise((r) => setTimeout(r, 5));
        inProgress++;
        pending.push(connectOne(options.ids[i] as string, i).finally(() => inProgress--));
      }
      const results = await Promise.all(pending);
      for (const r of results) if (typeof r !== 'string') states.push(r);
      const reply: ConnectResult = {
        connected: states.length,
        failed: results.length - states.length,
        seconds: (performance.now() - started) / 1000,
        firstError,
      };
      process.send?.(reply);
    } else if (command.cmd === 'start') {
      running = true;
      window = e2e ? (options.e2eWindow as number) : command.window;
      for (const state of states) pump(state);
      process.send?.(null);
    } else if (command.cmd === 'measure') {
      latencies = [];
      process.send?.(null);
    } else if (command.cmd === 'stop') {
      running = false;
      for (const timer of heartbeatTimers) clearTimeout(timer);
      const deadline = Date.now() + 60_000;
      const done = () => (e2e ? states.every((s) => s.ackedSeq === s.nextSeq - 1) : outstanding === 0);
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      latencies.sort((a, b) => a - b);
      const reply: RunResult = {
        published,
        acked,
        lost,
        firstError,
        messageBytes,
        heartbeatTimes,
        ackLatency: e2e ? { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN } : undefined,
      };
      published = 0;
      acked = 0;
      process.send?.(reply);
    } else if (command.cmd === 'heartbeats') {
      for (const state of states) {
        const sealer = state.sealer;
        if (!sealer) throw new Error('heartbeats need mode "agent"');
        const times: number[] = (heartbeatTimes[state.id] = []);
        const n = Number(/(\d+)$/.exec(state.id)?.[1] ?? 0);
        const send = () => {
          const at = performance.timeOrigin + performance.now();
          state.client.publish(topics.recorder(state.id, 'hb'), Buffer.from(sealer.seal({ heartbeat: { bdSeq: 1, sentAt: Math.floor(at) } }, 0)), { qos: 1 });
          times.push(at);
        };
        heartbeatTimers.push(
          setTimeout(
            () => {
              send();
              heartbeatTimers.push(setInterval(send, command.intervalMs));
            },
            ((n % command.fleetSize) / command.fleetSize) * command.intervalMs,
          ),
        );
      }
      process.send?.(null);
    } else if (command.cmd === 'status') {
      process.send?.({ open: states.filter((s) => s.client.connected).length, lost, lostReasons: [...lostReasons.values()], firstError });
    } else if (command.cmd === 'close') {
      await Promise.all(states.map((s) => new Promise<void>((r) => s.client.end(true, {}, () => r()))));
      process.exit(0);
    }
  });
}

if (process.env.BENCH_PUBLISHERS && process.send) {
  await serve(JSON.parse(process.env.BENCH_PUBLISHERS) as PublishersOptions);
}

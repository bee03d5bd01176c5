// Many recorder connections (real mqtt.js clients over TLS with their own device certificates) in
// a child process of their own, so the load does not share an event loop with what is measured.
// The parent drives it over IPC with spawnPublishers(); not a benchmark itself.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { FleetPki } from '@vigil/proto';

export interface PublishersOptions {
  url: string;
  pkiDir: string;
  ids: string[];
  /** Connects are paced to stay under the broker's connect-rate limit. */
  connectsPerSecond: number;
  keepaliveSeconds?: number;
  payloadBytes?: number;
  /** Topic kind under vigil/v1/rec/{id}/. */
  kind?: string;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  seconds: number;
  firstError?: string;
}

export interface RunResult {
  /** PUBLISH packets handed to the client. */
  published: number;
  /** PUBACKs received. */
  acked: number;
  /** Clients that lost their connection since connect. */
  lost: number;
  firstError?: string;
}

type Command = { cmd: 'connect' } | { cmd: 'start'; window: number } | { cmd: 'stop' } | { cmd: 'close' };

export interface Publishers {
  child: ChildProcess;
  connect(): Promise<ConnectResult>;
  /** Each client keeps `window` QoS 1 publishes awaiting PUBACK until stop(). */
  start(window: number): Promise<void>;
  /** Stops publishing and waits (up to 30 s) for outstanding PUBACKs. */
  stop(): Promise<RunResult>;
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
    stop: () => ask<RunResult>({ cmd: 'stop' }),
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

async function serve(options: PublishersOptions): Promise<void> {
  const pki = new FleetPki(options.pkiDir);
  const ca = readFileSync(pki.caCertPath);
  const clients: MqttClient[] = [];
  let lost = 0;
  let firstError: string | undefined;
  let running = false;
  let published = 0;
  let acked = 0;
  let inflight = 0;
  const filler = Buffer.alloc(options.payloadBytes ?? 300, 0x5a);

  const connectOne = (id: string) =>
    new Promise<MqttClient | string>((ok) => {
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
      });
      client.once('connect', () => {
        client.once('close', () => lost++);
        ok(client);
      });
      client.on('error', (error) => {
        firstError ??= `${id}: ${error.message}`;
        ok(error.message);
      });
      client.once('close', () => ok('closed before CONNACK'));
    });

  const inflightOf = new Map<MqttClient, number>();
  const pump = (client: MqttClient, topic: string, window: number) => {
    while (running && (inflightOf.get(client) ?? 0) < window) {
      inflightOf.set(client, (inflightOf.get(client) ?? 0) + 1);
      inflight++;
      published++;
      client.publish(topic, stampedPayload(filler), { qos: 1 }, (error) => {
        inflightOf.set(client, (inflightOf.get(client) ?? 1) - 1);
        inflight--;
        if (error) firstError ??= error.message;
        else acked++;
        if (running) pump(client, topic, window);
      });
    }
  };

  process.on('message', async (command: Command) => {
    if (command.cmd === 'connect') {
      const started = performance.now();
      const pending: Promise<MqttClient | string>[] = [];
      const gapMs = 1000 / options.connectsPerSecond;
      for (let i = 0; i < options.ids.length; i++) {
        const due = started + i * gapMs;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        pending.push(connectOne(options.ids[i] as string));
      }
      const results = await Promise.all(pending);
      for (const r of results) if (typeof r !== 'string') clients.push(r);
      const reply: ConnectResult = { connected: clients.length, failed: results.length - clients.length, seconds: (performance.now() - started) / 1000, firstError };
      process.send?.(reply);
    } else if (command.cmd === 'start') {
      running = true;
      const kind = options.kind ?? 'data';
      for (const client of clients) pump(client, `vigil/v1/rec/${client.options.clientId}/${kind}`, command.window);
      process.send?.(null);
    } else if (command.cmd === 'stop') {
      running = false;
      const deadline = Date.now() + 30_000;
      while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const reply: RunResult = { published, acked, lost, firstError };
      published = 0;
      acked = 0;
      process.send?.(reply);
    } else if (command.cmd === 'close') {
      await Promise.all(clients.map((c) => new Promise<void>((r) => c.end(true, {}, () => r()))));
      process.exit(0);
    }
  });
}

if (process.env.BENCH_PUBLISHERS && process.send) {
  await serve(JSON.parse(process.env.BENCH_PUBLISHERS) as PublishersOptions);
}

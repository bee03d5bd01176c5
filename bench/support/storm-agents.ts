// Simulated agents for bench/broker/storm: real mqtt.js clients over TLS with their own device
// certificates, in a child process of their own, speaking the agent's protocol for sessions: a new
// bdSeq and data key per MQTT session, the sealed death registered as the last will at CONNECT, a
// sealed birth on CONNACK, sealed heartbeats, and on a lost connection the agent's reconnect backoff
// (agent/src/agent.ts reconnectDelay/reconnectCeilingMs, on @vigil/proto/backoff) to the next URL of
// the list. No spool and no data batches: what is measured is sessions, not ingest. Driven by the
// parent over IPC with spawnStormAgents(); not a benchmark itself.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { EnvelopeSealer } from '@vigil/proto/envelope';
import { FleetPki } from '@vigil/proto/pki';
import { topics, vigil } from '@vigil/proto/wire';
import { reconnectCeilingMs, reconnectDelay } from '../../agent/src/agent.js';
import { agentBirth, BENCH_SPOOL_EPOCH } from './publishers.js';

export interface StormAgentsOptions {
  /** Broker URLs; agent n starts on urls[n % urls.length] and moves to the next one after each failure. */
  urls: string[];
  pkiDir: string;
  ids: string[];
  /** Index of ids[0] in the whole fleet (spreads the first URL and the heartbeat offsets). */
  firstIndex: number;
  fleetSize: number;
  connectsPerSecond: number;
  heartbeatSeconds: number;
  /** The agent's defaults: 1 s and 60 s. */
  minReconnectMs: number;
  maxReconnectMs: number;
}

export interface StormStatus {
  /** Connected now (CONNACK received, not closed since). */
  open: number;
  /** Births acknowledged by the broker (PUBACK) since the last mark. */
  birthsSinceMark: number;
  /** Recorders whose connection closed since the last mark. */
  cutSinceMark: string[];
  /** Of those, the ones not connected again yet. */
  downSinceMark: number;
  /** Longest reconnect delay drawn since the last mark, ms. */
  longestBackoffMs: number;
  /** Connection attempts that failed (refused, reset, timed out) since the last mark. */
  failedAttemptsSinceMark: number;
  /** One example per error message since the last mark. */
  errors: string[];
}

type Command = { cmd: 'start' } | { cmd: 'mark' } | { cmd: 'status' } | { cmd: 'close' };

export interface StormAgents {
  child: ChildProcess;
  /** Opens every session (paced) and resolves when each has connected once. */
  start(): Promise<{ connected: number; seconds: number }>;
  /** Starts counting cuts, births and failures afresh. */
  mark(): Promise<void>;
  status(): Promise<StormStatus>;
  close(): Promise<void>;
}

export function spawnStormAgents(options: StormAgentsOptions): StormAgents {
  const child = fork(resolve(import.meta.dirname, 'storm-agents.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_STORM_AGENTS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const ask = <T>(command: Command) =>
    new Promise<T>((ok, fail) => {
      const exited = (code: number | null) => fail(new Error(`storm agents process exited (${code}) during ${command.cmd}`));
      child.once('exit', exited);
      child.once('message', (m) => {
        child.off('exit', exited);
        ok(m as T);
      });
      child.send(command);
    });
  return {
    child,
    start: () => ask({ cmd: 'start' }),
    mark: () => ask({ cmd: 'mark' }),
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

const MAX_RAMP_PENDING = 50;

interface SimAgent {
  id: string;
  n: number;
  sealer: EnvelopeSealer;
  cert: Buffer;
  client?: MqttClient;
  bdSeq: number;
  failures: number;
  urlIndex: number;
  connected: boolean;
  everConnected: boolean;
  heartbeat?: NodeJS.Timeout;
  reconnect?: NodeJS.Timeout;
}

async function serve(options: StormAgentsOptions): Promise<void> {
  const pki = new FleetPki(options.pkiDir);
  const ca = readFileSync(pki.caCertPath);
  // The bench fleet shares one TLS key and one signing key (bench/support/fleet-pki.ts).
  const first = pki.device(options.ids[0] as string);
  const key = readFileSync(first.key);
  const signingKeyPem = readFileSync(first.signingKey, 'utf8');
  const recipientPublicKeyPem = readFileSync(first.recipientPublicKey, 'utf8');
  const ceilingMs = reconnectCeilingMs(options.heartbeatSeconds, options.minReconnectMs, options.maxReconnectMs);
  let closing = false;
  let births = 0;
  let cut = new Set<string>();
  let longestBackoffMs = 0;
  let failedAttempts = 0;
  let errors = new Map<string, string>();
  let onFirstConnect: (() => void) | undefined;
  let firstConnects = 0;
  /** First connections not yet answered (CONNACK or failure): the initial ramp waits below a cap. */
  let rampPending = 0;

  const agents: SimAgent[] = options.ids.map((id, i) => {
    const n = options.firstIndex + i;
    return {
      id,
      n,
      sealer: new EnvelopeSealer({ sender: id, signingKeyPem, recipientPublicKeyPem }),
      cert: readFileSync(pki.device(id).cert),
      bdSeq: 0,
      failures: 0,
      urlIndex: n % options.urls.length,
      connected: false,
      everConnected: false,
    };
  });

  const seal = (agent: SimAgent, payload: vigil.v1.IPayload) => Buffer.from(agent.sealer.seal(payload, 0));

  const open = (agent: SimAgent) => {
    agent.bdSeq++;
    agent.sealer.rotate();
    const url = options.urls[agent.urlIndex % options.urls.length] as string;
    const will = seal(agent, {
      death: { bdSeq: agent.bdSeq, spoolEpoch: BENCH_SPOOL_EPOCH, reason: vigil.v1.DeathReason.DEATH_REASON_WILL, sentAt: Date.now() },
    });
    const client = mqtt.connect(url, {
      clientId: agent.id,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      writeCache: false,
      cert: agent.cert,
      key,
      ca,
      will: { topic: topics.recorder(agent.id, 'death'), payload: will, qos: 1, retain: false },
    });
    agent.client = client;
    let wasConnected = false;
    let ramping = !agent.everConnected;
    if (ramping) rampPending++;
    const rampDone = () => {
      if (ramping) rampPending--;
      ramping = false;
    };
    client.on('connect', () => {
      rampDone();
      wasConnected = true;
      agent.connected = true;
      agent.failures = 0;
      if (!agent.everConnected) {
        agent.everConnected = true;
        firstConnects++;
        if (firstConnects === agents.length) onFirstConnect?.();
      }
      const birth = { ...agentBirth(agent.id, agent.n, Date.now()), bdSeq: agent.bdSeq, heartbeatSeconds: options.heartbeatSeconds };
      client.publish(topics.recorder(agent.id, 'birth'), seal(agent, { birth }), { qos: 1 }, (error) => {
        if (!error) births++;
      });
      clearInterval(agent.heartbeat);
      // Offset by recorder number, so the fleet's heartbeats are spread over the interval.
      const offset = ((agent.n % options.fleetSize) / options.fleetSize) * options.heartbeatSeconds * 1000;
      agent.heartbeat = setTimeout(() => {
        const beat = () =>
          client.connected &&
          client.publish(
            topics.recorder(agent.id, 'hb'),
            seal(agent, { heartbeat: { bdSeq: agent.bdSeq, spoolEpoch: BENCH_SPOOL_EPOCH, sentAt: Date.now() } }),
            { qos: 1 },
          );
        beat();
        agent.heartbeat = setInterval(beat, options.heartbeatSeconds * 1000);
      }, offset);
    });
    client.on('error', (error) => {
      if (!errors.has(error.message)) errors.set(error.message, `${agent.id}: ${error.message}`);
    });
    client.on('close', () => {
      rampDone();
      clearTimeout(agent.heartbeat);
      clearInterval(agent.heartbeat);
      agent.connected = false;
      if (closing || agent.client !== client) return;
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
      if (wasConnected) cut.add(agent.id);
      else failedAttempts++;
      // As the agent: the next URL of the list, after the backoff.
      agent.failures++;
      agent.urlIndex++;
      const delay = reconnectDelay(agent.failures, options.minReconnectMs, ceilingMs);
      longestBackoffMs = Math.max(longestBackoffMs, delay);
      agent.reconnect = setTimeout(() => open(agent), delay);
    });
  };

  process.on('message', async (command: Command) => {
    if (command.cmd === 'start') {
      const started = performance.now();
      const allConnected = new Promise<void>((r) => (onFirstConnect = r));
      const gapMs = 1000 / options.connectsPerSecond;
      for (let i = 0; i < agents.length; i++) {
        const wait = started + i * gapMs - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        // As bench/support/publishers.ts: on a busy machine an unbounded backlog of handshakes outlives
        // the 15 s connect timeout and the whole ramp turns into retries. Only the initial ramp is
        // capped; reconnects after a restart are the agents' own, spread only by their backoff.
        while (rampPending >= MAX_RAMP_PENDING) await new Promise((r) => setTimeout(r, 5));
        open(agents[i] as SimAgent);
      }
      await allConnected;
      process.send?.({ connected: agents.filter((a) => a.connected).length, seconds: (performance.now() - started) / 1000 });
    } else if (command.cmd === 'mark') {
      births = 0;
      cut = new Set();
      longestBackoffMs = 0;
      failedAttempts = 0;
      errors = new Map();
      process.send?.(null);
    } else if (command.cmd === 'status') {
      const byId = new Map(agents.map((a) => [a.id, a]));
      const status: StormStatus = {
        open: agents.filter((a) => a.connected).length,
        birthsSinceMark: births,
        cutSinceMark: [...cut],
        downSinceMark: [...cut].filter((id) => !byId.get(id)?.connected).length,
        longestBackoffMs,
        failedAttemptsSinceMark: failedAttempts,
        errors: [...errors.values()].slice(0, 5),
      };
      process.send?.(status);
    } else if (command.cmd === 'close') {
      closing = true;
      for (const agent of agents) {
        clearTimeout(agent.reconnect);
        clearInterval(agent.heartbeat);
      }
      await Promise.all(agents.map((a) => new Promise<void>((r) => (a.client ? a.client.end(true, {}, () => r()) : r()))));
      process.exit(0);
    }
  });
}

if (process.env.BENCH_STORM_AGENTS && process.send) {
  await serve(JSON.parse(process.env.BENCH_STORM_AGENTS) as StormAgentsOptions);
}

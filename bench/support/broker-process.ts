// Our broker in a process of its own (as `vigil broker` runs it), so a benchmark can measure its
// CPU and RSS apart from the load. Started by spawnBroker(); not a benchmark itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_LIMITS, startBroker, type BrokerLimits } from '@vigil/broker';
import { FleetPki } from '@vigil/proto/pki';

interface BrokerProcessOptions {
  pkiDir: string;
  limits?: Partial<BrokerLimits>;
  /** Default 0 (any free port); a node restarted on the same port keeps its place in the agents' URL list. */
  port?: number;
  /** One node of several sharing this Redis (VIGIL_REDIS_URL). */
  redisUrl?: string;
}

export interface BrokerProcess {
  child: ChildProcess;
  port: number;
  /** Broker stats as the child reports them. */
  stats(): Promise<{
    connections: number;
    messagesIn: number;
    drops: Record<string, number>;
    refused: Record<string, number>;
    clientErrors: Record<string, number>;
  }>;
  /** A full GC in the broker (needs --expose-gc among its node args). */
  gc(): Promise<void>;
  stop(): Promise<void>;
}

const REPO = resolve(import.meta.dirname, '..', '..');

/** Starts the broker child with the fleet PKI's broker identity and registry; resolves with its port. */
export async function spawnBroker(options: BrokerProcessOptions, nodeArgs: string[] = []): Promise<BrokerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', resolve(REPO, 'bench', 'support', 'broker-process.ts')], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_BROKER_PROCESS: JSON.stringify(options) },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const port = await new Promise<number>((ok, fail) => {
    child.once('message', (m) => ok((m as { port: number }).port));
    child.once('exit', (code) => fail(new Error(`broker process exited (${code}) before listening`)));
  });
  return {
    child,
    port,
    stats() {
      return new Promise((ok) => {
        child.once('message', (m) => ok(m as Awaited<ReturnType<BrokerProcess['stats']>>));
        child.send('stats');
      });
    },
    gc() {
      return new Promise((ok) => {
        child.once('message', () => ok());
        child.send('gc');
      });
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (process.env.BENCH_BROKER_PROCESS && process.send) {
  const options = JSON.parse(process.env.BENCH_BROKER_PROCESS) as BrokerProcessOptions;
  const pki = new FleetPki(options.pkiDir);
  const broker = await startBroker({
    port: options.port ?? 0,
    ...(options.redisUrl ? { redis: { url: options.redisUrl } } : {}),
    tls: pki.broker(),
    registryPath: pki.registryPath,
    // A simulated fleet connects from one address (loopback) where a real one comes from thousands:
    // the share of the TLS handshake places one address may hold is lifted to the whole.
    limits: { maxPendingHandshakesPerAddress: DEFAULT_LIMITS.maxPendingHandshakes, ...options.limits },
    logger: pino({ name: 'broker', level: 'warn' }, pino.destination(2)),
  });
  // Why aedes closed clients (keepalive timeouts and the like), which the broker logs at debug only.
  const clientErrors: Record<string, number> = {};
  broker.aedes.on('clientError', (_client, error) => {
    clientErrors[error.message] = (clientErrors[error.message] ?? 0) + 1;
  });
  process.on('message', (m) => {
    if (m === 'stats') process.send?.({ ...broker.stats, clientErrors });
    // With --expose-gc: a full collection before RSS is read, so it holds live memory only.
    if (m === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.(null);
    }
  });
  process.once('SIGTERM', () => {
    void broker.close().then(() => process.exit(0));
  });
  if (process.env.BENCH_BROKER_DEBUG) {
    setInterval(() => {
      const mq = (broker.aedes as unknown as { mq: { _messageQueue: unknown[]; current: number } }).mq;
      const clients = (broker.aedes as unknown as { clients: Record<string, { conn: { writableLength: number } }> }).clients;
      const sub = Object.entries(clients).find(([id]) => id.startsWith('service:'));
      console.error(
        `mq queue ${mq._messageQueue.length} current ${mq.current} sub writable ${sub?.[1].conn.writableLength} clients ${Object.keys(clients).length}`,
      );
    }, 1000).unref();
  }
  process.send({ port: broker.port });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's influxdb package (1.6.x): no CLI, databases are made with `CREATE DATABASE` over /query. */
export const INFLUXD = process.env.VIGIL_INFLUXD ?? '/usr/bin/influxd';

export interface Influxd {
  /** http://127.0.0.1:<port>, the same across stop() and start(). */
  readonly url: string;
  readonly dir: string;
  readonly pid: number | undefined;
  /** Makes a database (idempotent). */
  createDatabase(name: string): Promise<void>;
  /** Runs an InfluxQL statement against a database and returns the parsed JSON answer. */
  query(db: string, q: string): Promise<InfluxQueryAnswer>;
  /** Stops the server (SIGTERM, SIGKILL after 5 s); its data stays for start(). */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data (nothing to do when it runs). */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export interface InfluxQueryAnswer {
  results: Array<{
    error?: string;
    series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>;
  }>;
  error?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway influxd for tests and benchmarks: its own config in a temp dir, the HTTP API and the
 * RPC bind address (8088 by default, which would clash between runs) on free loopback ports,
 * reporting off. Ready in well under a second.
 */
export async function startInfluxd(options: { logOutput?: boolean } = {}): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  for (const sub of ['meta', 'data', 'wal']) mkdirSync(join(dir, sub));
  const configPath = join(dir, 'influxdb.conf');
  writeFileSync(
    configPath,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '[logging]',
      '  level = "warn"',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    // Already running: starting another on the same ports would fail while /ping still answered.
    if (child && child.exitCode === null && child.signalCode === null) return;
    output = '';
    child = spawn(INFLUXD, ['-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (options.logOutput) process.stdout.write(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (options.logOutput) process.stderr.write(chunk);
    });
    const started = Date.now();
    while (Date.now() - started < 15_000) {
      if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}:\n${output.slice(-2000)}`);
      try {
        const response = await fetch(`${url}/ping`);
        if (response.status === 204) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`influxd did not answer /ping within 15 s:\n${output.slice(-2000)}`);
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const killer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };

  const query = async (db: string, q: string): Promise<InfluxQueryAnswer> => {
    const response = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`, { method: 'POST' });
    return (await response.json()) as InfluxQueryAnswer;
  };

  await start();
  return {
    url,
    dir,
    get pid() {
      return child?.pid;
    },
    async createDatabase(name) {
      const answer = await query('', `CREATE DATABASE "${name.replace(/["\\]/g, '\\$&')}"`);
      const error = answer.error ?? answer.results[0]?.error;
      if (error) throw new Error(`CREATE DATABASE ${name}: ${error}`);
    },
    query,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

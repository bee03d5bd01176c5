import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import type { AgentConfigInput } from '@vigil/agent';
import { FleetPki } from '@vigil/proto/pki';

/**
 * The fault suite's fleet: `vigil broker`, `vigil ingestor` and `vigil agent` as real processes on
 * loopback, each one killable, stoppable and restartable by PID, sharing one data directory as an
 * operator's would. Agents watch real log files; every observation is a numbered log line, so what
 * the store holds can be counted exactly (see `stored`).
 */

const VIGIL = resolve(import.meta.dirname, '..', '..', '..', 'cli', 'bin', 'vigil.js');
/** The code every numbered line raises, as an event whose subject is the line's number. */
export const FAULT_CODE = 'archive-move-failed';

/**
 * A port below Linux's ephemeral range (32768-60999): a scenario stops and restarts its servers on
 * the same ports, and a port from that range may meanwhile become the source port of some client's
 * outgoing connection (another suite's agents), so the restart would fail to listen.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
    if (free) return port;
    if (attempt > 200) throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
  }
}

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await probe();
  }
  return value;
}

/** A pino JSON line a process printed (the fields the suite looks at). */
export interface LogLine {
  level?: number;
  msg?: string;
  bdSeq?: number;
  [field: string]: unknown;
}

/** One `vigil <command>` process that can be killed and started again with the same arguments. */
export class VigilProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** Everything it printed as JSON log lines, across restarts. */
  readonly lines: LogLine[] = [];
  starts = 0;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly ready: () => Promise<boolean>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }
  /** How it last exited (null while running or killed by a signal). */
  get exitCode(): number | null | undefined {
    return this.child?.exitCode;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it and, unless told not to, waits until it serves (its ready probe holds). */
  async start(options: { waitUntilReady?: boolean } = {}): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    const child = spawn(process.execPath, [VIGIL, ...this.args], {
      env: { ...process.env, VIGIL_LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.starts++;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        try {
          this.lines.push(JSON.parse(line) as LogLine);
        } catch {
          // a banner, not a log line
        }
      }
    });
    // Warnings and crashes are worth seeing in the test output, prefixed with whose they are.
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${this.name}] ${chunk.toString('utf8')}`));
    if (options.waitUntilReady === false) return;
    await waitFor(
      `${this.name} to serve`,
      async () => (this.running ? this.ready().catch(() => false) : 'exited'),
      (ok) => ok !== false,
      60_000,
    ).then((ok) => {
      if (ok === 'exited') throw new Error(`${this.name} exited at start (code ${child.exitCode}, signal ${child.signalCode})`);
    });
  }

  /** Sends a signal and, unless it only pauses or resumes the process, waits for it to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child?.kill(signal);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') return;
    await this.exited;
  }
  pause(): void {
    this.child?.kill('SIGSTOP');
  }
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** A graceful stop, then SIGKILL if it hangs (a test must never leave a process behind). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.resume();
    const forced = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.kill('SIGTERM');
    clearTimeout(forced);
  }
}

export interface FleetOptions {
  /** Extra environment of the ingestor, e.g. its InfluxDB settings. */
  ingestorEnv?: NodeJS.ProcessEnv;
  /**
   * Broker nodes sharing this Redis (VIGIL_REDIS_URL) on the one data directory: `brokerNodes`
   * of them (default 2), `broker` the first, the ingestor given all their URLs in order.
   */
  redis?: { url: string; brokerNodes?: number };
}

export interface AgentOptions {
  heartbeatSeconds?: number;
  /** Where its spool lives (default: its own folder in the fleet's temp dir). */
  dataDir?: string;
  spool?: AgentConfigInput['spool'];
  env?: NodeJS.ProcessEnv;
  /** Connect through this port instead of the broker's (a CuttableLink). */
  brokerPort?: number;
  /** Broker nodes to try in this order (fleet.nodes' indexes), instead of the one broker. */
  brokerNodes?: number[];
  /** Where it says it is (default: an installation and a site of its own). */
  site?: { installationSlc: string; siteId: string };
  /** More of its config, over the suite's (e.g. a tls section). */
  config?: Partial<AgentConfigInput>;
}

/** What the store holds of `sent` numbered observations: each once, none missing, none twice. */
export interface StoredCount {
  sent: number;
  stored: number;
  lost: number;
  doubled: number;
  /** Numbers that arrived although never sent: a test bug or a corrupt store; must be 0. */
  unexpected: number;
}

export class FaultAgent {
  readonly process: VigilProcess;
  readonly logPath: string;
  private next = 0;
  /** When each numbered line was written, by number. */
  readonly writtenAt: number[] = [];

  constructor(
    readonly id: string,
    readonly dataDir: string,
    configPath: string,
    logPath: string,
    options: AgentOptions,
  ) {
    this.logPath = logPath;
    this.process = new VigilProcess(`agent ${id}`, ['agent', '--config', configPath], options.env ?? {}, async () => this.connections() >= this.process.starts);
  }

  /** How many numbered lines it has been given so far. */
  get sent(): number {
    return this.next;
  }

  /**
   * Appends `count` numbered lines to the watched log in one write (a backlog when large); each is
   * one observation the store must hold exactly once.
   */
  writeLines(count: number): void {
    let text = '';
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const n = this.next++;
      this.writtenAt[n] = now;
      text += `${new Date().toISOString()} ERROR [Archiver] VIGIL-FAULT-${n}: could not move archive of camera ${n % 40} to storage\n`;
    }
    appendFileSync(this.logPath, text);
  }

  /** Appends lines as they are (camera condition lines: `VIGIL-CAM c1 DOWN`, `VIGIL-CAM c1 UP`). */
  writeRaw(lines: string[]): void {
    appendFileSync(this.logPath, lines.map((l) => `${new Date().toISOString()} WARN [Devices] ${l}\n`).join(''));
  }

  /** Starts writing `perSecond` lines a second until the returned stop() is called. */
  writeSteadily(perSecond: number): { stop(): void } {
    const tick = 100;
    let owed = 0;
    const timer = setInterval(() => {
      owed += (perSecond * tick) / 1000;
      const whole = Math.floor(owed);
      if (whole > 0) {
        this.writeLines(whole);
        owed -= whole;
      }
    }, tick);
    return { stop: () => clearInterval(timer) };
  }

  /** Observations it holds unacknowledged in its spool (it owns the file; this only reads). */
  spooled(): number {
    try {
      const db = new Database(join(this.dataDir, 'spool.db'), { readonly: true, fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        return db.prepare('SELECT COUNT(*) FROM entries').pluck().get() as number;
      } finally {
        db.close();
      }
    } catch {
      return 0; // not made yet
    }
  }

  /** The unacknowledged spool entries whose stored body contains `text` (a log line's words). */
  spooledContaining(text: string): number {
    try {
      const db = new Database(join(this.dataDir, 'spool.db'), { readonly: true, fileMustExist: true });
      try {
        db.pragma('busy_timeout = 5000');
        return db.prepare('SELECT COUNT(*) FROM entries WHERE instr(body, ?) > 0').pluck().get(text) as number;
      } finally {
        db.close();
      }
    } catch {
      return 0;
    }
  }

  /** The times the agent said it connected (one per session). */
  connections(): number {
    return this.process.lines.filter((l) => l.msg === 'connected').length;
  }
}

export class Fleet {
  readonly pki: FleetPki;
  readonly dataDir: string;
  readonly broker: VigilProcess;
  /** Every broker node: `broker` alone, or the nodes sharing Redis (FleetOptions.redis). */
  readonly nodes: Array<{ process: VigilProcess; mqttPort: number }> = [];
  readonly ingestor: VigilProcess;
  readonly agents: FaultAgent[] = [];
  /** Ingestors beyond the first (standby scenarios), stopped by close(). */
  readonly otherIngestors: VigilProcess[] = [];
  private readonly rulesPath: string;

  private constructor(
    readonly dir: string,
    readonly ports: { mqtt: number; wss: number; enroll: number; brokerMetrics: number; ingestorMetrics: number },
    options: FleetOptions,
    /** The ports of broker nodes after the first (FleetOptions.redis). */
    moreNodes: Array<{ mqtt: number; wss: number; enroll: number; metrics: number }> = [],
  ) {
    this.dataDir = join(dir, 'data');
    this.pki = new FleetPki(join(this.dataDir, 'pki'));
    const healthy = (port: number) => async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    const common = ['--data-dir', this.dataDir, '--mqtt-port', String(ports.mqtt)];
    const redisEnv: NodeJS.ProcessEnv = options.redis ? { VIGIL_REDIS_URL: options.redis.url } : {};
    for (const [i, node] of [{ mqtt: ports.mqtt, wss: ports.wss, enroll: ports.enroll, metrics: ports.brokerMetrics }, ...moreNodes].entries()) {
      const args = ['broker', '--data-dir', this.dataDir, '--mqtt-port', String(node.mqtt), '--wss-port', String(node.wss)];
      args.push('--enroll-port', String(node.enroll), '--metrics-port', String(node.metrics));
      this.nodes.push({ process: new VigilProcess(i === 0 ? 'broker' : `broker node ${i + 1}`, args, redisEnv, healthy(node.metrics)), mqttPort: node.mqtt });
    }
    this.broker = this.nodes[0]!.process;
    const brokerUrls = this.nodes.length > 1 ? ['--broker-url', this.nodes.map((n) => `mqtts://127.0.0.1:${n.mqttPort}`).join(',')] : [];
    this.ingestor = new VigilProcess(
      'ingestor',
      ['ingestor', ...common, '--metrics-port', String(ports.ingestorMetrics), ...brokerUrls],
      options.ingestorEnv ?? {},
      async () => {
        const ok = await healthy(ports.ingestorMetrics)();
        return ok && this.ingestor.lines.filter((l) => l.msg === 'ingestor connected').length >= this.ingestor.starts;
      },
    );
    this.rulesPath = join(dir, 'fault-rules.yaml');
    writeFileSync(
      this.rulesPath,
      stringify({
        rules: [
          {
            id: 'numbered-fault',
            pattern: 'VIGIL-FAULT-(?<n>\\d+):',
            code: FAULT_CODE,
            type: 'event',
            subject: 'n{n}',
            // Counting marks, not failures: a warning is stored and listed like any event, but does
            // not make the recorder degraded for its lifetime, so the scenarios' states stay theirs.
            severity: 'warning',
            message: 'numbered fault {n}',
          },
          {
            id: 'camera-down',
            pattern: 'VIGIL-CAM (?<cam>\\w+) DOWN',
            code: 'camera-unreachable',
            type: 'condition',
            subject: '{cam}',
            severity: 'error',
            message: 'camera {cam} down',
          },
          {
            id: 'camera-up',
            pattern: 'VIGIL-CAM (?<cam>\\w+) UP',
            code: 'camera-unreachable',
            type: 'condition',
            action: 'clear',
            subject: '{cam}',
            severity: 'error',
            message: 'camera {cam} up',
          },
        ],
      }),
    );
  }

  /** A PKI, a broker and an ingestor, all running; `name` is for the temp dir and messages. */
  static async start(name: string, options: FleetOptions = {}): Promise<Fleet> {
    const dir = mkdtempSync(join(tmpdir(), `vigil-fault-${name}-`));
    const ports = {
      mqtt: await freePort(),
      wss: await freePort(),
      enroll: await freePort(),
      brokerMetrics: await freePort(),
      ingestorMetrics: await freePort(),
    };
    const moreNodes = [];
    for (let i = 1; i < (options.redis ? (options.redis.brokerNodes ?? 2) : 1); i++)
      moreNodes.push({ mqtt: await freePort(), wss: await freePort(), enroll: await freePort(), metrics: await freePort() });
    const fleet = new Fleet(dir, ports, options, moreNodes);
    await fleet.pki.init();
    await Promise.all(fleet.nodes.map((node) => node.process.start()));
    await fleet.ingestor.start();
    return fleet;
  }

  /**
   * Another `vigil ingestor` on this fleet's broker (on its data directory unless told), not started;
   * ready when its /healthz answers, which a standby does too.
   */
  async anotherIngestor(name: string, options: { env?: NodeJS.ProcessEnv; dataDir?: string } = {}): Promise<{ process: VigilProcess; metricsPort: number }> {
    const metricsPort = await freePort();
    const args = ['ingestor', '--data-dir', options.dataDir ?? this.dataDir, '--mqtt-port', String(this.ports.mqtt), '--metrics-port', String(metricsPort)];
    const process = new VigilProcess(name, args, options.env ?? {}, async () => (await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).ok);
    this.otherIngestors.push(process);
    return { process, metricsPort };
  }

  /** A `vigil agent` process watching its own log file with the numbered-fault rule, started and connected. */
  async agent(id: string, options: AgentOptions = {}): Promise<FaultAgent> {
    if (!this.pki.hasDevice(id)) await this.pki.issueDevice(id);
    const logDir = join(this.dir, 'logs', id);
    mkdirSync(logDir, { recursive: true });
    const logPath = join(logDir, 'RecordingServer.log');
    writeFileSync(logPath, '');
    const dataDir = options.dataDir ?? join(this.dir, 'agents', id);
    const config: AgentConfigInput = {
      recorderId: id,
      broker: {
        url: options.brokerNodes
          ? options.brokerNodes.map((i) => `mqtts://127.0.0.1:${this.nodes[i]!.mqttPort}`)
          : `mqtts://127.0.0.1:${options.brokerPort ?? this.ports.mqtt}`,
      },
      bundleDir: this.pki.device(id).dir,
      heartbeatSeconds: options.heartbeatSeconds ?? 2,
      dataDir,
      spool: { ackTimeoutSeconds: 3, batchMaxEntries: 200, backfillBatchesPerSecond: 50, ...options.spool },
      logs: { files: [{ glob: `${logDir}/*.log` }], presets: [], rulesFile: this.rulesPath, startAt: 'beginning', pollSeconds: 0.2, rescanSeconds: 1 },
      inventory: {
        installation: { slc: options.site?.installationSlc ?? `SLC-${id}` },
        site: { id: options.site?.siteId ?? `site-${id}` },
      },
      ...options.config,
    };
    const configPath = join(this.dir, `${id}.yaml`);
    writeFileSync(configPath, stringify(config));
    const agent = new FaultAgent(id, dataDir, configPath, logPath, options);
    this.agents.push(agent);
    await agent.process.start();
    await waitFor(
      `${id} online`,
      () => this.recorderState(id),
      (s) => s === 'online' || s === 'degraded', // degraded when its first observations are problems already (its clock, say)
      60_000,
    );
    return agent;
  }

  /** fleet.db, read-only, for one question (the ingestor owns it). */
  read<T>(question: (db: Database.Database) => T): T {
    const db = new Database(join(this.dataDir, 'fleet.db'), { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return question(db);
    } finally {
      db.close();
    }
  }

  recorderState(id: string): string | undefined {
    return this.recorderColumn<string>(id, 'state');
  }

  /** The session (bdSeq) of `id` the ingestor follows; 0 before its first word. */
  recorderSession(id: string): number {
    return this.recorderColumn<number>(id, 'bd_seq') ?? 0;
  }

  private recorderColumn<T>(id: string, column: 'state' | 'bd_seq'): T | undefined {
    try {
      return this.read((db) => db.prepare(`SELECT ${column} FROM recorders WHERE id = ?`).pluck().get(id) as T | undefined);
    } catch {
      return undefined; // fleet.db not made yet
    }
  }

  /** The numbered events of `agent` in fleet.db: their numbers and how often each was counted. */
  storedEvents(id: string): Array<{ n: number; count: number; firstSeen: number }> {
    const rows = this.read(
      (db) =>
        db.prepare('SELECT subject, count, first_seen AS firstSeen FROM events WHERE recorder_id = ? AND code = ?').all(id, FAULT_CODE) as Array<{
          subject: string;
          count: number;
          firstSeen: number;
        }>,
    );
    return rows.map((r) => ({ n: Number(r.subject.slice(1)), count: r.count, firstSeen: r.firstSeen }));
  }

  /**
   * The numbered events of a recorder in the time series (the default store, <data-dir>/telemetry.db):
   * when each was observed and whether it came marked historical.
   */
  seriesEvents(id: string): Array<{ n: number; time: number; historical: boolean }> {
    const db = new Database(join(this.dataDir, 'telemetry.db'), { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      const rows = db
        .prepare(
          `SELECT json_extract(s.tags, '$.subject') AS subject, p.time AS time, json_extract(p.fields, '$.historical') AS historical
             FROM points p JOIN series s ON s.id = p.series_id
            WHERE s.measurement = 'event' AND s.recorder = ? AND json_extract(s.tags, '$.code') = ?`,
        )
        .all(id, FAULT_CODE) as Array<{ subject: string; time: number; historical: number }>;
      return rows.map((r) => ({ n: Number(r.subject.slice(1)), time: r.time, historical: r.historical === 1 }));
    } finally {
      db.close();
    }
  }

  /** `settle` for several agents, one after another, and their counts added up. */
  async settleAll(agents: FaultAgent[], timeoutMs = 120_000): Promise<StoredCount> {
    const total: StoredCount = { sent: 0, stored: 0, lost: 0, doubled: 0, unexpected: 0 };
    for (const agent of agents) {
      const count = await this.settle(agent, timeoutMs);
      for (const key of Object.keys(total) as Array<keyof StoredCount>) total[key] += count[key];
    }
    return total;
  }

  /** Exactly what the store holds of an agent's numbered lines. */
  count(agent: FaultAgent): StoredCount {
    const rows = this.storedEvents(agent.id);
    let stored = 0;
    let doubled = 0;
    let unexpected = 0;
    for (const row of rows) {
      if (!Number.isInteger(row.n) || row.n < 0 || row.n >= agent.sent) {
        unexpected++;
        continue;
      }
      stored++;
      doubled += row.count - 1;
    }
    return { sent: agent.sent, stored, lost: agent.sent - stored, doubled, unexpected };
  }

  /**
   * Waits until every line an agent was given is stored and its spool is empty (nothing left to
   * re-send that could still arrive twice), or the deadline passes; then counts.
   */
  async settle(agent: FaultAgent, timeoutMs = 120_000): Promise<StoredCount> {
    await waitFor(
      `every observation of ${agent.id} stored`,
      () => this.count(agent).stored,
      (n) => n >= agent.sent,
      timeoutMs,
    )
      .then(() =>
        waitFor(
          `${agent.id}'s spool acknowledged`,
          () => agent.spooled(),
          (n) => n === 0,
          30_000,
        ),
      )
      .catch(() => undefined);
    return this.count(agent);
  }

  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.process.stop()));
    await Promise.all(this.otherIngestors.map((i) => i.stop()));
    await this.ingestor.stop();
    await Promise.all(this.nodes.map((node) => node.process.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A network path between agents and the broker that can be cut: real sockets on loopback, relayed
 * byte for byte. A cut stops the relay in both directions without closing anything, as a pulled
 * uplink does (no RST, no FIN: each side finds out only by its own timeouts); what was in flight
 * is held and delivered when the path returns, as TCP's retransmissions would. Connections opened
 * during a cut wait for it to end.
 */
export class CuttableLink {
  private isCut = false;
  /** Relays holding bytes (or an end) from a cut, and connections waiting to reach the broker. */
  private readonly relays = new Set<{ flush(): void }>();
  private pendingConnects: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  constructor(private readonly upstreamPort: number) {
    this.server = createServer((downstream) => {
      this.track(downstream);
      const early: Buffer[] = [];
      const hold = (chunk: Buffer) => early.push(chunk);
      downstream.on('data', hold);
      const connectUpstream = () => {
        const upstream = this.track(connect(this.upstreamPort, '127.0.0.1'));
        upstream.on('error', () => downstream.destroy());
        downstream.on('error', () => upstream.destroy());
        downstream.off('data', hold);
        for (const chunk of early) upstream.write(chunk);
        this.relay(downstream, upstream);
        this.relay(upstream, downstream);
      };
      if (this.isCut) this.pendingConnects.push(connectUpstream);
      else connectUpstream();
    });
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  }

  private relay(from: Socket, to: Socket): void {
    const queued: Buffer[] = [];
    let ended = false;
    const relay = {
      flush: () => {
        for (const chunk of queued.splice(0)) to.write(chunk);
        if (ended) to.end();
      },
    };
    this.relays.add(relay);
    to.on('close', () => this.relays.delete(relay));
    from.on('data', (chunk: Buffer) => {
      if (this.isCut) queued.push(chunk);
      else to.write(chunk);
    });
    // A side that goes away is told to the other only when the path is up, as a FIN or RST would be.
    const gone = () => {
      ended = true;
      if (!this.isCut) to.end();
    };
    from.on('end', gone);
    from.on('close', gone);
  }

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.port = (this.server.address() as { port: number }).port;
  }

  cut(): void {
    this.isCut = true;
  }

  restore(): void {
    this.isCut = false;
    for (const relay of this.relays) relay.flush();
    for (const connectUpstream of this.pendingConnects.splice(0)) connectUpstream();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

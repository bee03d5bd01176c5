import { pino, type Logger } from 'pino';
import type { CheckReport, Clock, Collector, CollectorSink, InventoryFacts } from '../types.js';
import { MANAGER_KEY, type ServiceManager, type ServicesConfig } from './config.js';
import { isOnPath, probeFor, STANDARD_SEARCH_PATH, resolveManager, type HostFacts, type Probe, type ProbeResult } from './probes.js';

export { servicesConfigSchema, type ServicesConfig, type ServicesConfigInput, type ServiceManager, type ServiceManagerSetting } from './config.js';
export { parseScQuery, type ScQueryResult, type WindowsServiceState } from './sc-query.js';
export { resolveManager, interpretIsActive, type HostFacts, type ProbeResult } from './probes.js';

export interface ServicesCollectorOptions {
  /** Commands run in this folder (the config file's), so relative paths in them work. */
  baseDir: string;
  clock?: Clock;
  logger?: Logger;
  /** What `manager: auto` looks at; defaults to this host, with systemctl looked for on `searchPath`. */
  host?: HostFacts;
  /** PATH as the agent was started with (its CLI reads it); defaults to the standard system folders. */
  searchPath?: string;
}

/** A service whose check keeps failing is logged at once, then at most this often. */
const FAILURE_LOG_EVERY_MS = 15 * 60_000;

interface WatchedService {
  name: string;
  probe: Probe | null;
  stoppedActive: boolean;
  failingSince: number | null;
  lastFailureLogAt: number;
}

interface Session {
  sink: CollectorSink;
  timer: NodeJS.Timeout;
  /** Kills checks still running when the collector stops. */
  abort: AbortController;
  roundInProgress: boolean;
}

/** Whether the VMS services run, via systemd, the Windows service manager, or a command. */
export class ServicesCollector implements Collector {
  readonly name = 'services';
  readonly manager: ServiceManager;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly services: WatchedService[];
  private session: Session | null = null;
  private skipped = 0;

  constructor(
    private readonly config: ServicesConfig,
    options: ServicesCollectorOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.log = (options.logger ?? pino({ name: 'vigil-agent' })).child({ collector: this.name });
    const host = options.host ?? { platform: process.platform, systemctlOnPath: isOnPath('systemctl', options.searchPath ?? STANDARD_SEARCH_PATH) };
    this.manager = resolveManager(config.manager, host);
    const context = { timeoutMs: config.timeoutSeconds * 1000, cwd: options.baseDir };
    this.services = config.watch.map((entry) => ({
      name: entry.name,
      probe: probeFor(entry, this.manager, context),
      stoppedActive: false,
      failingSince: null,
      lastFailureLogAt: 0,
    }));
  }

  async start(sink: CollectorSink): Promise<void> {
    if (this.session) throw new Error('services collector is already started');
    for (const service of this.services) {
      if (!service.probe) this.log.warn({ service: service.name }, this.uncheckable(service));
    }
    const timer = setInterval(() => this.tick(), this.config.intervalSeconds * 1000);
    timer.unref();
    this.session = { sink, timer, abort: new AbortController(), roundInProgress: false };
    this.tick();
  }

  async stop(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    clearInterval(session.timer);
    session.abort.abort();
  }

  /** Ticks skipped because the previous round had not finished; a hung check must not pile up. */
  get skippedTicks(): number {
    return this.skipped;
  }

  inventory(): InventoryFacts {
    return { services: this.services.map((service) => service.name) };
  }

  async check(): Promise<CheckReport> {
    const abort = new AbortController();
    const lines = [`manager: ${this.manager}${this.config.manager === 'auto' ? ' (auto)' : ''}`];
    let ok = true;
    const results = await Promise.all(this.services.map(async (service) => (service.probe ? service.probe.run(abort.signal) : null)));
    this.services.forEach((service, index) => {
      const result = results[index];
      if (!result) {
        ok = false;
        lines.push(this.uncheckable(service));
        return;
      }
      if (result.state !== 'running') ok = false;
      const state = result.state === 'unknown' ? 'cannot tell' : result.state;
      lines.push(`${service.name}: ${state} (${result.detail})`);
    });
    return { collector: this.name, ok, lines };
  }

  private tick(): void {
    const session = this.session;
    if (!session) return;
    if (session.roundInProgress) {
      this.skipped++;
      return;
    }
    session.roundInProgress = true;
    this.round(session)
      .catch((error: unknown) => this.log.error({ err: error }, 'service check round failed'))
      .finally(() => {
        session.roundInProgress = false;
      });
  }

  private async round(session: Session): Promise<void> {
    await Promise.all(
      this.services.map(async (service) => {
        if (!service.probe) return;
        const result = await service.probe.run(session.abort.signal);
        if (session !== this.session) return;
        this.record(session.sink, service, result, this.clock());
      }),
    );
  }

  private record(sink: CollectorSink, service: WatchedService, result: ProbeResult, at: number): void {
    if (result.state === 'unknown') {
      // Neither a reading nor a condition change: the service may well be fine.
      this.noteFailure(service, result.detail, at);
      return;
    }
    this.noteRecovery(service, at);
    const running = result.state === 'running';
    sink.emit({ kind: 'service', name: service.name, at, running });
    if (running === !service.stoppedActive) return;
    service.stoppedActive = !running;
    sink.emit({
      kind: 'condition',
      code: 'service-stopped',
      subject: service.name,
      active: !running,
      at,
      severity: 'error',
      message: running ? `${service.name} is running again` : `${service.name} is not running (${result.detail})`,
      attributes: { manager: this.manager, detail: result.detail },
    });
  }

  private uncheckable(service: WatchedService): string {
    return `${service.name}: cannot be checked with the ${this.manager} manager; give it a ${MANAGER_KEY[this.manager]} or a command`;
  }

  private noteFailure(service: WatchedService, detail: string, now: number): void {
    const firstOfOutage = service.failingSince === null;
    if (firstOfOutage) service.failingSince = now;
    if (!firstOfOutage && now - service.lastFailureLogAt < FAILURE_LOG_EVERY_MS) return;
    service.lastFailureLogAt = now;
    this.log.warn({ service: service.name }, `cannot tell whether ${service.name} runs: ${detail}`);
  }

  private noteRecovery(service: WatchedService, now: number): void {
    if (service.failingSince === null) return;
    this.log.info({ service: service.name, failingForMs: now - service.failingSince }, `${service.name} can be checked again`);
    service.failingSince = null;
  }
}

import { pino, type Logger } from 'pino';
import type { CheckReport, Clock, Collector, CollectorSink, ConditionChange, InventoryFacts } from '../types.js';
import type { LicencesConfig } from './config.js';
import { licenceSource, type LicenceCounts, type LicenceSource } from './source.js';

export { licencesConfigSchema, type LicencesConfig, type LicencesConfigInput, type LicenceSourceConfig } from './config.js';
export { parseLicenceDocument, LicenceSourceError, type LicenceCounts } from './source.js';

export interface LicencesCollectorOptions {
  /** A relative source file, and a source command's working directory, resolve against this. */
  baseDir: string;
  clock?: Clock;
  logger?: Logger;
}

/** A source that keeps failing is logged at once, then at most this often. */
const FAILURE_LOG_EVERY_MS = 15 * 60_000;

interface Session {
  sink: CollectorSink;
  timer: NodeJS.Timeout;
  abort: AbortController;
  readInProgress: boolean;
}

/** Cameras in use against cameras licensed; licence-overrun while there are more cameras. */
export class LicencesCollector implements Collector {
  readonly name = 'licences';
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly source: LicenceSource;
  private session: Session | null = null;
  private lastGood: LicenceCounts | null = null;
  private overrunActive = false;
  private failingSince: number | null = null;
  private lastFailureLogAt = 0;

  constructor(
    private readonly config: LicencesConfig,
    options: LicencesCollectorOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.log = (options.logger ?? pino({ name: 'vigil-agent' })).child({ collector: this.name });
    this.source = licenceSource(config.source, { baseDir: options.baseDir, timeoutMs: config.timeoutSeconds * 1000 });
  }

  /** Resolves after the first read, so inventory() has the counts when the agent sends its birth. */
  async start(sink: CollectorSink): Promise<void> {
    if (this.session) throw new Error('licences collector is already started');
    const timer = setInterval(() => void this.tick(), this.config.intervalSeconds * 1000);
    timer.unref();
    this.session = { sink, timer, abort: new AbortController(), readInProgress: false };
    await this.tick();
  }

  async stop(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    clearInterval(session.timer);
    session.abort.abort();
  }

  /** From the last good read; empty until one succeeded. */
  inventory(): InventoryFacts {
    return this.lastGood ? { cameraCount: this.lastGood.cameras, licensedCameras: this.lastGood.licensed } : {};
  }

  async check(): Promise<CheckReport> {
    try {
      const counts = await this.source.read();
      const over = counts.cameras > counts.licensed;
      const line = `${this.source.describe}: ${counts.cameras} cameras, ${counts.licensed} licensed`;
      return { collector: this.name, ok: !over, lines: [over ? `${line}; ${counts.cameras - counts.licensed} over the licence` : line] };
    } catch (error) {
      return { collector: this.name, ok: false, lines: [(error as Error).message] };
    }
  }

  private async tick(): Promise<void> {
    const session = this.session;
    if (!session || session.readInProgress) return;
    session.readInProgress = true;
    try {
      const counts = await this.source.read(session.abort.signal);
      if (session !== this.session) return;
      this.record(session.sink, counts, this.clock());
    } catch (error) {
      if (session === this.session) this.noteFailure((error as Error).message);
    } finally {
      session.readInProgress = false;
    }
  }

  private record(sink: CollectorSink, counts: LicenceCounts, at: number): void {
    if (this.failingSince !== null) {
      this.log.info({ failingForMs: at - this.failingSince }, `licence source ${this.source.describe} is readable again`);
      this.failingSince = null;
    }
    this.lastGood = counts;
    sink.emit({ kind: 'licence', at, cameraCount: counts.cameras, licensedCameras: counts.licensed });
    const over = counts.cameras > counts.licensed;
    if (over === this.overrunActive) return;
    this.overrunActive = over;
    sink.emit(overrunChange(counts, over, at));
  }

  private noteFailure(reason: string): void {
    const now = this.clock();
    const firstOfOutage = this.failingSince === null;
    if (firstOfOutage) this.failingSince = now;
    if (!firstOfOutage && now - this.lastFailureLogAt < FAILURE_LOG_EVERY_MS) return;
    this.lastFailureLogAt = now;
    this.log.warn({ source: this.source.describe }, `cannot read the licence counts: ${reason}`);
  }
}

function overrunChange(counts: LicenceCounts, active: boolean, at: number): ConditionChange {
  const { cameras, licensed } = counts;
  return {
    kind: 'condition',
    code: 'licence-overrun',
    subject: '',
    active,
    at,
    // XProtect keeps unlicensed cameras recording through a grace period, so this is not yet lost video.
    severity: 'warning',
    message: active
      ? `more cameras than licences: ${cameras} cameras, ${licensed} licensed (${cameras - licensed} over)`
      : `cameras within the licence again: ${cameras} cameras, ${licensed} licensed`,
    attributes: { cameras: String(cameras), licensed: String(licensed) },
  };
}

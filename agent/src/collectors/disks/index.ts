import { promises as fs } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import type { CheckReport, Clock, Collector, CollectorSink, ConditionChange, InventoryFacts } from '../types.js';
import type { DiskRole, DisksConfig } from './config.js';
import { DEFAULT_MIN_SPAN_MINUTES, MIN_TREND_SAMPLES, projectTimeToFull, type UsageSample } from './trend.js';

export { disksConfigSchema, type DisksConfig, type DisksConfigInput, type DiskRole } from './config.js';
export { projectTimeToFull, DEFAULT_MIN_SPAN_MINUTES, MIN_TREND_SAMPLES, type UsageSample } from './trend.js';

/** The fields of fs.StatsFs this collector reads. */
export interface StatfsResult {
  bsize: number;
  blocks: number;
  bavail: number;
}
export type StatfsFunction = (path: string) => Promise<StatfsResult>;

export interface DisksCollectorOptions {
  /** Relative paths in the config resolve against this (the config file's folder). */
  baseDir: string;
  clock?: Clock;
  logger?: Logger;
  /** Replaces fs.promises.statfs; tests use it to play usage a real disk cannot be made to show. */
  statfs?: StatfsFunction;
}

/** drive-filling clears only when the projection moves this far past the horizon (hysteresis). */
const FILLING_CLEAR_FACTOR = 1.2;
/** A failing path is logged at once, then at most this often while it keeps failing. */
const FAILURE_LOG_EVERY_MS = 15 * 60_000;
/** check() is a one-off look from the command line; a dead network share must not hang it. */
const CHECK_TIMEOUT_MS = 10_000;
const HOUR_MS = 3_600_000;

interface Usage {
  totalBytes: number;
  freeBytes: number;
}

interface Drive {
  path: string;
  role: DiskRole;
  samples: UsageSample[];
  fullActive: boolean;
  fillingActive: boolean;
  /** When the pending statfs started; a hung network share must not stack up calls. */
  pendingSince: number | null;
  failingSince: number | null;
  lastFailureLogAt: number;
  unloggedFailures: number;
}

interface Session {
  sink: CollectorSink;
  timer: NodeJS.Timeout;
}

/** Free space, drive-full (with hysteresis) and drive-filling (trend) for each configured path. */
export class DisksCollector implements Collector {
  readonly name = 'disks';
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly statfs: StatfsFunction;
  private readonly drives: Drive[];
  private session: Session | null = null;

  constructor(
    private readonly config: DisksConfig,
    options: DisksCollectorOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.log = (options.logger ?? pino({ name: 'vigil-agent' })).child({ collector: this.name });
    this.statfs = options.statfs ?? ((path) => fs.statfs(path));
    this.drives = config.paths.map((entry) => ({
      // An absolute path keeps the operator's spelling, which is what the dashboard should show.
      path: isAbsolute(entry.path) ? entry.path : resolve(options.baseDir, entry.path),
      role: entry.role,
      samples: [],
      fullActive: false,
      fillingActive: false,
      pendingSince: null,
      failingSince: null,
      lastFailureLogAt: 0,
      unloggedFailures: 0,
    }));
  }

  async start(sink: CollectorSink): Promise<void> {
    if (this.session) throw new Error('disks collector is already started');
    const timer = setInterval(() => this.tick(), this.config.intervalSeconds * 1000);
    timer.unref();
    this.session = { sink, timer };
    this.tick();
  }

  async stop(): Promise<void> {
    if (!this.session) return;
    clearInterval(this.session.timer);
    // A statfs still pending finds no session and emits nothing.
    this.session = null;
  }

  inventory(): InventoryFacts {
    return { drives: this.drives.map((drive) => drive.path) };
  }

  async check(): Promise<CheckReport> {
    const lines = await Promise.all(
      this.drives.map(async (drive) => {
        try {
          const usage = await withTimeout(this.measure(drive.path), CHECK_TIMEOUT_MS);
          const percent = usedPercent(usage);
          const full = percent >= this.config.fullPercent;
          const line = `${drive.path} (${drive.role}): ${percent.toFixed(1)}% used, ${formatBytes(usage.freeBytes)} free of ${formatBytes(usage.totalBytes)}`;
          return { ok: !full, line: full ? `${line}; at or above ${this.config.fullPercent}%` : line };
        } catch (error) {
          return { ok: false, line: `${drive.path} (${drive.role}): cannot read free space: ${describeError(error)}` };
        }
      }),
    );
    return { collector: this.name, ok: lines.every((l) => l.ok), lines: lines.map((l) => l.line) };
  }

  private tick(): void {
    for (const drive of this.drives) {
      if (drive.pendingSince === null) {
        void this.sample(drive);
      } else {
        const waitedSeconds = Math.round((this.clock() - drive.pendingSince) / 1000);
        this.noteFailure(drive, `statfs has not answered for ${waitedSeconds} s (unreachable network share?)`);
      }
    }
  }

  private async sample(drive: Drive): Promise<void> {
    const session = this.session;
    drive.pendingSince = this.clock();
    try {
      const usage = await this.measure(drive.path);
      if (session === null || session !== this.session) return;
      const at = this.clock();
      this.noteRecovery(drive);
      session.sink.emit({ kind: 'disk', path: drive.path, at, ...usage });
      this.evaluateFull(session.sink, drive, usage, at);
      this.evaluateFilling(session.sink, drive, usage, at);
    } catch (error) {
      if (session !== null && session === this.session) this.noteFailure(drive, describeError(error));
    } finally {
      drive.pendingSince = null;
    }
  }

  private async measure(path: string): Promise<Usage> {
    const stats = await this.statfs(path);
    const usage = { totalBytes: stats.bsize * stats.blocks, freeBytes: stats.bsize * stats.bavail };
    if (!(usage.totalBytes > 0)) throw new Error('the file system reports no capacity');
    return usage;
  }

  private evaluateFull(sink: CollectorSink, drive: Drive, usage: Usage, at: number): void {
    const percent = usedPercent(usage);
    const attributes = { usedPercent: percent.toFixed(1), role: drive.role };
    if (!drive.fullActive && percent >= this.config.fullPercent) {
      drive.fullActive = true;
      sink.emit(
        this.condition('drive-full', drive, true, at, `${drive.path} is ${percent.toFixed(1)}% full (${formatBytes(usage.freeBytes)} free)`, attributes),
      );
    } else if (drive.fullActive && percent < this.config.clearPercent) {
      drive.fullActive = false;
      sink.emit(this.condition('drive-full', drive, false, at, `${drive.path} is back to ${percent.toFixed(1)}% used`, attributes));
    }
  }

  private evaluateFilling(sink: CollectorSink, drive: Drive, usage: Usage, at: number): void {
    const { windowMinutes, minSpanMinutes } = this.config.filling;
    const windowStart = at - windowMinutes * 60_000;
    drive.samples.push({ at, usedBytes: usage.totalBytes - usage.freeBytes });
    drive.samples = drive.samples.filter((s) => s.at >= windowStart);
    // The history the trend is drawn from; too short a one says nothing (DEFAULT_MIN_SPAN_MINUTES).
    const spanMs = at - drive.samples.reduce((oldest, s) => Math.min(oldest, s.at), at);
    const minSpanMs = Math.min(minSpanMinutes ?? DEFAULT_MIN_SPAN_MINUTES, windowMinutes) * 60_000;
    // Without enough history nothing is said either way: no forecast, and no clearing of one.
    if (drive.samples.length < MIN_TREND_SAMPLES || spanMs < minSpanMs) return;
    const msToFull = projectTimeToFull(drive.samples, usage.totalBytes);
    const horizonMs = this.config.filling.horizonHours * HOUR_MS;
    if (!drive.fillingActive && msToFull !== null && msToFull <= horizonMs) {
      drive.fillingActive = true;
      const hours = (msToFull / HOUR_MS).toFixed(1);
      sink.emit(
        this.condition(
          'drive-filling',
          drive,
          true,
          at,
          `${drive.path} will be full in about ${formatDuration(msToFull)} at the rate of the last ${formatSpan(spanMs)} (${usedPercent(usage).toFixed(1)}% used now)`,
          {
            hoursToFull: hours,
            trendMinutes: String(Math.round(spanMs / 60_000)),
            role: drive.role,
          },
        ),
      );
    } else if (drive.fillingActive && (msToFull === null || msToFull > horizonMs * FILLING_CLEAR_FACTOR)) {
      drive.fillingActive = false;
      const why = msToFull === null ? 'usage is no longer growing' : `full only in about ${formatDuration(msToFull)} at the current rate`;
      sink.emit(this.condition('drive-filling', drive, false, at, `${drive.path} is no longer filling up: ${why}`, { role: drive.role }));
    }
  }

  private condition(
    code: 'drive-full' | 'drive-filling',
    drive: Drive,
    active: boolean,
    at: number,
    message: string,
    attributes: Record<string, string>,
  ): ConditionChange {
    // A full recording drive means the VMS starts losing video; a full archive drive only delays archiving.
    const severity = code === 'drive-filling' ? 'warning' : drive.role === 'recording' ? 'critical' : 'error';
    return { kind: 'condition', code, subject: drive.path, active, at, severity, message, attributes };
  }

  private noteFailure(drive: Drive, reason: string): void {
    const now = this.clock();
    const firstOfOutage = drive.failingSince === null;
    if (firstOfOutage) drive.failingSince = now;
    if (!firstOfOutage && now - drive.lastFailureLogAt < FAILURE_LOG_EVERY_MS) {
      drive.unloggedFailures++;
      return;
    }
    this.log.warn({ path: drive.path, suppressed: drive.unloggedFailures }, `cannot read free space of ${drive.path}: ${reason}`);
    drive.lastFailureLogAt = now;
    drive.unloggedFailures = 0;
  }

  private noteRecovery(drive: Drive): void {
    if (drive.failingSince === null) return;
    this.log.info({ path: drive.path, failingForMs: this.clock() - drive.failingSince }, `free space of ${drive.path} is readable again`);
    drive.failingSince = null;
    drive.unloggedFailures = 0;
  }
}

function usedPercent(usage: Usage): number {
  return ((usage.totalBytes - usage.freeBytes) / usage.totalBytes) * 100;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ? `${(error as NodeJS.ErrnoException).code} (${error.message})` : error.message;
  return String(error);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** How much history a trend used: "42 min", "3.5 h". */
function formatSpan(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${Math.max(1, minutes)} min` : `${(ms / HOUR_MS).toFixed(1)} h`;
}

function formatDuration(ms: number): string {
  if (ms < HOUR_MS) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (ms < 48 * HOUR_MS) return `${(ms / HOUR_MS).toFixed(1)} h`;
  return `${(ms / (24 * HOUR_MS)).toFixed(1)} days`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

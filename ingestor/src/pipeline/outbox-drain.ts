import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import type { BackoffPolicy } from '@vigil/proto/backoff';
import type { PortableStoreConfig } from '../stores/store-config.js';
import type { TelemetryStore } from '../stores/telemetry-store.js';
import { DrainLoop, type DrainLoopSettings, type DrainReport, type OutboxRowSource } from './drain-loop.js';
import { InProcessRunner, WorkerRunner, type DrainRunner } from './drain-runners.js';
import type { TelemetryOutbox } from './outbox.js';

/** Where the drain's loop runs and which store it writes. */
export type DrainPlacement =
  /** On a worker thread, which opens its own store from this config and its own connection to fleet.db. */
  | { thread: 'worker'; store: PortableStoreConfig; fleetDbPath: string; restartDelayMs?: number }
  /** On the main thread, writing this store (one no other thread can reach: in memory, or a caller's). */
  | { thread: 'main'; store: TelemetryStore };

export interface OutboxDrainOptions {
  outbox: TelemetryOutbox;
  runOn: DrainPlacement;
  logger: Logger;
  /** Most points per store write. Default 20,000. */
  maxBatchPoints?: number;
  /** When quiet, how long new points may wait to be sent with others. Default 100 ms. */
  flushIntervalMs?: number;
  /** Backoff after a failed write: the first delay's ceiling, doubling up to maxRetryDelayMs. Defaults 500 ms, 30 s. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Each confirmed write, for metrics and benchmarks. */
  onWritten?: (points: number, ms: number) => void;
  onFailed?: (error: Error) => void;
  /** Points the store refused as invalid, set aside in telemetry_rejected. */
  onRejected?: (points: number) => void;
  /**
   * Called before the drain reads (main thread) or deletes outbox rows: the ingestor commits its
   * open group here, so only committed rows are sent and a delete is never part of a message group.
   */
  beforeDbWork?: () => void;
}

/**
 * Moves outbox rows to the TelemetryStore: one DrainLoop (pipeline/drain-loop.ts), on a worker
 * thread for a store another thread can open (a SQLite file, InfluxDB), so the main thread only
 * applies messages; else on the main thread. Either way this side keeps what needs fleet.db's single
 * writer: it deletes rows once the loop reports the store's write returned, which means durable
 * (SQLite: synchronous = FULL; InfluxDB: writeSuccess), and moves a row the store refused as invalid
 * to telemetry_rejected. A worker that dies is logged and replaced; it never deleted anything, so
 * nothing is lost.
 */
export class OutboxDrain {
  private readonly runner: DrainRunner;
  private readonly worker: WorkerRunner | undefined;
  private readonly storeKind: string;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly warning: RateLimitedWarning;
  private running = false;
  private finished = false;
  private failing = false;
  /** Since when points have waited without the store taking any (undefined: empty, or it just took some). */
  private waitingSince: number | undefined;
  lastError: string | undefined;

  constructor(private readonly options: OutboxDrainOptions) {
    this.warning = new RateLimitedWarning(options.logger, 30_000);
    const settings: DrainLoopSettings = {
      maxBatchPoints: options.maxBatchPoints ?? 20_000,
      flushIntervalMs: options.flushIntervalMs ?? 100,
      retry: retryPolicy(options),
    };
    const report: DrainReport = {
      written: (through, points, ms) => this.written(through, points, ms),
      rejected: (id, error) => this.rejected(id, error),
      failed: (error, retryInMs) => this.failed(error, retryInMs),
    };
    const placement = options.runOn;
    this.storeKind = placement.store.kind;
    if (placement.thread === 'worker') {
      this.worker = new WorkerRunner(
        { fleetDbPath: placement.fleetDbPath, store: placement.store, ...settings },
        placement.restartDelayMs ?? 1_000,
        report,
        options.logger,
        () => options.outbox.depth,
      );
      this.runner = this.worker;
    } else {
      const reader = options.outbox.reader;
      const committedRows: OutboxRowSource = {
        take: (cursor, maxPoints) => {
          options.beforeDbWork?.();
          return reader.take(cursor, maxPoints);
        },
      };
      this.runner = new InProcessRunner(new DrainLoop(committedRows, placement.store, settings, report));
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.runner.start();
  }

  /** Rows were committed: send them soon (after the flush interval, so a few groups go together). */
  kick(): void {
    this.runner.kick();
  }

  /**
   * How long the outbox has held points without the store confirming any (0 when it is empty or
   * made progress just now). Observed here and at every write, so call it often (the ingestor's
   * sweep does); a stall is this passing the operator's limit (VIGIL_OUTBOX_STALL_SECONDS).
   */
  waitingForMs(now = Date.now()): number {
    if (this.options.outbox.depth === 0) this.waitingSince = undefined;
    else this.waitingSince ??= now;
    return this.waitingSince === undefined ? 0 : now - this.waitingSince;
  }

  /** Resolves when the outbox is empty (tests, benchmarks, a graceful shutdown). */
  idle(): Promise<void> {
    if (this.options.outbox.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The running worker thread, when the drain runs on one (tests end it to check a crash is survived). */
  get currentWorker(): Worker | undefined {
    return this.worker?.current;
  }

  /** Workers started after one died (tests, metrics). */
  get restarts(): number {
    return this.worker?.restarts ?? 0;
  }

  /**
   * Stops after the write in flight; with `flushWithinMs`, first keeps draining that long. What
   * remains stays in the outbox and is sent after the next start.
   */
  async stop(flushWithinMs = 0): Promise<void> {
    if (flushWithinMs > 0 && this.running && this.options.outbox.depth > 0 && !this.failing) {
      this.runner.flush();
      await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, flushWithinMs))]);
    }
    this.running = false;
    // A write to a store that hangs may never return: the loop is left behind then (a worker is
    // ended). Its rows stay in the outbox and are sent after the next start (writes are idempotent).
    await this.runner.stop(2_000);
    // The caller closes fleet.db next: a report still on its way must not touch it.
    this.finished = true;
  }

  private written(through: number, points: number, ms: number): void {
    if (this.finished) return;
    const { outbox, logger } = this.options;
    this.options.beforeDbWork?.();
    outbox.confirmThrough(through);
    this.progressed();
    this.options.onWritten?.(points, ms);
    if (this.failing) logger.info({ store: this.storeKind, pending: outbox.depth }, 'telemetry store writable again; sending what waited');
    this.failing = false;
    this.lastError = undefined;
    this.settleIdle();
  }

  private rejected(id: number, error: string): void {
    if (this.finished) return;
    this.options.beforeDbWork?.();
    const points = this.options.outbox.rejectRow(id, error, Date.now());
    this.progressed();
    this.options.onRejected?.(points);
    this.options.logger.error(
      { store: this.storeKind, points, err: error },
      'the telemetry store refused these points; kept in telemetry_rejected in fleet.db',
    );
    this.settleIdle();
  }

  private failed(error: string, retryInMs: number): void {
    if (this.finished) return;
    this.failing = true;
    this.lastError = error;
    this.options.onFailed?.(new Error(error));
    this.warning.warn(
      'store-write-failed',
      { store: this.storeKind, err: error, pending: this.options.outbox.depth, retryInMs },
      'telemetry store write failed; points wait in the outbox',
    );
  }

  /** The store settled some rows: the stall clock restarts (or stops, when nothing is left). */
  private progressed(): void {
    this.waitingSince = this.options.outbox.depth === 0 ? undefined : Date.now();
  }

  private settleIdle(): void {
    if (this.options.outbox.depth === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function retryPolicy(options: Pick<OutboxDrainOptions, 'minRetryDelayMs' | 'maxRetryDelayMs'>): BackoffPolicy {
  const minMs = options.minRetryDelayMs ?? 500;
  // Never hammer a store that just failed: at least half the first delay.
  return { minMs, maxMs: Math.max(minMs, options.maxRetryDelayMs ?? 30_000), floorMs: minMs / 2 };
}

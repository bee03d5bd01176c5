import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import type { DrainStoreConfig, DrainWorkerData, FromDrainWorker, ToDrainWorker } from './drain-worker-protocol.js';
import type { DrainPacing, TelemetryOutbox } from './outbox.js';

export interface WorkerOutboxDrainOptions extends DrainPacing {
  outbox: TelemetryOutbox;
  fleetDbPath: string;
  /** The store the worker writes to, opened by the worker itself. */
  store: DrainStoreConfig;
  logger: Logger;
  /** Points the store refused as invalid, set aside in telemetry_rejected. */
  onRejected?: (points: number) => void;
  /** How long after a worker died the next one starts. Default 1 s. */
  restartDelayMs?: number;
  /** Called before confirmed rows are deleted: the ingestor commits its open group here, so the delete is never part of a message group. */
  beforeDbWork?: () => void;
}

const WORKER_URL = new URL('./drain-worker.boot.mjs', import.meta.url);

/**
 * The outbox drain with the store's work (decoding rows, encoding points, SQLite inserts or InfluxDB
 * line protocol and HTTP) on a worker thread (`drain-worker.ts`), so the main thread only applies
 * messages. The main thread keeps what needs fleet.db's single writer: it deletes rows once the
 * worker reports the store's write returned, which means durable (SQLite: synchronous = FULL;
 * InfluxDB: writeSuccess), and moves a row InfluxDB refused to telemetry_rejected. A worker that dies
 * is logged and replaced; it never deleted anything, so nothing is lost.
 */
export class WorkerOutboxDrain {
  private worker: Worker | undefined;
  private running = false;
  private finished = false;
  private failing = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly warning: RateLimitedWarning;
  /** Workers started after one died (tests, metrics). */
  restarts = 0;
  lastError: string | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private kickAsked = false;
  private readonly kickEveryMs: number;

  constructor(private readonly options: WorkerOutboxDrainOptions) {
    this.warning = new RateLimitedWarning(options.logger, 30_000);
    this.kickEveryMs = Math.max(1, Math.floor((options.flushIntervalMs ?? 100) / 4));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.spawn();
  }

  /**
   * Rows were committed: the worker sends them after its flush interval. A kick is a message to
   * another thread, and groups commit hundreds of times a second, so at most one goes per
   * `kickEveryMs`; kicks asked for in between are sent together at the end of it, so every commit
   * is followed by a kick within that time.
   */
  kick(): void {
    if (this.kickTimer) {
      this.kickAsked = true;
      return;
    }
    this.post({ type: 'kick' });
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      if (this.kickAsked) {
        this.kickAsked = false;
        this.kick();
      }
    }, this.kickEveryMs);
  }

  /** Resolves when the outbox is empty (tests, benchmarks, a graceful shutdown). */
  idle(): Promise<void> {
    if (this.options.outbox.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The running worker thread (tests end it to check a crash is survived). */
  get currentWorker(): Worker | undefined {
    return this.worker;
  }

  /**
   * Stops after the write in flight; with `flushWithinMs`, first keeps draining that long. What
   * remains stays in the outbox and is sent after the next start.
   */
  async stop(flushWithinMs = 0): Promise<void> {
    if (flushWithinMs > 0 && this.options.outbox.depth > 0 && !this.failing && this.worker) {
      this.kick();
      await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, flushWithinMs))]);
    }
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    clearTimeout(this.kickTimer);
    this.kickTimer = undefined;
    this.post({ type: 'stop' });
    // A write to a store that hangs (a disk that stopped answering) may never return: end the
    // thread then. Its rows stay in the outbox and are sent after the next start.
    let timer: NodeJS.Timeout | undefined;
    const worker = this.worker;
    const exited = await Promise.race([this.exited.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2_000)))]);
    clearTimeout(timer);
    if (!exited) await worker?.terminate();
    // The caller closes fleet.db next: a confirmation still on its way must not touch it.
    this.finished = true;
  }

  private post(message: ToDrainWorker): void {
    this.worker?.postMessage(message);
  }

  private spawn(): void {
    const data: DrainWorkerData = {
      fleetDbPath: this.options.fleetDbPath,
      store: this.options.store,
      maxBatchPoints: this.options.maxBatchPoints ?? 20_000,
      flushIntervalMs: this.options.flushIntervalMs ?? 100,
      minRetryDelayMs: this.options.minRetryDelayMs ?? 500,
      maxRetryDelayMs: this.options.maxRetryDelayMs ?? 30_000,
    };
    const worker = new Worker(WORKER_URL, { workerData: data, name: 'vigil-outbox-drain' });
    this.worker = worker;
    worker.on('message', (message: FromDrainWorker) => this.handle(message));
    worker.on('error', (error) => this.options.logger.error({ err: error.message }, 'the outbox drain worker failed; the rows it was sending stay in the outbox'));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        resolve();
        if (!this.running) return;
        const inMs = this.options.restartDelayMs ?? 1_000;
        this.options.logger.error({ code, restartInMs: inMs, pending: this.options.outbox.depth }, 'the outbox drain worker exited; starting another');
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          if (!this.running) return;
          this.restarts++;
          this.spawn();
        }, inMs);
      }),
    );
  }

  private handle(message: FromDrainWorker): void {
    if (this.finished) return;
    const { logger, outbox } = this.options;
    if (message.type === 'written') {
      this.options.beforeDbWork?.();
      outbox.confirmThrough(message.through);
      this.options.onWritten?.(message.points, message.ms);
      if (this.failing) logger.info({ store: this.options.store.kind, pending: outbox.depth }, 'telemetry store writable again; sending what waited');
      this.failing = false;
      this.lastError = undefined;
      if (outbox.depth === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    } else if (message.type === 'rejected') {
      this.options.beforeDbWork?.();
      const points = outbox.rejectRow(message.id, message.error, Date.now());
      this.options.onRejected?.(points);
      logger.error({ store: this.options.store.kind, points, err: message.error }, 'the telemetry store refused these points; kept in telemetry_rejected in fleet.db');
      if (outbox.depth === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    } else {
      this.failing = true;
      this.lastError = message.error;
      this.options.onFailed?.(new Error(message.error));
      this.warning.warn('store-write-failed', { store: this.options.store.kind, err: message.error, pending: outbox.depth, retryInMs: message.retryInMs }, 'telemetry store write failed; points wait in the outbox');
    }
  }
}

import { backoffDelay, type BackoffPolicy } from '@vigil/proto/backoff';
import { InfluxRejectedError } from '../stores/influx/influx-telemetry-store.js';
import type { TelemetryStore } from '../stores/telemetry-store.js';
import { pointsOf, type OutboxRow } from './outbox.js';

/** Committed outbox rows after a cursor, oldest first (OutboxReader, on whichever connection the loop's thread has). */
export interface OutboxRowSource {
  take(cursor: number, maxPoints: number): { rows: OutboxRow[]; points: number };
}

/**
 * What the loop tells its host. The loop never deletes a row: the host, fleet.db's one writer,
 * removes rows once `written` says the store holds them durably.
 */
export interface DrainReport {
  /** The store's write of every row up to `through` returned, durably. */
  written(through: number, points: number, ms: number): void;
  /** The store refused this row's points as invalid (InfluxDB 4xx): set it aside, never retry it. Reported before any `written` past it. */
  rejected(id: number, error: string): void;
  failed(error: string, retryInMs: number): void;
}

export interface DrainLoopSettings {
  maxBatchPoints: number;
  /** When quiet, how long new rows wait after a kick to be sent with others. */
  flushIntervalMs: number;
  /** Delays between attempts while the store fails. */
  retry: BackoffPolicy;
}

/**
 * The outbox drain's one loop, run on the main thread (a store only this thread can reach) or on
 * the drain worker (pipeline/drain-worker.ts): read the committed rows after the cursor, write their
 * points, report how far the store has them; on failure wait (backoff) and try the same rows again.
 * The batch is whatever accumulated since the last write (up to maxBatchPoints): small and frequent
 * when the fleet is quiet, large when it is busy or the store comes back after an outage.
 */
export class DrainLoop {
  private running = true;
  private failing = false;
  private wake: (() => void) | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: OutboxRowSource,
    private readonly store: TelemetryStore,
    private readonly settings: DrainLoopSettings,
    private readonly report: DrainReport,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Rows were committed. Asleep, the loop waits the flush interval so the rows of a few groups go
   * in one write; awake, it reads again before it sleeps and sees them anyway. While the store
   * fails, the backoff alone decides when to try again.
   */
  kick(): void {
    if (this.failing || !this.wake || this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.wake?.(), this.settings.flushIntervalMs);
  }

  /** Send what there is now (a graceful stop that flushes first). */
  wakeNow(): void {
    if (!this.failing) this.wake?.();
  }

  /** Ends after the write in flight; `run()` then resolves. */
  stop(): void {
    this.running = false;
    this.wake?.();
  }

  async run(): Promise<void> {
    let cursor = 0;
    let failures = 0;
    while (this.running) {
      const { rows, points: count } = this.source.take(cursor, this.settings.maxBatchPoints);
      if (rows.length === 0) {
        // Woken by a kick; the timeout is a safety net in case one is ever missed.
        await this.sleep(5_000);
        continue;
      }
      const points = rows.flatMap(pointsOf);
      const started = performance.now();
      try {
        await this.store.write(points);
        cursor = rows[rows.length - 1]!.id;
        failures = 0;
        this.failing = false;
        this.report.written(cursor, count, performance.now() - started);
      } catch (error) {
        if (error instanceof InfluxRejectedError) {
          cursor = await this.isolate(rows, cursor);
          continue;
        }
        failures++;
        const retryInMs = backoffDelay(failures, this.settings.retry, this.random);
        this.failing = true;
        this.report.failed((error as Error).message, retryInMs);
        if (!this.running) break;
        await this.sleep(retryInMs);
      }
    }
  }

  /**
   * The store refused a write as invalid: writes the rows one at a time, so the one it refuses is
   * set aside and the others land. Returns the cursor past what was settled; a store that went away
   * stops it, and the main loop retries from there.
   */
  private async isolate(rows: OutboxRow[], cursor: number): Promise<number> {
    for (const row of rows) {
      if (!this.running) return cursor;
      const started = performance.now();
      try {
        await this.store.write(pointsOf(row));
        this.report.written(row.id, row.count, performance.now() - started);
      } catch (error) {
        if (!(error instanceof InfluxRejectedError)) return cursor;
        this.report.rejected(row.id, error.message);
      }
      cursor = row.id;
    }
    return cursor;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timeout = setTimeout(() => finish(), ms);
      const finish = () => {
        clearTimeout(timeout);
        if (this.flushTimer) clearTimeout(this.flushTimer);
        this.flushTimer = undefined;
        this.wake = undefined;
        resolve();
      };
      this.wake = finish;
    });
  }
}

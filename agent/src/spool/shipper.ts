import type { Logger } from 'pino';
import type { vigil } from '@vigil/proto/wire';
import type { Spool, SpooledBatch } from './spool.js';
import { toDataBatch } from './to-data-batch.js';

export interface ShipperOptions {
  /** Batches sent but not yet acknowledged, at most. */
  window?: number;
  batchMaxEntries?: number;
  batchMaxBytes?: number;
  /** Backfill pace, so live heartbeats and data still get through after a long outage. */
  backfillBatchesPerSecond?: number;
  /** Re-send the unacknowledged batches when no ack arrives for this long. */
  ackTimeoutMs?: number;
  logger: Logger;
}

export type PublishBatch = (seq: number, batch: vigil.v1.IDataBatch) => Promise<void>;

/**
 * Moves spooled batches to the broker while a session is up: unacknowledged batches first (same
 * seq, same content), then new ones, oldest first, a bounded window at a time. Entries leave the
 * spool only on the ingestor's end-to-end ack, never on the broker's PUBACK.
 */
export class Shipper {
  private publish: PublishBatch | undefined;
  private resend: SpooledBatch[] = [];
  private readonly inflight = new Map<number, number>();
  private pumping = false;
  private nextHistoricalAt = 0;
  private readonly window: number;
  private readonly batchMaxEntries: number;
  private readonly batchMaxBytes: number;
  private readonly historicalGapMs: number;
  private readonly ackTimeoutMs: number;
  private readonly log: Logger;
  private watchdog: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  /** Since when taking a batch from the spool fails (a full disk); undefined while it works. */
  private failingSince: number | undefined;
  sentBatches = 0;

  constructor(
    private readonly spool: Spool,
    options: ShipperOptions,
  ) {
    this.window = options.window ?? 8;
    this.batchMaxEntries = options.batchMaxEntries ?? 500;
    this.batchMaxBytes = options.batchMaxBytes ?? 128 * 1024;
    this.historicalGapMs = 1000 / (options.backfillBatchesPerSecond ?? 20);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 15_000;
    this.log = options.logger;
  }

  /** A session is up: re-send what was never acknowledged, then keep shipping. */
  online(publish: PublishBatch): void {
    this.publish = publish;
    this.inflight.clear();
    this.resend = this.spool.unacknowledged();
    if (this.resend.length > 0) this.log.info({ batches: this.resend.length }, 're-sending unacknowledged batches');
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => this.checkAckProgress(), Math.min(1_000, this.ackTimeoutMs));
    this.watchdog.unref();
    void this.pump();
  }

  offline(): void {
    this.publish = undefined;
    this.inflight.clear();
    this.resend = [];
    clearInterval(this.watchdog);
  }

  /** New entries are in the spool; ship them shortly (a short delay lets a burst share a batch). */
  wake(): void {
    if (this.wakeTimer || !this.publish) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      void this.pump();
    }, 100);
    this.wakeTimer.unref();
  }

  acknowledged(seq: number): void {
    let removed: number;
    try {
      removed = this.spool.acknowledge(seq);
    } catch (error) {
      // Deleting needs room in the WAL too. The entries stay; the ingestor acks them again when
      // they are re-sent (after a reconnect or the ack timeout), so nothing is lost or doubled.
      this.log.warn({ seq, err: (error as Error).message }, 'could not record an acknowledgement in the spool; it will come again');
      return;
    }
    for (const s of [...this.inflight.keys()]) if (s <= seq) this.inflight.delete(s);
    if (removed > 0) this.log.debug({ seq, removed }, 'batches acknowledged');
    void this.pump();
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      await this.pumpBatches();
      if (this.failingSince !== undefined) {
        this.log.info({ failedForMs: Date.now() - this.failingSince }, 'taking batches from the spool again');
        this.failingSince = undefined;
      }
    } catch (error) {
      // Assigning a seq writes to the spool; with the disk full it fails. Nothing was sent for the
      // failed batch; try again shortly (an exception here would end the process).
      // Said once per spell (a full disk can last hours), then at debug.
      const level = this.failingSince === undefined ? 'warn' : 'debug';
      this.failingSince ??= Date.now();
      this.log[level]({ err: (error as Error).message }, 'could not take the next batch from the spool; retrying every second');
      this.retryLater();
      return;
    } finally {
      this.pumping = false;
    }
  }

  private retryLater(): void {
    if (this.wakeTimer || !this.publish) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      void this.pump();
    }, 1_000);
    this.wakeTimer.unref();
  }

  private async pumpBatches(): Promise<void> {
    while (this.publish && this.inflight.size < this.window) {
      const batch = this.resend.shift() ?? this.spool.nextBatch(this.batchMaxEntries, this.batchMaxBytes);
      if (!batch) break;
      if (batch.historical) {
        const wait = this.nextHistoricalAt - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.nextHistoricalAt = Date.now() + this.historicalGapMs;
        if (!this.publish) {
          this.resend.unshift(batch);
          break;
        }
      }
      const wire = toDataBatch(batch.observations, batch.historical, this.spool.stats());
      this.inflight.set(batch.seq, Date.now());
      this.sentBatches++;
      this.publish(batch.seq, wire).catch((error: Error) => this.log.debug({ seq: batch.seq, err: error.message }, 'batch publish failed; it will be re-sent'));
    }
  }

  private checkAckProgress(): void {
    if (!this.publish || this.inflight.size === 0) return;
    const oldest = Math.min(...this.inflight.values());
    if (Date.now() - oldest < this.ackTimeoutMs) return;
    this.log.warn({ inflight: this.inflight.size }, 'no acknowledgement from the ingestor; re-sending unacknowledged batches');
    this.inflight.clear();
    this.resend = this.spool.unacknowledged();
    void this.pump();
  }
}

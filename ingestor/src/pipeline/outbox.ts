import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import { vigil } from '@vigil/proto/wire';
import { InfluxRejectedError } from '../stores/influx/influx-telemetry-store.js';
import type { FleetTags, TelemetryPoint, TelemetryStore } from '../stores/telemetry-store.js';
import { batchPointCount, batchPoints } from './points.js';
import type { UndoLog } from './undo-log.js';

const SCHEMA = `
-- Points of messages already acknowledged but not yet confirmed by the TelemetryStore (a durable
-- disk buffer, as in Vector): appended in the transaction that applies the message, deleted only
-- after the store's write() resolved.
-- A data batch is kept as its (validated) protobuf, a few bytes per reading: the points are made
-- from it when it is sent. That keeps the hot path (one commit per message) small and fast.
CREATE TABLE IF NOT EXISTS telemetry_outbox (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  count        INTEGER NOT NULL,            -- points it makes
  kind         TEXT NOT NULL,               -- 'batch' (body: DataBatch) or 'points' (body: JSON TelemetryPoint[])
  recorder     TEXT NOT NULL DEFAULT '',    -- fleet tags and receipt time of a batch
  installation TEXT NOT NULL DEFAULT '',
  site         TEXT NOT NULL DEFAULT '',
  received     INTEGER NOT NULL DEFAULT 0,
  body         BLOB NOT NULL
);
-- Points the store refused as invalid (4xx): kept for a person to look at, never retried.
CREATE TABLE IF NOT EXISTS telemetry_rejected (
  id     INTEGER PRIMARY KEY,
  at     INTEGER NOT NULL,
  error  TEXT NOT NULL,
  points TEXT NOT NULL
);
`;

export interface OutboxRow {
  id: number;
  count: number;
  kind: 'batch' | 'points';
  recorder: string;
  installation: string;
  site: string;
  received: number;
  body: Buffer | string;
}

export function pointsOf(row: OutboxRow): TelemetryPoint[] {
  if (row.kind === 'points') return JSON.parse(String(row.body)) as TelemetryPoint[];
  const tags: FleetTags = { recorder: row.recorder, installation: row.installation, site: row.site, reseller: '' };
  return batchPoints(tags, vigil.v1.DataBatch.decode(row.body as Buffer), row.received);
}

/** The outbox table in fleet.db. Appends join the caller's transaction. */
export class TelemetryOutbox {
  private readonly statements;
  private pendingPoints: number;
  private staged = 0;

  /** `undo`: the message group's, so points staged by a message that rolls back are not counted. */
  constructor(
    private readonly db: Database.Database,
    private readonly undo?: UndoLog,
  ) {
    db.exec(SCHEMA);
    this.statements = {
      append: db.prepare(`INSERT INTO telemetry_outbox (count, kind, body) VALUES (?, 'points', ?)`),
      appendBatch: db.prepare(`INSERT INTO telemetry_outbox (count, kind, recorder, installation, site, received, body) VALUES (?, 'batch', ?, ?, ?, ?, ?)`),
      oldest: db.prepare('SELECT id, count, kind, recorder, installation, site, received, body FROM telemetry_outbox ORDER BY id LIMIT ?'),
      remove: db.prepare('DELETE FROM telemetry_outbox WHERE id = ?'),
      row: db.prepare('SELECT id, count, kind, recorder, installation, site, received, body FROM telemetry_outbox WHERE id = ?'),
      pointsThrough: db.prepare('SELECT COALESCE(SUM(count), 0) FROM telemetry_outbox WHERE id <= ?').pluck(),
      removeThrough: db.prepare('DELETE FROM telemetry_outbox WHERE id <= ?'),
      depth: db.prepare('SELECT COUNT(*) AS rows, COALESCE(SUM(count), 0) AS points FROM telemetry_outbox'),
      reject: db.prepare('INSERT INTO telemetry_rejected (at, error, points) VALUES (?, ?, ?)'),
      rejected: db.prepare('SELECT COALESCE(SUM(json_array_length(points)), 0) FROM telemetry_rejected').pluck(),
    };
    this.pendingPoints = (this.statements.depth.get() as { points: number }).points;
  }

  /** Appends inside the caller's transaction when there is one; then call settle() after it ends. */
  append(points: readonly TelemetryPoint[]): void {
    if (points.length === 0) return;
    this.statements.append.run(points.length, JSON.stringify(points));
    this.added(points.length);
  }

  /**
   * A data batch, as batchPoints() will turn it into points (with these tags, `received` for missing
   * times). `encoded`: the batch's bytes as received, when they decode to `batch` (saves encoding it again).
   */
  appendBatch(tags: FleetTags, batch: vigil.v1.DataBatch, received: number, encoded?: Buffer): void {
    const count = batchPointCount(batch);
    if (count === 0) return;
    this.statements.appendBatch.run(count, tags.recorder, tags.installation, tags.site, received, encoded ?? vigil.v1.DataBatch.encode(batch).finish());
    this.added(count);
  }

  private added(count: number): void {
    if (this.db.inTransaction) {
      this.staged += count;
      this.undo?.record(() => (this.staged -= count));
    } else {
      this.pendingPoints += count;
    }
  }

  /** Points appended in the open transaction so far. */
  get stagedPoints(): number {
    return this.staged;
  }

  /** The transaction that appended ended: count its points if it committed. */
  settle(committed: boolean): void {
    if (committed) this.pendingPoints += this.staged;
    this.staged = 0;
  }

  /** Points waiting for the store (kept in memory; the table is the truth after a restart). */
  get depth(): number {
    return this.pendingPoints;
  }

  /** The oldest rows, up to about `maxPoints` points (always at least one row when there is one). */
  take(maxPoints: number, maxRows = 10_000): Array<{ id: number; points: TelemetryPoint[] }> {
    const rows = this.statements.oldest.all(maxRows) as OutboxRow[];
    const taken: Array<{ id: number; points: TelemetryPoint[] }> = [];
    let total = 0;
    for (const row of rows) {
      if (taken.length > 0 && total + row.count > maxPoints) break;
      taken.push({ id: row.id, points: pointsOf(row) });
      total += row.count;
    }
    return taken;
  }

  /** Removes rows the store confirmed. */
  confirm(rows: ReadonlyArray<{ id: number; points: readonly TelemetryPoint[] }>): void {
    this.db.transaction(() => {
      for (const row of rows) {
        this.statements.remove.run(row.id);
        this.pendingPoints -= row.points.length;
      }
    })();
  }

  /**
   * Removes every row up to `id`, which the store confirmed (the drain worker sends rows in id
   * order). The points are counted from the table, so a row confirmed twice (a worker restarted
   * while its last confirmation was on its way) is never subtracted twice.
   */
  confirmThrough(id: number): number {
    return this.db.transaction(() => {
      const points = this.statements.pointsThrough.get(id) as number;
      this.statements.removeThrough.run(id);
      this.pendingPoints -= points;
      return points;
    })();
  }

  /** Moves a row the store refused to telemetry_rejected. */
  reject(row: { id: number; points: readonly TelemetryPoint[] }, error: string, now: number): void {
    this.db.transaction(() => {
      this.statements.reject.run(now, error, JSON.stringify(row.points));
      this.statements.remove.run(row.id);
      this.pendingPoints -= row.points.length;
    })();
  }

  /**
   * Moves the row with this id to telemetry_rejected (the drain worker reports the store refused
   * it); returns its points, 0 when it is already gone.
   */
  rejectRow(id: number, error: string, now: number): number {
    const row = this.statements.row.get(id) as OutboxRow | undefined;
    if (!row) return 0;
    const points = pointsOf(row);
    this.reject({ id, points }, error, now);
    return points.length;
  }

  rejectedPoints(): number {
    return this.statements.rejected.get() as number;
  }
}

/**
 * Reads committed outbox rows from its own connection to fleet.db (the drain worker's), oldest
 * first, after a cursor: the rows it already sent stay until the main thread deletes them.
 */
export class OutboxReader {
  private readonly after;

  constructor(db: Database.Database) {
    this.after = db.prepare('SELECT id, count, kind, recorder, installation, site, received, body FROM telemetry_outbox WHERE id > ? ORDER BY id LIMIT ?');
  }

  /** Rows after `cursor`, up to about `maxPoints` points (always at least one row when there is one). */
  take(cursor: number, maxPoints: number, maxRows = 10_000): { rows: OutboxRow[]; points: number } {
    const all = this.after.all(cursor, maxRows) as OutboxRow[];
    const rows: OutboxRow[] = [];
    let points = 0;
    for (const row of all) {
      if (rows.length > 0 && points + row.count > maxPoints) break;
      rows.push(row);
      points += row.count;
    }
    return { rows, points };
  }
}

/** How a drain paces its writes, on the main thread or a worker alike. */
export interface DrainPacing {
  /** Most points per store write. Default 20,000. */
  maxBatchPoints?: number;
  /** When quiet, how long new points may wait to be sent with others. Default 100 ms. */
  flushIntervalMs?: number;
  /** Backoff after a failed write: starts here, doubles up to maxRetryDelayMs. Defaults 500 ms, 30 s. */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Each confirmed write, for metrics and benchmarks. */
  onWritten?: (points: number, ms: number) => void;
  onFailed?: (error: Error) => void;
}

export interface OutboxDrainOptions extends DrainPacing {
  outbox: TelemetryOutbox;
  store: TelemetryStore;
  logger: Logger;
  onRejected?: (points: number) => void;
  /**
   * Called before the drain reads or deletes outbox rows: the ingestor commits its open group here,
   * so the drain sends only committed rows and its deletes are never part of a message group.
   */
  beforeDbWork?: () => void;
}

/**
 * Moves outbox rows to the TelemetryStore. The batch is whatever has accumulated since the last
 * write (up to maxBatchPoints): small and frequent when the fleet is quiet, large when it is busy
 * or when the store comes back after an outage. Rows are removed only after write() resolved;
 * a write that fails is retried with backoff, and one the store refuses as invalid is isolated
 * row by row so one bad message cannot hold back the rest.
 */
export class OutboxDrain {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly warning: RateLimitedWarning;
  private failing = false;
  private abandoned = false;
  lastError: string | undefined;

  constructor(private readonly options: OutboxDrainOptions) {
    this.warning = new RateLimitedWarning(options.logger, 30_000);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New rows were appended: send them soon (after the flush interval, so a few messages go together). */
  kick(): void {
    // While failing, the backoff decides when to try again.
    if (this.timer || !this.wake || this.failing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wake?.();
    }, this.options.flushIntervalMs ?? 100);
  }

  /** Resolves when the outbox is empty (tests, benchmarks, a graceful shutdown). */
  idle(): Promise<void> {
    if (this.options.outbox.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops after the write in flight; with `flushWithinMs`, first keeps draining that long. What
   * remains stays in the outbox and is sent after the next start.
   */
  async stop(flushWithinMs = 0): Promise<void> {
    if (flushWithinMs > 0 && this.options.outbox.depth > 0 && !this.failing) {
      this.wake?.();
      await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, flushWithinMs))]);
    }
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
    // A write in flight to a store that hangs may take its full retry time: do not wait for it.
    // Its rows stay in the outbox and are sent again after the next start (writes are idempotent).
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([this.loop?.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2_000)))]);
    clearTimeout(timer);
    if (!finished) this.abandoned = true;
  }

  private sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timeout = ms === undefined ? undefined : setTimeout(() => finish(), ms);
      const finish = () => {
        if (timeout) clearTimeout(timeout);
        this.wake = undefined;
        resolve();
      };
      this.wake = finish;
    });
  }

  private async run(): Promise<void> {
    const { outbox, store, logger } = this.options;
    const maxPoints = this.options.maxBatchPoints ?? 20_000;
    const minDelay = this.options.minRetryDelayMs ?? 500;
    const maxDelay = this.options.maxRetryDelayMs ?? 30_000;
    let delay = minDelay;
    while (this.running) {
      this.options.beforeDbWork?.();
      const rows = outbox.take(maxPoints);
      if (rows.length === 0) {
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        // Woken by kick(); the timeout is a safety net in case a kick is ever missed.
        await this.sleep(5_000);
        continue;
      }
      const points = rows.flatMap((row) => row.points);
      const started = performance.now();
      try {
        await store.write(points);
        if (this.abandoned) return; // stop() gave up on this write; the database may be closed
        this.options.beforeDbWork?.();
        outbox.confirm(rows);
        this.options.onWritten?.(points.length, performance.now() - started);
        if (this.failing) logger.info({ store: store.kind, pending: outbox.depth }, 'telemetry store writable again; sending what waited');
        this.failing = false;
        this.lastError = undefined;
        delay = minDelay;
      } catch (error) {
        if (error instanceof InfluxRejectedError) {
          await this.isolate(rows);
          continue;
        }
        this.failing = true;
        this.lastError = (error as Error).message;
        this.options.onFailed?.(error as Error);
        this.warning.warn('store-write-failed', { store: store.kind, err: (error as Error).message, pending: outbox.depth, retryInMs: delay }, 'telemetry store write failed; points wait in the outbox');
        if (!this.running) break;
        await this.sleep(delay);
        delay = Math.min(maxDelay, delay * 2);
      }
    }
  }

  /** Writes rows one at a time so the one the store refuses is set aside and the others land. */
  private async isolate(rows: Array<{ id: number; points: TelemetryPoint[] }>): Promise<void> {
    const { outbox, store, logger } = this.options;
    for (const row of rows) {
      try {
        await store.write(row.points);
        if (this.abandoned) return;
        this.options.beforeDbWork?.();
        outbox.confirm([row]);
      } catch (error) {
        if (!(error instanceof InfluxRejectedError) || this.abandoned) return; // the store went away: the main loop retries
        this.options.beforeDbWork?.();
        outbox.reject(row, error.message, Date.now());
        this.options.onRejected?.(row.points.length);
        logger.error({ store: store.kind, points: row.points.length, err: error.message }, 'the telemetry store refused these points; kept in telemetry_rejected in fleet.db');
      }
    }
  }
}

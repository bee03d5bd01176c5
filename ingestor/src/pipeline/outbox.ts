import type Database from 'better-sqlite3';
import { vigil } from '@vigil/proto/wire';
import type { FleetTags, TelemetryPoint } from '../stores/telemetry-store.js';
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
      remove: db.prepare('DELETE FROM telemetry_outbox WHERE id = ?'),
      row: db.prepare('SELECT id, count, kind, recorder, installation, site, received, body FROM telemetry_outbox WHERE id = ?'),
      pointsThrough: db.prepare('SELECT COALESCE(SUM(count), 0) FROM telemetry_outbox WHERE id <= ?').pluck(),
      removeThrough: db.prepare('DELETE FROM telemetry_outbox WHERE id <= ?'),
      depth: db.prepare('SELECT COUNT(*) AS rows, COALESCE(SUM(count), 0) AS points FROM telemetry_outbox'),
      reject: db.prepare('INSERT INTO telemetry_rejected (at, error, points) VALUES (?, ?, ?)'),
      rejected: db.prepare('SELECT COALESCE(SUM(json_array_length(points)), 0) FROM telemetry_rejected').pluck(),
    };
    this.pendingPoints = (this.statements.depth.get() as { points: number }).points;
    this.reader = new OutboxReader(db);
  }

  /** Rows after a cursor on this connection: the drain on the main thread reads here, between groups. */
  readonly reader: OutboxReader;

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

  /**
   * Removes every row up to `id`, which the store confirmed (the drain loop sends rows in id
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

  /**
   * Moves the row with this id to telemetry_rejected (the drain loop reports the store refused
   * it); returns its points, 0 when it is already gone.
   */
  rejectRow(id: number, error: string, now: number): number {
    const row = this.statements.row.get(id) as OutboxRow | undefined;
    if (!row) return 0;
    const points = pointsOf(row);
    this.db.transaction(() => {
      this.statements.reject.run(now, error, JSON.stringify(points));
      this.statements.remove.run(id);
      this.pendingPoints -= points.length;
    })();
    return points.length;
  }

  rejectedPoints(): number {
    return this.statements.rejected.get() as number;
  }
}

/**
 * Reads outbox rows oldest first, after a cursor (the rows the drain already sent stay until the
 * main thread deletes them): on the drain worker's own connection to fleet.db, or on the main
 * thread's between groups, so only committed rows.
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

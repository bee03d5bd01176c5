import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { FieldValue, SeriesQuery, SeriesRow, TelemetryPoint, TelemetryStore } from '../telemetry-store.js';
import type { PortableStoreConfig } from '../store-config.js';
import { bucketOf, isGreater, seriesKey, seriesTags, sortRows, tagsMatch } from '../series.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface SqliteTelemetryStoreOptions {
  /** Raw points older than this are folded into hourly rollups and deleted. Default 2 days. */
  rawRetentionMs?: number;
  /** Hourly rollups older than this are deleted. Default 400 days (a year, plus a month to compare with). */
  rollupRetentionMs?: number;
  /** How often compaction runs in the background; 0 turns the timer off (call `compact()` yourself). Default 10 min. */
  compactEveryMs?: number;
  /** The clock compaction measures retention against (tests move it). */
  now?: () => number;
  /**
   * A reader beside the ingestor (`vigil dashboard`): the connection is opened read-only
   * (SQLITE_OPEN_READONLY), so the ingestor stays telemetry.db's one writer. No schema, no
   * compaction, and `write()` rejects. The file must exist: the ingestor creates it.
   */
  readOnly?: boolean;
}

/** What compaction did, for logs and tests. */
export interface CompactionResult {
  rolledUp: number;
  rollupsWritten: number;
  rollupsExpired: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS series (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE,
  measurement TEXT NOT NULL,
  recorder    TEXT NOT NULL,
  tags        TEXT NOT NULL  -- JSON: the series tags, without the fleet tags
);
CREATE INDEX IF NOT EXISTS series_by_recorder ON series (recorder, measurement);
-- Raw points, one row per series and time: writing the same series and time again replaces it.
CREATE TABLE IF NOT EXISTS points (
  series_id INTEGER NOT NULL,
  time      INTEGER NOT NULL,
  fields    TEXT NOT NULL,     -- JSON object of the point's fields
  PRIMARY KEY (series_id, time)
) WITHOUT ROWID;
-- Hourly rollups of points past raw retention: per field [last, min, max], and when the last was.
CREATE TABLE IF NOT EXISTS rollups (
  series_id INTEGER NOT NULL,
  hour      INTEGER NOT NULL,  -- ms, start of the hour
  last_time INTEGER NOT NULL,
  fields    TEXT NOT NULL,     -- JSON object: field -> [last, min, max], or the value alone when all three are equal
  PRIMARY KEY (series_id, hour)
) WITHOUT ROWID;
`;

type Triple = [last: FieldValue, min: FieldValue, max: FieldValue];
type Rollup = { lastTime: number; fields: Record<string, Triple> };

/** Most hours of most series never change (a service running, a disk's size): store one value for those. */
function encodeRollup(fields: Rollup['fields']): string {
  const packed: Record<string, FieldValue | Triple> = {};
  for (const [name, triple] of Object.entries(fields)) packed[name] = triple[0] === triple[1] && triple[1] === triple[2] ? triple[0] : triple;
  return JSON.stringify(packed);
}

function decodeRollup(json: string): Rollup['fields'] {
  const fields: Rollup['fields'] = {};
  for (const [name, value] of Object.entries(JSON.parse(json) as Record<string, FieldValue | Triple>)) {
    fields[name] = Array.isArray(value) ? value : [value, value, value];
  }
  return fields;
}

/** Rows compaction folds per transaction, so a big backlog never blocks the event loop for long. */
const COMPACTION_CHUNK = 20_000;

/**
 * The embedded time-series store, the default when no InfluxDB is configured: one SQLite file
 * (WAL). Raw points are kept `rawRetentionMs`, then folded into hourly last/min/max rollups kept
 * `rollupRetentionMs`; docs/DATA.md works out why a year of a 100-recorder fleet fits in under 1 GB.
 */
export class SqliteTelemetryStore implements TelemetryStore {
  readonly kind = 'sqlite';
  readonly db: Database.Database;
  private readonly seriesIds = new Map<string, number>();
  private readonly statements;
  private readonly rawRetentionMs: number;
  private readonly rollupRetentionMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | undefined;
  private compacting: Promise<CompactionResult> | undefined;
  private closed = false;

  constructor(path: string, options: SqliteTelemetryStoreOptions = {}) {
    this.rawRetentionMs = options.rawRetentionMs ?? 2 * DAY_MS;
    this.rollupRetentionMs = options.rollupRetentionMs ?? 400 * DAY_MS;
    this.now = options.now ?? Date.now;
    if (options.readOnly) {
      this.db = new Database(path, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 5000');
    } else {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      // FULL: write() promises durability, and the outbox row it replaces is deleted right after, so
      // each commit must survive a power cut. Writes come in batches of thousands: one fsync each.
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
    }
    const db = this.db;
    this.statements = {
      seriesId: db.prepare('SELECT id FROM series WHERE key = ?').pluck(),
      addSeries: db.prepare('INSERT INTO series (key, measurement, recorder, tags) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING'),
      putPoint: db.prepare('INSERT OR REPLACE INTO points (series_id, time, fields) VALUES (?, ?, ?)'),
      seriesOf: db.prepare('SELECT id, tags FROM series WHERE recorder = ? AND measurement = ? ORDER BY id'),
      rawRange: db.prepare('SELECT time, fields FROM points WHERE series_id = ? AND time BETWEEN ? AND ? ORDER BY time'),
      rollupRange: db.prepare('SELECT last_time AS lastTime, fields FROM rollups WHERE series_id = ? AND hour BETWEEN ? AND ? ORDER BY hour'),
      allSeries: db.prepare('SELECT id FROM series ORDER BY id').pluck(),
      oldPoints: db.prepare('SELECT time, fields FROM points WHERE series_id = ? AND time < ? ORDER BY time LIMIT ?'),
      deleteOldPoints: db.prepare('DELETE FROM points WHERE series_id = ? AND time <= ?'),
      rollup: db.prepare('SELECT last_time AS lastTime, fields FROM rollups WHERE series_id = ? AND hour = ?'),
      putRollup: db.prepare('INSERT OR REPLACE INTO rollups (series_id, hour, last_time, fields) VALUES (?, ?, ?, ?)'),
      expireRollups: db.prepare('DELETE FROM rollups WHERE hour < ?'),
    };
    const every = options.readOnly ? 0 : (options.compactEveryMs ?? 10 * 60_000);
    if (every > 0) {
      this.timer = setInterval(() => void this.compact().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  portableConfig(): PortableStoreConfig | undefined {
    return this.db.memory || this.db.readonly ? undefined : { kind: 'sqlite', path: this.db.name };
  }

  async write(points: readonly TelemetryPoint[]): Promise<void> {
    if (this.closed) throw new Error('the SQLite telemetry store is closed');
    if (this.db.readonly) throw new Error('this SQLite telemetry store is a read-only reader: the ingestor writes telemetry.db');
    this.db.transaction(() => {
      for (const point of points) {
        if (!Number.isFinite(point.time)) throw new Error(`a ${point.measurement} point has no valid time (${point.time})`);
        this.statements.putPoint.run(this.seriesIdOf(point), Math.round(point.time), JSON.stringify(point.fields));
      }
    })();
  }

  async query(query: SeriesQuery): Promise<SeriesRow[]> {
    if (this.closed) throw new Error('the SQLite telemetry store is closed');
    if (query.every !== undefined && !(query.every > 0)) throw new Error(`every must be a positive number of ms, not ${query.every}`);
    const series = (this.statements.seriesOf.all(query.recorder, query.measurement) as Array<{ id: number; tags: string }>)
      .map((s) => ({ id: s.id, tags: JSON.parse(s.tags) as Record<string, string> }))
      .filter((s) => tagsMatch(s.tags, query.where));
    const rows: SeriesRow[] = [];
    for (const s of series) {
      // Each observation of the field: [time, last, min, max]. A raw point is all three at once.
      const observations: Array<[number, FieldValue, FieldValue, FieldValue]> = [];
      for (const r of this.statements.rollupRange.all(s.id, bucketOf(query.from, HOUR_MS), query.to) as Array<{ lastTime: number; fields: string }>) {
        const value = decodeRollup(r.fields)[query.field];
        if (value && r.lastTime >= query.from && r.lastTime <= query.to) observations.push([r.lastTime, ...value]);
      }
      for (const p of this.statements.rawRange.all(s.id, query.from, query.to) as Array<{ time: number; fields: string }>) {
        const value = (JSON.parse(p.fields) as Record<string, FieldValue>)[query.field];
        if (value !== undefined) observations.push([p.time, value, value, value]);
      }
      if (query.every === undefined) {
        for (const [time, value] of observations) rows.push({ time, value, tags: s.tags });
        continue;
      }
      const buckets = new Map<number, { time: number; last: FieldValue; min: FieldValue; max: FieldValue }>();
      for (const [time, last, min, max] of observations) {
        const start = bucketOf(time, query.every);
        const bucket = buckets.get(start);
        if (!bucket) {
          buckets.set(start, { time, last, min, max });
          continue;
        }
        if (time >= bucket.time) Object.assign(bucket, { time, last });
        if (isGreater(bucket.min, min)) bucket.min = min;
        if (isGreater(max, bucket.max)) bucket.max = max;
      }
      const pick = query.aggregate ?? 'last';
      for (const [start, bucket] of buckets) {
        const value = typeof bucket.last === 'string' ? bucket.last : bucket[pick];
        rows.push({ time: start, value, tags: s.tags });
      }
    }
    return sortRows(rows);
  }

  /**
   * Folds raw points older than raw retention into hourly rollups (merged with any already there,
   * so backfill that arrives late still counts) and deletes them; drops rollups past their retention.
   */
  compact(): Promise<CompactionResult> {
    this.compacting ??= this.compactOnce().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    await this.compacting?.catch(() => undefined);
    this.closed = true;
    this.db.close();
  }

  private async compactOnce(): Promise<CompactionResult> {
    const result: CompactionResult = { rolledUp: 0, rollupsWritten: 0, rollupsExpired: 0 };
    const now = this.now();
    const cutoff = bucketOf(now - this.rawRetentionMs, HOUR_MS);
    for (const seriesId of this.statements.allSeries.all() as number[]) {
      for (;;) {
        if (this.closed) return result;
        const done = this.db.transaction(() => {
          const points = this.statements.oldPoints.all(seriesId, cutoff, COMPACTION_CHUNK) as Array<{ time: number; fields: string }>;
          if (points.length === 0) return true;
          const hours = new Map<number, Rollup>();
          for (const point of points) {
            const hour = bucketOf(point.time, HOUR_MS);
            const rollup = hours.get(hour) ?? this.storedRollup(seriesId, hour);
            hours.set(hour, mergePoint(rollup, point.time, JSON.parse(point.fields) as Record<string, FieldValue>));
          }
          for (const [hour, rollup] of hours) {
            this.statements.putRollup.run(seriesId, hour, rollup.lastTime, encodeRollup(rollup.fields));
          }
          this.statements.deleteOldPoints.run(seriesId, points[points.length - 1]!.time);
          result.rolledUp += points.length;
          result.rollupsWritten += hours.size;
          return points.length < COMPACTION_CHUNK;
        })();
        // Let writes in between: compaction of a large backlog runs in slices.
        await new Promise((resolve) => setImmediate(resolve));
        if (done) break;
      }
    }
    if (!this.closed) result.rollupsExpired = this.statements.expireRollups.run(now - this.rollupRetentionMs).changes;
    return result;
  }

  private storedRollup(seriesId: number, hour: number): Rollup {
    const row = this.statements.rollup.get(seriesId, hour) as { lastTime: number; fields: string } | undefined;
    return row ? { lastTime: row.lastTime, fields: decodeRollup(row.fields) } : { lastTime: -Infinity, fields: {} };
  }

  private seriesIdOf(point: TelemetryPoint): number {
    // Cheap key in the tags' own order first (points of one series are built alike); the sorted
    // canonical key only for a series this process has not seen in that order.
    let fast = point.measurement;
    for (const key in point.tags) fast += `\u0001${key}\u0002${point.tags[key]}`;
    const known = this.seriesIds.get(fast);
    if (known !== undefined) return known;
    const key = seriesKey(point);
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      this.statements.addSeries.run(key, point.measurement, point.tags.recorder, JSON.stringify(seriesTags(point.tags)));
      id = this.statements.seriesId.get(key) as number;
      this.seriesIds.set(key, id);
    }
    this.seriesIds.set(fast, id);
    return id;
  }
}

function mergePoint(rollup: Rollup, time: number, fields: Record<string, FieldValue>): Rollup {
  const newer = time >= rollup.lastTime;
  for (const [name, value] of Object.entries(fields)) {
    const current = rollup.fields[name];
    if (!current) {
      rollup.fields[name] = [value, value, value];
      continue;
    }
    if (newer) current[0] = value;
    if (isGreater(current[1], value)) current[1] = value;
    if (isGreater(value, current[2])) current[2] = value;
  }
  if (newer) rollup.lastTime = time;
  return rollup;
}

import { existsSync } from 'node:fs';
import type { SeriesQuery, SeriesRow, TelemetryStore } from '../telemetry-store.js';
import { SqliteTelemetryStore } from './sqlite-telemetry-store.js';

/**
 * The embedded store as a process beside the ingestor (`vigil dashboard`) reads it: read-only, so
 * the ingestor stays telemetry.db's one writer, and opened on the first query that finds the file
 * with its schema, because the ingestor creates it and may start after the dashboard. Until then
 * there is no history to show.
 */
export class SqliteTelemetryReader implements TelemetryStore {
  readonly kind = 'sqlite';
  private store: SqliteTelemetryStore | undefined;
  private closed = false;

  constructor(readonly path: string) {}

  async write(): Promise<void> {
    throw new Error('this SQLite telemetry store is a read-only reader: the ingestor writes telemetry.db');
  }

  async query(query: SeriesQuery): Promise<SeriesRow[]> {
    if (this.closed) throw new Error('the SQLite telemetry reader is closed');
    this.store ??= this.open();
    return this.store ? this.store.query(query) : [];
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.store?.close();
  }

  private open(): SqliteTelemetryStore | undefined {
    if (!existsSync(this.path)) return undefined;
    try {
      return new SqliteTelemetryStore(this.path, { readOnly: true });
    } catch {
      // The ingestor has created the file but not yet its tables: ask again next time.
      return undefined;
    }
  }
}

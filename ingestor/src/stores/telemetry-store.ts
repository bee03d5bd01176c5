/**
 * The time-series side of the fleet (docs/DESIGN.md "Stores and their owners"): every reading, event and state change,
 * at the time it was observed. Two adapters implement it, InfluxDB and embedded SQLite, and one
 * contract test suite runs against both. Registry, state and users live in SQLite elsewhere.
 */
import type { PortableStoreConfig } from './store-config.js';

/** Measurements, each documented in docs/DATA.md. */
export type Measurement = 'heartbeat' | 'disk' | 'service' | 'camera' | 'licence' | 'event' | 'state';

/**
 * Tags every point carries, so Grafana users can group by them in InfluxDB directly.
 * `recorder` is always set; the rest come from the recorder's birth and may be ''.
 */
export interface FleetTags {
  recorder: string;
  installation: string;
  site: string;
  reseller: string;
}

export type FieldValue = number | boolean | string;

export interface TelemetryPoint {
  measurement: Measurement;
  /** FleetTags plus the measurement's own series tags (disk: `path`; service: `service`; event: `code`, `subject`...). */
  tags: FleetTags & Record<string, string>;
  fields: Record<string, FieldValue>;
  /** When it was observed, in ms since the epoch (the agent's time, not the time it arrived). */
  time: number;
}

export interface SeriesQuery {
  measurement: Measurement;
  recorder: string;
  field: string;
  /** Inclusive range, ms since the epoch. */
  from: number;
  to: number;
  /** Further tag equality filters, e.g. { path: 'E:\\' }. */
  where?: Record<string, string>;
  /**
   * Bucket width in ms: one row per bucket and series with the last value in it. Omitted: raw
   * points. Readers ask for it when drawing charts, so a year of data is never sent whole.
   */
  every?: number;
  /**
   * With `every`: which value of the bucket, 'last' (default), 'min' or 'max' (numeric fields
   * only). Kept through downsampling, so a year-old bucket still shows the lowest free space of
   * its hour.
   */
  aggregate?: 'last' | 'min' | 'max';
}

export interface SeriesRow {
  time: number;
  value: FieldValue;
  /** The series tags of the row (e.g. `path` for disks), without FleetTags. */
  tags: Record<string, string>;
}

export interface TelemetryStore {
  /** Which adapter, for logs and /metrics ('influxdb' or 'sqlite'). */
  readonly kind: string;
  /**
   * Stores the points. Resolves only once they are durable in the store; rejects if they are not.
   * Writing the same measurement + tags + time twice keeps one point (the last fields win), so
   * redelivery and backfill never double-count.
   */
  write(points: readonly TelemetryPoint[]): Promise<void>;
  /** Rows ordered by time, then by series tags. */
  query(query: SeriesQuery): Promise<SeriesRow[]>;
  close(): Promise<void>;
  /**
   * The settings another thread opens this same store from (the outbox drain worker), or undefined
   * when no other thread can reach it (a store in memory, a caller's own implementation): then the
   * drain writes to this instance on the main thread.
   */
  portableConfig?(): PortableStoreConfig | undefined;
}

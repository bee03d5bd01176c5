import type { InfluxTelemetryStoreOptions } from '../stores/influx/influx-telemetry-store.js';

/** Which telemetry store the drain worker opens for itself (a store object cannot cross threads). */
export type DrainStoreConfig =
  /** The embedded store's file. */
  | { kind: 'sqlite'; path: string }
  /** InfluxDB: the same settings as the main thread's store (the token stays in memory, never logged). */
  | { kind: 'influxdb'; options: Omit<InfluxTelemetryStoreOptions, 'logger'> };

/** What the main thread tells the drain worker when it starts it. */
export interface DrainWorkerData {
  fleetDbPath: string;
  store: DrainStoreConfig;
  maxBatchPoints: number;
  flushIntervalMs: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
}

/** Main thread -> worker. */
export type ToDrainWorker =
  /** Rows were committed: send them after the flush interval. */
  | { type: 'kick' }
  /** Finish the write in flight, close both databases and exit. */
  | { type: 'stop' };

/** Worker -> main thread. */
export type FromDrainWorker =
  /** The store's write of every row up to `through` returned, durably: the main thread deletes them. */
  | { type: 'written'; through: number; points: number; ms: number }
  /** The store refused this row's points as invalid (InfluxDB 4xx): set it aside, never retry it. Sent before any `written` past it. */
  | { type: 'rejected'; id: number; error: string }
  | { type: 'failed'; error: string; retryInMs: number };

import type { InfluxTelemetryStoreOptions } from './influx/influx-telemetry-store.js';
import type { SqliteTelemetryStoreOptions } from './sqlite/sqlite-telemetry-store.js';

/** Which telemetry store to open, and with what (stores/open-store.ts opens it). */
export type TelemetryStoreConfig =
  /** The embedded store in a file. */
  | ({ kind: 'sqlite'; path: string } & SqliteTelemetryStoreOptions)
  /** InfluxDB over HTTP. */
  | ({ kind: 'influxdb' } & InfluxTelemetryStoreOptions)
  /** The embedded store in memory: tests, and nothing another thread can reach. */
  | { kind: 'memory' };

/**
 * The settings another thread opens the same store from (the outbox drain worker): plain data that
 * survives structured cloning, so no logger and no clock. The InfluxDB token stays in memory and is
 * never logged.
 */
export type PortableStoreConfig = { kind: 'sqlite'; path: string } | ({ kind: 'influxdb' } & Omit<InfluxTelemetryStoreOptions, 'logger'>);

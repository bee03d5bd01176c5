import { InfluxTelemetryStore } from './influx/influx-telemetry-store.js';
import { SqliteTelemetryStore } from './sqlite/sqlite-telemetry-store.js';
import type { TelemetryStoreConfig } from './store-config.js';
import type { TelemetryStore } from './telemetry-store.js';

/** The one place a telemetry store is made from its kind: the ingestor, the drain worker and the CLI all come here. */
export function openTelemetryStore(config: Extract<TelemetryStoreConfig, { kind: 'influxdb' }>): InfluxTelemetryStore;
export function openTelemetryStore(config: TelemetryStoreConfig): TelemetryStore;
export function openTelemetryStore(config: TelemetryStoreConfig): TelemetryStore {
  switch (config.kind) {
    case 'sqlite': {
      const { kind: _kind, path, ...options } = config;
      return new SqliteTelemetryStore(path, options);
    }
    case 'influxdb': {
      const { kind: _kind, ...options } = config;
      return new InfluxTelemetryStore(options);
    }
    case 'memory':
      return new SqliteTelemetryStore(':memory:');
  }
}

export { startIngestor, type IngestorOptions, type IngestorStats, type RunningIngestor, type DropReason } from './ingestor.js';
export { FleetDb, RECORDER_STATES, type RecorderRow, type ConditionRow, type RecorderStateName, type BirthFacts, type UnreachableSite, type StateChangeRow } from './registry/fleet-db.js';
export { FleetState, MISSED_HEARTBEATS_FOR_UNAVAILABLE, SITE_WINDOW_MS, WILL_GRACE_MS, type StateChange, type SiteChange, type FleetStateOptions } from './state/fleet-state.js';
export { codeName, severityName } from './codes.js';
export type { TelemetryStore, TelemetryPoint, SeriesQuery, SeriesRow, Measurement, FleetTags, FieldValue } from './stores/telemetry-store.js';
export { SqliteTelemetryStore, type SqliteTelemetryStoreOptions, type CompactionResult } from './stores/sqlite/sqlite-telemetry-store.js';
export { InfluxTelemetryStore, InfluxRejectedError, type InfluxTelemetryStoreOptions, type InfluxApi } from './stores/influx/influx-telemetry-store.js';

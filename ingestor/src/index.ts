export { startIngestor, type IngestorOptions, type IngestorStats, type RunningIngestor, type DropReason } from './ingestor.js';
export { FleetDb, RECORDER_STATES, type RecorderRow, type ConditionRow, type RecorderStateName, type BirthFacts } from './registry/fleet-db.js';
export { FleetState, MISSED_HEARTBEATS_FOR_UNAVAILABLE, WILL_GRACE_MS, type StateChange } from './state/fleet-state.js';
export { codeName, severityName } from './codes.js';
export type { TelemetryStore, TelemetryPoint, SeriesQuery, SeriesRow, Measurement, FleetTags, FieldValue } from './stores/telemetry-store.js';

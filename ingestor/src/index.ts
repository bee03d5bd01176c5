export { startIngestor, type IngestorOptions, type IngestorStats, type IngestorHealth, type RunningIngestor, type DropReason } from './ingestor.js';
export {
  FleetDb,
  RECORDER_STATES,
  type RecorderRow,
  type ConditionRow,
  type RecorderStateName,
  type BirthFacts,
  type UnreachableSite,
  type StateChangeRow,
  type ProblemHistoryRow,
  type EventProblemRow,
  type EventOutcome,
} from './registry/fleet-db.js';
export {
  FleetState,
  MISSED_HEARTBEATS_FOR_UNAVAILABLE,
  SITE_WINDOW_MS,
  WILL_GRACE_MS,
  type StateChange,
  type SiteChange,
  type FleetStateOptions,
} from './state/fleet-state.js';
export {
  DEFAULT_EVENT_LIFETIMES_MS,
  DEFAULT_LIFETIME_MS,
  DEGRADING_EVENT_SEVERITIES,
  ProblemLifetimes,
  parseProblemLifetimes,
  type LifetimeOverrides,
} from './state/problem-lifetimes.js';
export { codeName, severityName } from './codes.js';
export type { TelemetryStore, TelemetryPoint, SeriesQuery, SeriesRow, Measurement, FleetTags, FieldValue } from './stores/telemetry-store.js';
export { SqliteTelemetryStore, type SqliteTelemetryStoreOptions, type CompactionResult } from './stores/sqlite/sqlite-telemetry-store.js';
export { SqliteTelemetryReader } from './stores/sqlite/sqlite-telemetry-reader.js';
export {
  InfluxTelemetryStore,
  InfluxRejectedError,
  DEFAULT_INFLUX_ORG,
  type InfluxTelemetryStoreOptions,
  type InfluxApi,
} from './stores/influx/influx-telemetry-store.js';
export { InfluxSetupError, CHECK_MEASUREMENT, type InfluxSetupProblem } from './stores/influx/influx-check.js';
export { telemetryStoreFromEnv, TelemetryConfigError } from './stores/from-env.js';
export { openTelemetryStore } from './stores/open-store.js';
export type { TelemetryStoreConfig, PortableStoreConfig } from './stores/store-config.js';
export { drivePathTag } from './pipeline/points.js';
export type { DiskRow, ServiceRow } from './registry/fleet-db.js';
export {
  READ_MODEL_VERSION,
  READ_MODEL_VIEWS,
  READ_MODEL_SCHEMA,
  attachReadModel,
  openReadModel,
  ReadModelUnavailable,
  publishViews,
} from './read-model/index.js';
export * from './alerts/index.js';
export {
  acquireActiveRight,
  DataDirLock,
  RedisLease,
  redactedRedisUrl,
  roleMetric,
  type ActiveRight,
  type ActiveRightOptions,
  type ActiveHolder,
  type LeaseOptions,
} from './single-active.js';

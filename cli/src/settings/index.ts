export { SettingsError, ProcessSettings, type Environment, type Flags, type Setting, type SettingSource } from './setting.js';
export { LOG_LEVELS, type LogLevel } from './values.js';
export {
  upSettings,
  brokerSettings,
  ingestorSettings,
  dashboardSettings,
  pkiSettings,
  resolveSettings,
  FLEET_VARIABLES,
  type FleetSettings,
  type UpSettings,
  type BrokerSettings,
  type IngestorSettings,
  type DashboardSettings,
  type IngestSettings,
  type TelemetrySettings,
} from './processes.js';
export { misspeltVariables } from './typos.js';
export { fleetPaths, type FleetPaths } from './paths.js';

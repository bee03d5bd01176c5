export { fleetProgram } from './program.js';
export { startFleet, ensurePki, type RunningFleet } from './fleet.js';
export {
  resolveSettings,
  upSettings,
  brokerSettings,
  ingestorSettings,
  dashboardSettings,
  pkiSettings,
  misspeltVariables,
  fleetPaths,
  SettingsError,
  type FleetSettings,
  type UpSettings,
  type BrokerSettings,
  type IngestorSettings,
  type DashboardSettings,
  type IngestSettings,
} from './settings/index.js';
export { ensureDemoUsers, startDemoFleet, CRASHING_RECORDER, UPLINK_SITE, type DemoFleet } from './demo/demo-fleet.js';
export { DemoHost } from './demo/stand-ins.js';
export { DEMO_INSTALLATIONS, demoRecorders } from './demo/plan.js';
export { startDemoCatchers, CATCHER_KEEP, type DemoCatchers, type CaughtEmail, type CaughtWebhook } from './demo/catchers.js';

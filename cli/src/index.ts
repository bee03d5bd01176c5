export { startFleet, ensurePki, type RunningFleet } from './fleet.js';
export { resolveSettings, fleetPaths, SettingsError, type FleetSettings } from './settings.js';
export { ensureDemoUsers, startDemoAgents } from './demo/demo-fleet.js';
export { DEMO_INSTALLATIONS, demoRecorders } from './demo/plan.js';

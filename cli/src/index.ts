export { startFleet, ensurePki, type RunningFleet } from './fleet.js';
export { resolveSettings, fleetPaths, SettingsError, type FleetSettings } from './settings.js';
export { ensureDemoUsers, startDemoFleet, CRASHING_RECORDER, UPLINK_SITE, type DemoFleet } from './demo/demo-fleet.js';
export { DemoHost } from './demo/stand-ins.js';
export { DEMO_INSTALLATIONS, demoRecorders } from './demo/plan.js';

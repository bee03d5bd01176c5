import { join } from 'node:path';

export interface FleetPaths {
  pki: string;
  fleetDb: string;
  dashboardDb: string;
  demo: string;
}

export function fleetPaths(dataDir: string): FleetPaths {
  return {
    pki: join(dataDir, 'pki'),
    fleetDb: join(dataDir, 'fleet.db'),
    dashboardDb: join(dataDir, 'dashboard.db'),
    demo: join(dataDir, 'demo'),
  };
}

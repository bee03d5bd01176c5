import { join } from 'node:path';

export interface FleetPaths {
  pki: string;
  fleetDb: string;
  dashboardDb: string;
  /** The ingestor's alert engine writes it; the dashboard reads it. */
  alertsDb: string;
  demo: string;
}

export function fleetPaths(dataDir: string): FleetPaths {
  return {
    pki: join(dataDir, 'pki'),
    fleetDb: join(dataDir, 'fleet.db'),
    dashboardDb: join(dataDir, 'dashboard.db'),
    alertsDb: join(dataDir, 'alerts.db'),
    demo: join(dataDir, 'demo'),
  };
}

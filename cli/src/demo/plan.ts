/**
 * The demo fleet: two resellers, six installations, eight sites, fourteen recorders, one
 * failover pair, and one installation no reseller has registered (only NOC sees it).
 */
export interface DemoRecorder {
  id: string;
  name: string;
  failoverPartner?: string;
  cameras: number;
  licensed: number;
}

export interface DemoSite {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  recorders: DemoRecorder[];
}

export interface DemoInstallation {
  slc: string;
  name: string;
  /** Username of the reseller that registered it; undefined = nobody has. */
  reseller: string | undefined;
  sites: DemoSite[];
}

export const DEMO_RESELLERS = ['northwind', 'acme'] as const;
export const DEMO_NOC = 'noc';

const rec = (id: string, name: string, cameras: number, licensed: number, failoverPartner?: string): DemoRecorder => ({
  id,
  name,
  cameras,
  licensed,
  ...(failoverPartner ? { failoverPartner } : {}),
});

export const DEMO_INSTALLATIONS: DemoInstallation[] = [
  {
    slc: 'M01-NW-HARBOUR-0001',
    name: 'Harbour Logistics',
    reseller: 'northwind',
    sites: [
      {
        id: 'hl-aarhus',
        name: 'Aarhus Port',
        latitude: 56.1518,
        longitude: 10.2307,
        recorders: [rec('hl-aar-01', 'Aarhus gate recorder', 48, 50, 'hl-aar-02'), rec('hl-aar-02', 'Aarhus gate failover', 48, 50, 'hl-aar-01')],
      },
      { id: 'hl-copenhagen', name: 'Copenhagen DC', latitude: 55.6761, longitude: 12.5683, recorders: [rec('hl-cph-01', 'Copenhagen warehouse', 32, 32)] },
    ],
  },
  {
    slc: 'M01-NW-CITYMALL-0002',
    name: 'City Mall Group',
    reseller: 'northwind',
    sites: [
      {
        id: 'cm-malmo',
        name: 'Malmö Centre',
        latitude: 55.605,
        longitude: 13.0038,
        recorders: [rec('cm-mal-01', 'Malmö levels 1-2', 64, 64), rec('cm-mal-02', 'Malmö levels 3-4 and parking', 60, 64)],
      },
      { id: 'cm-lund', name: 'Lund Retail Park', latitude: 55.7047, longitude: 13.191, recorders: [rec('cm-lun-01', 'Lund retail park', 24, 24)] },
    ],
  },
  {
    slc: 'M01-AC-TRANSIT-0003',
    name: 'Nordic Transit',
    reseller: 'acme',
    sites: [
      {
        id: 'nt-oslo',
        name: 'Oslo Central',
        latitude: 59.9111,
        longitude: 10.7528,
        recorders: [rec('nt-osl-01', 'Oslo platforms', 96, 100), rec('nt-osl-02', 'Oslo concourse', 80, 100)],
      },
      { id: 'nt-gothenburg', name: 'Gothenburg Depot', latitude: 57.7089, longitude: 11.9746, recorders: [rec('nt-got-01', 'Gothenburg depot', 40, 40)] },
    ],
  },
  {
    slc: 'M01-AC-HOSPITAL-0004',
    name: 'St. Clara Hospital',
    reseller: 'acme',
    sites: [
      {
        id: 'sc-hamburg',
        name: 'Hamburg Campus',
        latitude: 53.5511,
        longitude: 9.9937,
        recorders: [
          rec('sc-ham-01', 'Hamburg main building', 72, 80),
          rec('sc-ham-02', 'Hamburg emergency wing', 36, 40),
          rec('sc-ham-03', 'Hamburg car parks', 28, 40),
        ],
      },
    ],
  },
  {
    slc: 'M01-AC-SCHOOLS-0005',
    name: 'Kiel Schools',
    reseller: 'acme',
    sites: [{ id: 'ks-kiel', name: 'Kiel North', latitude: 54.3233, longitude: 10.1228, recorders: [rec('ks-kie-01', 'Kiel North campus', 20, 24)] }],
  },
  {
    slc: 'M01-XX-WAREHOUSE-0006',
    name: 'Bremen Cold Storage',
    reseller: undefined,
    sites: [{ id: 'bc-bremen', name: 'Bremen', latitude: 53.0793, longitude: 8.8017, recorders: [rec('bc-bre-01', 'Bremen cold store', 16, 16)] }],
  },
];

export function demoRecorders(): Array<{ installation: DemoInstallation; site: DemoSite; recorder: DemoRecorder }> {
  return DEMO_INSTALLATIONS.flatMap((installation) =>
    installation.sites.flatMap((site) => site.recorders.map((recorder) => ({ installation, site, recorder }))),
  );
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { FleetDb, type BirthFacts, type RecorderStateName } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { buildDashboard, type Dashboard, type DashboardOptions } from '../../src/index.js';

const quiet = pino({ level: process.env.VIGIL_TEST_LOG_LEVEL ?? 'silent' });

/** The tenants of the test fleet. Bob's data must never reach Alice, and the other way round. */
export const ALPHA = { slc: 'SLC-ALPHA-0001', name: 'Alpha Logistics' };
export const BRAVO = { slc: 'SLC-BRAVO-0002', name: 'Bravo Retail' };
export const CHARLIE = { slc: 'SLC-CHARLIE-0003', name: 'Charlie Unregistered' };
export const PASSWORD = 'correct horse battery staple';

export function birth(
  id: string,
  installation: { slc: string; name: string },
  site: { id: string; name: string },
  extra: Partial<BirthFacts> = {},
): BirthFacts {
  return {
    id,
    name: `Recorder ${id}`,
    installationSlc: installation.slc,
    installationName: installation.name,
    siteId: site.id,
    siteName: site.name,
    latitude: 55.6,
    longitude: 12.5,
    failoverPartner: '',
    agentVersion: '1.2.3',
    vmsProduct: 'XProtect',
    vmsVersion: '2024 R2',
    hostname: `${id}.local`,
    cameraCount: 10,
    licensedCameras: 12,
    heartbeatSeconds: 30,
    bdSeq: 1,
    ...extra,
  };
}

/**
 * fleet.db as the ingestor would leave it, written with FleetDb's own methods:
 * Alpha (Alice's): a failover pair at HQ, and a depot whose two recorders are unreachable as a site.
 * Bravo (Bob's): a recorder with a full drive and a recent event, and one offline.
 * Charlie: registered by nobody, so only NOC and admin see it.
 */
export function seedFleet(path: string, now = Date.now()): void {
  const fleet = new FleetDb(path);
  const hq = { id: 'alpha-hq', name: 'Alpha HQ' };
  const depot = { id: 'alpha-depot', name: 'Alpha Depot' };
  const mall = { id: 'bravo-mall', name: 'Bravo Mall' };
  const put = (facts: BirthFacts, state: RecorderStateName, since: number) => {
    fleet.recordBirth(facts);
    fleet.setState(facts.id, 'online', since - 3_600_000);
    if (state !== 'online') fleet.setState(facts.id, state, since);
    fleet.refreshCover(facts.id);
    fleet.touch(facts.id, since, 1);
  };
  fleet.transaction(() => {
    put(birth('a-rec-1', ALPHA, hq, { failoverPartner: 'a-rec-2' }), 'offline', now - 600_000);
    put(birth('a-rec-2', ALPHA, hq, { failoverPartner: 'a-rec-1' }), 'online', now - 600_000);
    fleet.refreshCover('a-rec-1');
    put(birth('a-rec-3', ALPHA, depot), 'unavailable', now - 300_000);
    put(birth('a-rec-4', ALPHA, depot), 'unavailable', now - 290_000);
    fleet.markSiteUnreachable(ALPHA.slc, depot.id, now - 290_000);
    put(birth('b-rec-1', BRAVO, mall, { latitude: 48.1, longitude: 11.5 }), 'degraded', now - 120_000);
    put(birth('b-rec-2', BRAVO, mall, { latitude: 48.1, longitude: 11.5 }), 'offline', now - 60_000);
    put(birth('c-rec-1', CHARLIE, { id: 'charlie-site', name: 'Charlie Site' }), 'online', now - 60_000);
    fleet.applyCondition({
      recorderId: 'b-rec-1',
      code: 'drive-full',
      subject: 'E:\\bravo-archive',
      active: true,
      at: now - 120_000,
      severity: 'critical',
      message: 'drive E:\\bravo-archive is 99% full',
    });
    fleet.recordEvent({
      recorderId: 'b-rec-1',
      code: 'archive-fatal-error',
      subject: 'bravo-archive-7',
      severity: 'error',
      message: 'fatal error processing bravo archive 7',
      firstSeen: now - 100_000,
      lastSeen: now - 50_000,
      count: 3,
    });
    fleet.applyCondition({
      recorderId: 'a-rec-2',
      code: 'camera-unreachable',
      subject: 'alpha-cam-3',
      active: true,
      at: now - 30_000,
      severity: 'warning',
      message: 'camera alpha-cam-3 unreachable',
    });
    // Its agent's clock is a day and two hours ahead: the ingestor corrects its times.
    fleet.setClockOffset('a-rec-2', -26 * 3_600_000);
  });
  fleet.close();
}

export interface Fixture {
  dir: string;
  dashboard: Dashboard;
  pki: FleetPki;
  broker: RunningBroker | undefined;
  brokerUrl: string;
  close(): Promise<void>;
}

/**
 * A dashboard on real SQLite files in a temp dir with the seeded fleet and users (admin, noc,
 * alice and bob as resellers of Alpha and Bravo, carol a reseller with nothing). With
 * `broker: true` a real broker (aedes over mTLS on 127.0.0.1) feeds the live plugin.
 */
export async function startFixture(
  options: {
    broker?: boolean;
    dashboard?: Partial<DashboardOptions>;
    now?: number;
    /** Writes fleet.db instead of seedFleet (the same users and registrations are made). */
    seed?: (fleetDbPath: string) => void;
  } = {},
): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-'));
  const pki = new FleetPki(join(dir, 'pki'));
  await pki.init();
  const broker = options.broker ? await startBroker({ port: 0, tls: pki.broker(), registryPath: pki.registryPath, logger: quiet }) : undefined;
  // Without a broker, point the live plugin at a closed port: it keeps retrying quietly.
  const brokerUrl = `mqtts://127.0.0.1:${broker?.port ?? 9}`;
  const fleetDbPath = join(dir, 'fleet.db');
  if (options.seed) options.seed(fleetDbPath);
  else seedFleet(fleetDbPath, options.now);
  const dashboard = await buildDashboard({
    dashboardDbPath: join(dir, 'dashboard.db'),
    fleetDbPath,
    brokerUrl,
    tls: pki.service('dashboard'),
    logger: quiet,
    map: { tilesUrl: null, attribution: 'offline' },
    enrollment: { pki, url: 'https://127.0.0.1:8885' },
    ...options.dashboard,
  });
  const { store } = dashboard;
  await store.ensureAdmin(PASSWORD);
  await store.createUser('noc', 'noc', PASSWORD);
  const alice = await store.createUser('alice', 'reseller', PASSWORD);
  const bob = await store.createUser('bob', 'reseller', PASSWORD);
  await store.createUser('carol', 'reseller', PASSWORD);
  store.grantInstallation(ALPHA.slc, alice, 'admin');
  store.grantInstallation(BRAVO.slc, bob, 'admin');
  const noc = store.userByName('noc')!;
  store.createRule(noc, { name: 'Everything from error up', condition: { kind: 'problem', minSeverity: 'error' }, severity: 'error' });
  store.createRule(noc, {
    name: 'Bravo drives',
    condition: { kind: 'problem', code: 'drive-full', minSeverity: 'warning' },
    scope: { installations: [BRAVO.slc] },
    severity: 'warning',
  });
  store.createRule(noc, {
    name: 'Alpha cameras',
    condition: { kind: 'problem', code: 'camera-unreachable', minSeverity: 'warning' },
    scope: { installations: [ALPHA.slc] },
    severity: 'warning',
  });
  return {
    dir,
    dashboard,
    pki,
    broker,
    brokerUrl,
    async close() {
      await dashboard.app.close();
      await broker?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A logged-in user for app.inject: its cookie and CSRF token. */
export interface Session {
  username: string;
  cookie: string;
  csrf: string;
}

export async function logIn(dashboard: Dashboard, username: string, password = PASSWORD): Promise<Session> {
  const res = await dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login of ${username} answered ${res.statusCode}: ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const csrf = (await dashboard.app.inject({ method: 'GET', url: '/api/csrf', headers: { cookie } })).json<{ token: string }>().token;
  return { username, cookie, csrf };
}

/** Sends a request as `session` (with its CSRF token unless told otherwise). */
export function as(dashboard: Dashboard, session: Session | undefined, method: string, url: string, payload?: unknown, withCsrf = true) {
  const headers: Record<string, string> = {};
  if (session) headers.cookie = session.cookie;
  if (session && withCsrf) headers['x-csrf-token'] = session.csrf;
  return dashboard.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

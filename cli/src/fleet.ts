import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { buildDashboard, type Dashboard } from '@vigil/dashboard';
import { startIngestor, telemetryStoreFromEnv, type RunningIngestor, type TelemetryStore } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { fleetPaths, type FleetSettings } from './settings.js';

export interface RunningFleet {
  pki: FleetPki;
  broker: RunningBroker;
  ingestor: RunningIngestor;
  dashboard: Dashboard;
  brokerUrl: string;
  dashboardUrl: string;
  /** Set when this start created the admin without a password given: print it once. */
  generatedAdminPassword: string | undefined;
  close(): Promise<void>;
}

export async function ensurePki(dataDir: string, brokerHosts: string[] = []): Promise<{ pki: FleetPki; created: string[] }> {
  const pki = new FleetPki(fleetPaths(dataDir).pki);
  const created = await pki.init({ brokerHosts });
  return { pki, created };
}

export function startBrokerPart(pki: FleetPki, settings: FleetSettings, logger: Logger): Promise<RunningBroker> {
  return startBroker({
    port: settings.mqttPort,
    wssPort: settings.wssPort,
    metricsPort: settings.metricsPort,
    host: settings.host,
    tls: pki.broker(),
    registryPath: pki.registryPath,
    enrollment: { port: settings.enrollPort, pki },
    logger: logger.child({ part: 'broker' }),
  });
}

export async function startIngestorPart(pki: FleetPki, dataDir: string, brokerUrl: string, logger: Logger, metrics?: { port: number; host: string }): Promise<RunningIngestor> {
  // InfluxDB when VIGIL_INFLUX_URL is set, else SQLite in <dataDir>/telemetry.db.
  const telemetry = await telemetryStoreFromEnv(process.env, dataDir, logger.child({ part: 'ingestor' }));
  return startIngestor({
    telemetry,
    brokerUrl,
    tls: pki.service('ingestor'),
    recipientPrivateKeyPems: [readFileSync(pki.envelopeKeyPath, 'utf8')],
    signingKeyOf: (id) => pki.signingKeyOf(id),
    dbPath: fleetPaths(dataDir).fleetDb,
    logger: logger.child({ part: 'ingestor' }),
    metrics,
  });
}

export async function startDashboardPart(
  pki: FleetPki,
  settings: FleetSettings,
  brokerUrl: string,
  logger: Logger,
  adminPassword: string | undefined,
  telemetry?: TelemetryStore,
): Promise<{ dashboard: Dashboard; url: string; generatedAdminPassword: string | undefined }> {
  const paths = fleetPaths(settings.dataDir);
  const dashboard = await buildDashboard({
    dashboardDbPath: paths.dashboardDb,
    fleetDbPath: paths.fleetDb,
    brokerUrl,
    tls: pki.service('dashboard'),
    logger: logger.child({ part: 'dashboard' }),
    telemetry,
  });
  const admin = await dashboard.store.ensureAdmin(adminPassword);
  await dashboard.app.listen({ port: settings.httpPort, host: settings.host });
  const { port } = dashboard.app.server.address() as AddressInfo;
  const shownHost = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host;
  return { dashboard, url: `http://${shownHost}:${port}`, generatedAdminPassword: admin.generatedPassword };
}

/** Broker, ingestor and dashboard in one process: the embedded single-machine default. */
export async function startFleet(settings: FleetSettings, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<RunningFleet> {
  const { pki } = await ensurePki(settings.dataDir);
  const broker = await startBrokerPart(pki, settings, logger);
  const brokerUrl = `mqtts://127.0.0.1:${broker.port}`;
  const ingestor = await startIngestorPart(pki, settings.dataDir, brokerUrl, logger);
  await ingestor.ready;
  broker.serveMetricsOf(ingestor.metrics.registry);
  const { dashboard, url, generatedAdminPassword } = await startDashboardPart(pki, settings, brokerUrl, logger, env.VIGIL_ADMIN_PASSWORD || undefined, ingestor.telemetry);
  return {
    pki,
    broker,
    ingestor,
    dashboard,
    brokerUrl,
    dashboardUrl: url,
    generatedAdminPassword,
    async close() {
      await dashboard.app.close();
      await ingestor.close();
      await broker.close();
    },
  };
}

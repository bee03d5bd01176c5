import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { buildDashboard, type Dashboard } from '@vigil/dashboard';
import {
  roleMetric,
  startIngestor,
  telemetryStoreFromEnv,
  type ActiveRight,
  type RunningIngestor,
  type SmtpSettings,
  type TelemetryStore,
} from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { exitOnLostRight, waitForActiveRight } from './single-active.js';
import { fleetPaths, type FleetSettings, type IngestSettings, type UpSettings } from './settings/index.js';

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

export async function ensurePki(
  dataDir: string,
  brokerHosts: string[] = [],
  options: { deviceCertDays?: number } = {},
): Promise<{ pki: FleetPki; created: string[] }> {
  const pki = new FleetPki(fleetPaths(dataDir).pki, { deviceCertificateDays: options.deviceCertDays });
  const created = await pki.init({ brokerHosts });
  return { pki, created };
}

export function startBrokerPart(
  pki: FleetPki,
  settings: Pick<FleetSettings, 'mqttPort' | 'wssPort' | 'metricsPort' | 'enrollPort' | 'host' | 'handshakesPerAddress'> & { redisUrl?: string },
  logger: Logger,
): Promise<RunningBroker> {
  return startBroker({
    port: settings.mqttPort,
    wssPort: settings.wssPort,
    metricsPort: settings.metricsPort,
    host: settings.host,
    tls: pki.broker(),
    registryPath: pki.registryPath,
    enrollment: { port: settings.enrollPort, pki },
    logger: logger.child({ part: 'broker' }),
    limits: { maxPendingHandshakesPerAddress: settings.handshakesPerAddress },
    ...(settings.redisUrl ? { redis: { url: settings.redisUrl } } : {}),
  });
}

export async function startIngestorPart(
  pki: FleetPki,
  settings: { dataDir: string; ingest: IngestSettings; smtp?: SmtpSettings },
  brokerUrl: string,
  logger: Logger,
  metrics?: { port: number; host: string },
  activeRight?: ActiveRight,
): Promise<RunningIngestor> {
  const { dataDir, ingest } = settings;
  const paths = fleetPaths(dataDir);
  // InfluxDB when VIGIL_INFLUX_URL is set, else SQLite in <dataDir>/telemetry.db.
  const telemetry = await telemetryStoreFromEnv(ingest.telemetry, dataDir, logger.child({ part: 'ingestor' }));
  return startIngestor({
    telemetry,
    brokerUrl,
    tls: pki.service('ingestor'),
    // The current key first, then the previous ones a rotation kept (read at start: restart after a rotation).
    recipientPrivateKeyPems: pki.envelopePrivateKeyPems(),
    signingKeyOf: (id) => pki.signingKeyOf(id),
    dbPath: fleetPaths(dataDir).fleetDb,
    logger: logger.child({ part: 'ingestor' }),
    metrics,
    groupCommit: ingest.groupCommit,
    outbox: { worker: ingest.drainInWorker, stallAfterMs: ingest.outboxStallSeconds * 1000 },
    traceMqtt: ingest.traceMqtt,
    problemLifetimes: ingest.problemLifetimes,
    activeRight,
    // Rules come from the dashboard's dashboard.db in the same data directory (docs/DESIGN.md "Alerting").
    alerting: {
      alertsDbPath: paths.alertsDb,
      dashboardDbPath: paths.dashboardDb,
      smtp: settings.smtp,
      dashboardUrl: ingest.dashboardUrl,
      groupWindowMs: ingest.alertGroupSeconds * 1000,
    },
  });
}

/**
 * The enrolment endpoint as an installer reaches it: this host when it listens on one address,
 * a placeholder for the fleet's public name when it listens on all of them.
 */
export function enrollUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? '<fleet host>' : host.includes(':') ? `[${host}]` : host;
  return `https://${shown}:${port}`;
}

export async function startDashboardPart(
  pki: FleetPki,
  settings: Pick<UpSettings, 'dataDir' | 'httpPort' | 'host' | 'adminPassword' | 'map' | 'enrollPort' | 'smtp'>,
  brokerUrl: string,
  logger: Logger,
  telemetry?: TelemetryStore,
): Promise<{ dashboard: Dashboard; url: string; generatedAdminPassword: string | undefined }> {
  const paths = fleetPaths(settings.dataDir);
  const dashboard = await buildDashboard({
    // Resellers' enrolment tokens go into the same PKI directory the broker redeems them from.
    enrollment: { pki, url: enrollUrl(settings.host, settings.enrollPort) },
    dashboardDbPath: paths.dashboardDb,
    fleetDbPath: paths.fleetDb,
    alertsDbPath: paths.alertsDb,
    brokerUrl,
    tls: pki.service('dashboard'),
    logger: logger.child({ part: 'dashboard' }),
    telemetry,
    map: settings.map,
    // Monthly service reports go out through the same mail server as the alerting e-mails.
    smtp: settings.smtp,
  });
  const admin = await dashboard.store.ensureAdmin(settings.adminPassword);
  await dashboard.app.listen({ port: settings.httpPort, host: settings.host });
  const { port } = dashboard.app.server.address() as AddressInfo;
  const shownHost = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host;
  return { dashboard, url: `http://${shownHost}:${port}`, generatedAdminPassword: admin.generatedPassword };
}

/** Broker, ingestor and dashboard in one process: the embedded single-machine default. */
export async function startFleet(settings: UpSettings, logger: Logger): Promise<RunningFleet> {
  const { pki } = await ensurePki(settings.dataDir, [], { deviceCertDays: settings.deviceCertDays });
  // Its ingestor part follows the rule of `vigil ingestor` (the data directory's lock): a second
  // `vigil up` on the same directory waits, serving nothing, until the first stops.
  const right = await waitForActiveRight({ dataDir: settings.dataDir, redisUrl: undefined, logger: logger.child({ part: 'ingestor' }) });
  if (!right) throw new Error('stopped while waiting as a standby');
  exitOnLostRight(right, logger);
  let ingestorStarted = false;
  let parts: {
    broker: RunningBroker;
    ingestor: RunningIngestor;
    brokerUrl: string;
    dashboard: Dashboard;
    url: string;
    generatedAdminPassword: string | undefined;
  };
  try {
    const broker = await startBrokerPart(pki, settings, logger);
    const brokerUrl = `mqtts://127.0.0.1:${broker.port}`;
    // Links in notifications point at this dashboard unless VIGIL_DASHBOARD_URL names its public address.
    const shown = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host;
    const dashboardUrl = settings.ingest.dashboardUrl ?? (settings.httpPort !== 0 ? `http://${shown}:${settings.httpPort}` : undefined);
    const ingestor = await startIngestorPart(pki, { ...settings, ingest: { ...settings.ingest, dashboardUrl } }, brokerUrl, logger, undefined, right);
    ingestorStarted = true;
    await ingestor.ready;
    broker.serveMetricsOf(ingestor.metrics.registry, { name: 'ingestor', report: () => ingestor.health() });
    // The port the broker really got (settings may say 0: any free port).
    const { dashboard, url, generatedAdminPassword } = await startDashboardPart(
      pki,
      { ...settings, enrollPort: broker.enrollPort ?? settings.enrollPort },
      brokerUrl,
      logger,
      ingestor.telemetry,
    );
    roleMetric(true, ingestor.metrics.registry);
    parts = { broker, ingestor, brokerUrl, dashboard, url, generatedAdminPassword };
  } catch (error) {
    // A start that failed before its ingestor ran leaves the directory to whoever tries next.
    if (!ingestorStarted) await right.release();
    throw error;
  }
  const { broker, ingestor, brokerUrl, dashboard, url, generatedAdminPassword } = parts;
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
      await right.release();
    },
  };
}

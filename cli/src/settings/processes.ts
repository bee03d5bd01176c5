import { mapConfig, type MapConfig } from '@vigil/dashboard';
import type { LifetimeOverrides, SmtpSettings } from '@vigil/ingestor';
import { ProcessSettings, setting, type Environment, type Flags } from './setting.js';
import { smtpOf, smtpSettingSources } from './smtp.js';
import {
  addressValue,
  directoryValue,
  httpUrlValue,
  secondsValue,
  logLevelValue,
  mqttUrlListValue,
  onOffValue,
  portValue,
  positiveIntegerValue,
  presenceValue,
  problemLifetimesValue,
  redisUrlValue,
  textValue,
  tileUrlValue,
  type LogLevel,
} from './values.js';

// Every fleet-side setting once; each process below picks the ones it uses. The README's
// "Settings" table lists the same names.
const dataDir = setting(directoryValue, { flag: '--data-dir', env: 'VIGIL_DATA_DIR', default: './data' });
const httpPort = setting(portValue, { flag: '--http-port', env: 'VIGIL_HTTP_PORT', default: '8080' });
const mqttPort = setting(portValue, { flag: '--mqtt-port', env: 'VIGIL_MQTT_PORT', default: '8883' });
const wssPort = setting(portValue, { flag: '--wss-port', env: 'VIGIL_WSS_PORT', default: '8884' });
const metricsPort = setting(portValue, { flag: '--metrics-port', env: 'VIGIL_METRICS_PORT', default: '9883' });
const enrollPort = setting(portValue, { flag: '--enroll-port', env: 'VIGIL_ENROLL_PORT', default: '8885' });
const host = setting(addressValue, { flag: '--host', env: 'VIGIL_HOST', default: '127.0.0.1', example: '0.0.0.0' });
const logLevel = (fallback: LogLevel) => setting(logLevelValue, { env: 'VIGIL_LOG_LEVEL', default: fallback, example: 'debug' });
const brokerUrl = setting(mqttUrlListValue, { flag: '--broker-url', env: 'VIGIL_BROKER_URL', example: 'mqtts://fleet.example.com:8883' });
/** A login typed into the URL stays out of messages. */
const withoutLogin = (text: string) => text.replace(/\/\/[^/@]*@/, '//***@');
// Read by the broker (shared sessions and messages) and the ingestor (its single-active lease).
const redisUrl = setting(redisUrlValue, { flag: '--redis-url', env: 'VIGIL_REDIS_URL', example: 'redis://127.0.0.1:6379/0', shown: withoutLogin });
const adminPassword = setting(textValue, { env: 'VIGIL_ADMIN_PASSWORD', secret: true });
const mapTilesUrl = setting(tileUrlValue, { env: 'VIGIL_MAP_TILES_URL', example: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' });
const mapAttribution = setting(textValue, { env: 'VIGIL_MAP_ATTRIBUTION', example: '© OpenStreetMap contributors' });
// Checked, with messages about how they combine, where the store is made (telemetryStoreFromEnv).
const influxUrl = setting(textValue, { env: 'VIGIL_INFLUX_URL' });
const influxToken = setting(textValue, { env: 'VIGIL_INFLUX_TOKEN', secret: true });
const influxOrg = setting(textValue, { env: 'VIGIL_INFLUX_ORG' });
const influxBucket = setting(textValue, { env: 'VIGIL_INFLUX_BUCKET' });
const influxApi = setting(textValue, { env: 'VIGIL_INFLUX_API' });
const groupMessages = setting(positiveIntegerValue, { env: 'VIGIL_INGESTOR_GROUP_MESSAGES', example: '256' });
const groupMs = setting(positiveIntegerValue, { env: 'VIGIL_INGESTOR_GROUP_MS', example: '5' });
const drainWorker = setting(onOffValue, { env: 'VIGIL_INGESTOR_DRAIN_WORKER', default: '1', example: '0' });
const debug = setting(presenceValue, { env: 'DEBUG', example: 'mqttjs*' });
const alertGroupSeconds = setting(secondsValue, { env: 'VIGIL_ALERT_GROUP_SECONDS', default: '10', example: '30' });
const dashboardUrl = setting(httpUrlValue, { env: 'VIGIL_DASHBOARD_URL', example: 'https://vigil.example.com' });
const problemLifetimes = setting(problemLifetimesValue, { env: 'VIGIL_PROBLEM_LIFETIMES', example: 'archive-fatal-error=48h,archive-move-failed=30m' });

/** Days a recorder certificate issued from now on is valid (vigil pki issue, enrolment, renewal); agents renew before the end. */
const deviceCertDays = setting(positiveIntegerValue, { env: 'VIGIL_DEVICE_CERT_DAYS', default: '825', example: '365' });

/**
 * TLS handshakes one address may have in progress at a broker node (of 256 in all). Behind a TCP load
 * balancer that hides the recorders' addresses the whole fleet is one address.
 */
const handshakesPerAddress = setting(positiveIntegerValue, { env: 'VIGIL_BROKER_HANDSHAKES_PER_ADDRESS', default: '32', example: '256' });

const outboxStallSeconds = setting(positiveIntegerValue, { env: 'VIGIL_OUTBOX_STALL_SECONDS', default: '300', example: '600' });

const telemetrySettings = { influxUrl, influxToken, influxOrg, influxBucket, influxApi };
const ingestSettings = {
  ...telemetrySettings,
  groupMessages,
  groupMs,
  drainWorker,
  debug,
  problemLifetimes,
  dashboardUrl,
  outboxStallSeconds,
  alertGroupSeconds,
};

/** The InfluxDB variables as telemetryStoreFromEnv reads them; all unset means the embedded store. */
export type TelemetrySettings = {
  VIGIL_INFLUX_URL?: string;
  VIGIL_INFLUX_TOKEN?: string;
  VIGIL_INFLUX_ORG?: string;
  VIGIL_INFLUX_BUCKET?: string;
  VIGIL_INFLUX_API?: string;
};

/** How the ingestor runs its pipeline (defaults suit production; the variables are for measurements). */
export interface IngestSettings {
  telemetry: TelemetrySettings;
  groupCommit: { maxMessages?: number; maxDelayMs?: number };
  /** Write to the time-series store from a worker thread (VIGIL_INGESTOR_DRAIN_WORKER=0 turns it off). */
  drainInWorker: boolean;
  /** Let mqtt.js trace its packets (DEBUG set), for the debug module to print. */
  traceMqtt: boolean;
  /** How long events stay active problems, per code, over the ingestor's defaults (VIGIL_PROBLEM_LIFETIMES). */
  problemLifetimes: LifetimeOverrides;
  /** The dashboard's address as people reach it, for links in notifications (VIGIL_DASHBOARD_URL). */
  dashboardUrl: string | undefined;
  /** An outbox with points that has not drained for this long is reported in /healthz and on the dashboard (VIGIL_OUTBOX_STALL_SECONDS). */
  outboxStallSeconds: number;
  /** Alerts of one rule, channel and installation within this many seconds go out as one notification (VIGIL_ALERT_GROUP_SECONDS). */
  alertGroupSeconds: number;
}

function telemetryOf(values: { influxUrl?: string; influxToken?: string; influxOrg?: string; influxBucket?: string; influxApi?: string }): TelemetrySettings {
  return {
    VIGIL_INFLUX_URL: values.influxUrl,
    VIGIL_INFLUX_TOKEN: values.influxToken,
    // Left out when unset, so a record without it reads as it always did.
    ...(values.influxOrg === undefined ? {} : { VIGIL_INFLUX_ORG: values.influxOrg }),
    VIGIL_INFLUX_BUCKET: values.influxBucket,
    VIGIL_INFLUX_API: values.influxApi,
  };
}

function ingestOf(values: {
  influxUrl?: string;
  influxToken?: string;
  influxOrg?: string;
  influxBucket?: string;
  influxApi?: string;
  groupMessages?: number;
  groupMs?: number;
  drainWorker: boolean;
  debug?: boolean;
  problemLifetimes?: LifetimeOverrides;
  dashboardUrl?: string;
  outboxStallSeconds: number;
  alertGroupSeconds: number;
}): IngestSettings {
  return {
    telemetry: telemetryOf(values),
    groupCommit: { maxMessages: values.groupMessages, maxDelayMs: values.groupMs },
    drainInWorker: values.drainWorker,
    traceMqtt: values.debug === true,
    problemLifetimes: values.problemLifetimes ?? {},
    dashboardUrl: values.dashboardUrl,
    outboxStallSeconds: values.outboxStallSeconds,
    alertGroupSeconds: values.alertGroupSeconds,
  };
}

function mapOf(values: { mapTilesUrl?: string; mapAttribution?: string }): MapConfig {
  return mapConfig({ tilesUrl: values.mapTilesUrl, attribution: values.mapAttribution });
}

/** The broker, ingestor and dashboard listen where these say. */
export interface FleetSettings {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  /** MQTT over secure WebSocket. */
  wssPort: number;
  /** Broker /healthz and /metrics. */
  metricsPort: number;
  /** HTTPS enrollment with one-time tokens. */
  enrollPort: number;
  /** Address the broker and dashboard listen on. */
  host: string;
  /** How long recorder certificates the broker issues (enrolment, renewal) are valid (VIGIL_DEVICE_CERT_DAYS). */
  deviceCertDays: number;
  /** TLS handshakes in progress from one address at the broker (VIGIL_BROKER_HANDSHAKES_PER_ADDRESS). */
  handshakesPerAddress: number;
}

/** `vigil up`: broker, ingestor and dashboard in one process, and the demo fleet with --demo. */
export interface UpSettings extends FleetSettings {
  logLevel: LogLevel;
  /** Set: the admin gets this password at every start. Unset: one is generated at the first. */
  adminPassword: string | undefined;
  map: MapConfig;
  ingest: IngestSettings;
  /** The demo's agents run in child processes at this level (the fleet's own). */
  demoAgentLogLevel: LogLevel;
  /** The mail server of e-mail channels (`VIGIL_SMTP_*`); unset: e-mail channels report that none is configured. */
  smtp?: SmtpSettings;
}

export const upSettings = new ProcessSettings(
  {
    dataDir,
    httpPort,
    mqttPort,
    wssPort,
    metricsPort,
    enrollPort,
    host,
    deviceCertDays,
    handshakesPerAddress,
    logLevel: logLevel('warn'),
    adminPassword,
    mapTilesUrl,
    mapAttribution,
    ...ingestSettings,
    ...smtpSettingSources,
  },
  (values): UpSettings => ({
    dataDir: values.dataDir,
    httpPort: values.httpPort,
    mqttPort: values.mqttPort,
    wssPort: values.wssPort,
    metricsPort: values.metricsPort,
    enrollPort: values.enrollPort,
    host: values.host,
    deviceCertDays: values.deviceCertDays,
    handshakesPerAddress: values.handshakesPerAddress,
    logLevel: values.logLevel,
    adminPassword: values.adminPassword,
    map: mapOf(values),
    ingest: ingestOf(values),
    demoAgentLogLevel: values.logLevel,
    smtp: smtpOf(values),
  }),
);

export interface BrokerSettings {
  dataDir: string;
  mqttPort: number;
  wssPort: number;
  metricsPort: number;
  enrollPort: number;
  host: string;
  /** How long recorder certificates it issues (enrolment, renewal) are valid (VIGIL_DEVICE_CERT_DAYS). */
  deviceCertDays: number;
  /** TLS handshakes in progress from one address (VIGIL_BROKER_HANDSHAKES_PER_ADDRESS). */
  handshakesPerAddress: number;
  logLevel: LogLevel;
  /** Set: this broker is one node of several sharing Redis (VIGIL_REDIS_URL). */
  redisUrl: string | undefined;
}

export const brokerSettings = new ProcessSettings(
  { dataDir, mqttPort, wssPort, metricsPort, enrollPort, host, deviceCertDays, handshakesPerAddress, logLevel: logLevel('info'), redisUrl },
  (values): BrokerSettings => values,
);

export interface IngestorSettings {
  dataDir: string;
  /** Set: the single-active right is a Redis lease as well as the data directory's lock. */
  redisUrl: string | undefined;
  /** Where its own /healthz and /metrics listen. */
  metrics: { port: number; host: string };
  brokerUrl: string;
  logLevel: LogLevel;
  ingest: IngestSettings;
  /** The mail server of e-mail channels (`VIGIL_SMTP_*`); unset: e-mail channels report that none is configured. */
  smtp?: SmtpSettings;
}

/** Without --broker-url, the broker on this machine at the MQTT port. */
const localBroker = (port: number) => `mqtts://127.0.0.1:${port}`;

export const ingestorSettings = new ProcessSettings(
  { dataDir, mqttPort, metricsPort, host, brokerUrl, redisUrl, logLevel: logLevel('info'), ...ingestSettings, ...smtpSettingSources },
  (values): IngestorSettings => ({
    dataDir: values.dataDir,
    redisUrl: values.redisUrl,
    metrics: { port: values.metricsPort, host: values.host },
    brokerUrl: values.brokerUrl ?? localBroker(values.mqttPort),
    logLevel: values.logLevel,
    ingest: ingestOf(values),
    smtp: smtpOf(values),
  }),
);

export interface DashboardSettings {
  dataDir: string;
  httpPort: number;
  /** The broker's enrolment port, for the command line shown with a reseller's new token. */
  enrollPort: number;
  host: string;
  brokerUrl: string;
  logLevel: LogLevel;
  adminPassword: string | undefined;
  map: MapConfig;
  /** The time series it reads, as the ingestor writes them. */
  telemetry: TelemetrySettings;
  /** The mail server monthly service reports go out through (`VIGIL_SMTP_*`, as the ingestor's e-mail channels). */
  smtp?: SmtpSettings;
}

export const dashboardSettings = new ProcessSettings(
  // The broker's ports are accepted too, as they always were, so one set of flags fits every part.
  {
    dataDir,
    httpPort,
    mqttPort,
    wssPort,
    metricsPort,
    enrollPort,
    host,
    brokerUrl,
    logLevel: logLevel('info'),
    adminPassword,
    mapTilesUrl,
    mapAttribution,
    ...telemetrySettings,
    ...smtpSettingSources,
  },
  (values): DashboardSettings => ({
    dataDir: values.dataDir,
    httpPort: values.httpPort,
    enrollPort: values.enrollPort,
    host: values.host,
    brokerUrl: values.brokerUrl ?? localBroker(values.mqttPort),
    logLevel: values.logLevel,
    adminPassword: values.adminPassword,
    map: mapOf(values),
    telemetry: telemetryOf(values),
    smtp: smtpOf(values),
  }),
);

/** `vigil pki ...` works on files only. */
export const pkiSettings = new ProcessSettings({ dataDir, deviceCertDays }, (values): { dataDir: string; deviceCertDays: number } => values);

/** Every variable some fleet-side process reads. */
export const FLEET_VARIABLES: readonly string[] = [
  ...new Set([upSettings, brokerSettings, ingestorSettings, dashboardSettings, pkiSettings].flatMap((one) => one.variables)),
];

/** `vigil up`'s settings (kept under its old name for tests and embedders). */
export function resolveSettings(flags: Flags, env: Environment): UpSettings {
  return upSettings.parse(flags, env);
}

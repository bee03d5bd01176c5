import { join } from 'node:path';
import type { Logger } from 'pino';
import { InfluxSetupError } from './influx/influx-check.js';
import { DEFAULT_INFLUX_ORG, type InfluxApi } from './influx/influx-telemetry-store.js';
import { SqliteTelemetryReader } from './sqlite/sqlite-telemetry-reader.js';
import { openTelemetryStore } from './open-store.js';
import type { TelemetryStore } from './telemetry-store.js';

/** A telemetry setting that cannot work; the message names the variable and the fix. */
export class TelemetryConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TelemetryConfigError';
  }
}

const INFLUX_VARIABLES = ['VIGIL_INFLUX_URL', 'VIGIL_INFLUX_TOKEN', 'VIGIL_INFLUX_ORG', 'VIGIL_INFLUX_BUCKET', 'VIGIL_INFLUX_API'] as const;

/**
 * The time-series store the environment asks for: InfluxDB when VIGIL_INFLUX_URL is set, else the
 * embedded SQLite store in <dataDir>/telemetry.db. A setting that cannot work stops the start with
 * a TelemetryConfigError naming the variable to change: the ingestor writes a point and reads it
 * back (stores/influx/influx-check.ts), a reader only queries. An InfluxDB that does not answer
 * does not stop it (points wait in the outbox; /healthz reports an outbox that cannot drain).
 */
export async function telemetryStoreFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  dataDir: string,
  logger: Logger,
  use: { readerOnly?: boolean } = {},
): Promise<TelemetryStore> {
  const url = env.VIGIL_INFLUX_URL?.trim();
  if (!url) {
    const stray = INFLUX_VARIABLES.filter((name) => env[name]);
    if (stray.length > 0) {
      throw new TelemetryConfigError(
        `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but VIGIL_INFLUX_URL is not: set VIGIL_INFLUX_URL (e.g. http://127.0.0.1:8086) to use InfluxDB, or unset ${stray.join(', ')} to use the embedded store`,
      );
    }
    const path = join(dataDir, 'telemetry.db');
    logger.info({ path }, 'time series in the embedded SQLite store (set VIGIL_INFLUX_URL to use InfluxDB)');
    // A reader beside the ingestor (vigil dashboard) only reads: the ingestor is telemetry.db's one writer.
    return use.readerOnly ? new SqliteTelemetryReader(path) : openTelemetryStore({ kind: 'sqlite', path });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TelemetryConfigError(`VIGIL_INFLUX_URL is "${url}", which is not a URL: use e.g. http://127.0.0.1:8086`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TelemetryConfigError(`VIGIL_INFLUX_URL is "${url}": use an http:// or https:// URL, e.g. http://127.0.0.1:8086`);
  }
  if (parsed.username || parsed.password) {
    throw new TelemetryConfigError('VIGIL_INFLUX_URL carries credentials: remove them from the URL and put the token in VIGIL_INFLUX_TOKEN');
  }
  const bucket = env.VIGIL_INFLUX_BUCKET?.trim();
  if (!bucket) {
    throw new TelemetryConfigError(
      'VIGIL_INFLUX_BUCKET is not set: name the bucket (InfluxDB 2.x/3.x) or database (1.x) to write to, e.g. VIGIL_INFLUX_BUCKET=vigil',
    );
  }
  const api = (env.VIGIL_INFLUX_API?.trim() || 'v2') as InfluxApi;
  if (api !== 'v2' && api !== 'v1') {
    throw new TelemetryConfigError(`VIGIL_INFLUX_API is "${env.VIGIL_INFLUX_API}": use v2 (InfluxDB 1.8+, 2.x, 3.x) or v1 (InfluxDB before 1.8)`);
  }
  const org = env.VIGIL_INFLUX_ORG?.trim() || DEFAULT_INFLUX_ORG;
  const store = openTelemetryStore({ kind: 'influxdb', url, token: env.VIGIL_INFLUX_TOKEN || undefined, bucket, api, org, logger });
  try {
    await store.check({ write: !use.readerOnly });
  } catch (error) {
    if (error instanceof InfluxSetupError && error.problem === 'unreachable') {
      logger.warn(
        { url, err: error.message },
        'InfluxDB does not answer yet (VIGIL_INFLUX_URL); readings wait in the outbox in fleet.db until it does, and /healthz reports it if it lasts',
      );
    } else {
      await store.close();
      throw new TelemetryConfigError(setupMessage(error as Error, { url, bucket, api, org }));
    }
  }
  logger.info({ url, bucket, api, ...(api === 'v2' ? { org } : {}) }, 'time series in InfluxDB');
  return store;
}

/** What to change, by which variable, for a start-up check that failed. */
function setupMessage(error: Error, { url, bucket, api, org }: { url: string; bucket: string; api: InfluxApi; org: string }): string {
  const problem = error instanceof InfluxSetupError ? error.problem : 'other';
  const detail = error.message;
  const bucketOf = api === 'v2' ? `bucket "${bucket}" of organisation "${org}"` : `database "${bucket}"`;
  switch (problem) {
    case 'token':
      return `InfluxDB at ${url} refused the token: set VIGIL_INFLUX_TOKEN to a token that may write and read ${bucketOf} (${detail})`;
    case 'org':
      return `InfluxDB at ${url} has no organisation "${org}" (VIGIL_INFLUX_ORG): set VIGIL_INFLUX_ORG to the organisation that owns bucket "${bucket}" (influx org list) (${detail})`;
    case 'bucket':
      return (
        `InfluxDB at ${url} has no database/bucket "${bucket}" (VIGIL_INFLUX_BUCKET): create it ` +
        `(1.x: POST /query?q=CREATE DATABASE "${bucket}"; 2.x: influx bucket create -n ${bucket} -o ${org} and a DBRP mapping for InfluxQL reads) (${detail})`
      );
    case 'dbrp':
      return (
        `InfluxDB at ${url} has no DBRP mapping for database "${bucket}" (VIGIL_INFLUX_BUCKET), which InfluxQL reads (the dashboard, Grafana) need: ` +
        `influx v1 dbrp create --db ${bucket} --rp autogen --default --bucket-id <ID of bucket ${bucket}> -o ${org} (${detail})`
      );
    case 'read-back':
      return `InfluxDB at ${url}: InfluxQL reads of database "${bucket}" (VIGIL_INFLUX_BUCKET) do not see what was written to ${bucketOf}: its DBRP mapping leads to another bucket; list it with influx v1 dbrp list (${detail})`;
    case 'api':
      return `InfluxDB at ${url} has no ${api === 'v2' ? '/api/v2/write' : '/write'} (VIGIL_INFLUX_API=${api}): use VIGIL_INFLUX_API=v1 for InfluxDB before 1.8, v2 otherwise, and check VIGIL_INFLUX_URL (${detail})`;
    default:
      return `InfluxDB at ${url} answered an error (check VIGIL_INFLUX_URL and VIGIL_INFLUX_API=${api}): ${detail}`;
  }
}

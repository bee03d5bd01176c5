import { join } from 'node:path';
import type { Logger } from 'pino';
import type { InfluxApi } from './influx/influx-telemetry-store.js';
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

const INFLUX_VARIABLES = ['VIGIL_INFLUX_URL', 'VIGIL_INFLUX_TOKEN', 'VIGIL_INFLUX_BUCKET', 'VIGIL_INFLUX_API'] as const;

/**
 * The time-series store the environment asks for: InfluxDB when VIGIL_INFLUX_URL is set, else the
 * embedded SQLite store in <dataDir>/telemetry.db. A setting that cannot work stops the start with
 * a TelemetryConfigError; an InfluxDB that is merely down does not (points wait in the outbox).
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
  const store = openTelemetryStore({ kind: 'influxdb', url, token: env.VIGIL_INFLUX_TOKEN || undefined, bucket, api, logger });
  try {
    await store.check();
  } catch (error) {
    const message = (error as Error).message;
    if (/did not answer/.test(message)) {
      logger.warn({ url, err: message }, 'InfluxDB does not answer yet; readings wait in the outbox in fleet.db until it does');
    } else if (/refused the token|unauthorized|authorization/i.test(message)) {
      await store.close();
      throw new TelemetryConfigError(`InfluxDB at ${url} refused the token: set VIGIL_INFLUX_TOKEN to a token that may read and write ${bucket} (${message})`);
    } else if (/database not found|bucket not found|not found/i.test(message)) {
      await store.close();
      throw new TelemetryConfigError(
        `InfluxDB at ${url} has no database/bucket "${bucket}" (VIGIL_INFLUX_BUCKET): create it ` +
          `(1.x: POST /query?q=CREATE DATABASE "${bucket}"; 2.x: influx bucket create -n ${bucket} and a DBRP mapping for InfluxQL reads) (${message})`,
      );
    } else {
      await store.close();
      throw new TelemetryConfigError(`InfluxDB at ${url} answered an error (check VIGIL_INFLUX_URL and VIGIL_INFLUX_API=${api}): ${message}`);
    }
  }
  logger.info({ url, bucket, api }, 'time series in InfluxDB');
  return store;
}

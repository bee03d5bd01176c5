import { HttpError, InfluxDB, Point, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from 'pino';
import type { SeriesQuery, SeriesRow, TelemetryPoint, TelemetryStore, FieldValue } from '../telemetry-store.js';
import type { PortableStoreConfig } from '../store-config.js';
import { FLEET_TAG_KEYS, sortRows } from '../series.js';
import { checkInflux } from './influx-check.js';

export type InfluxApi = 'v2' | 'v1';

/** The organisation written to when VIGIL_INFLUX_ORG is not set (the name compose.yaml initialises). */
export const DEFAULT_INFLUX_ORG = 'vigil';

export interface InfluxTelemetryStoreOptions {
  /** e.g. http://127.0.0.1:8086 (VIGIL_INFLUX_URL). */
  url: string;
  /** API token (VIGIL_INFLUX_TOKEN); InfluxDB 1.x without auth needs none. Never logged. */
  token?: string;
  /** The bucket (2.x, 3.x) or database (1.x) (VIGIL_INFLUX_BUCKET). */
  bucket: string;
  /** 'v2' writes to /api/v2/write (InfluxDB 1.8+, 2.x, 3.x); 'v1' to /write?db= (InfluxDB before 1.8). */
  api?: InfluxApi;
  /**
   * Organisation for the v2 write API (VIGIL_INFLUX_ORG): InfluxDB 2.x needs the one the bucket
   * belongs to; 1.8 and 3.x ignore it. Default "vigil".
   */
  org?: string;
  /** Lines per HTTP write (WriteApi batchSize). Default 5,000. */
  batchSize?: number;
  /** Retries of a failed batch inside the WriteApi before `write()` rejects. Default 3. */
  maxRetries?: number;
  /** Longest a `write()` may spend retrying before it rejects (the caller retries later). Default 30 s. */
  maxRetryTimeMs?: number;
  /** Where the client library's own messages go (at debug: `write()` reports failures itself). */
  logger?: Logger;
}

/** Thrown when InfluxDB refused the points themselves (4xx): sending them again cannot help. */
export class InfluxRejectedError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'InfluxRejectedError';
  }
}

interface Ticket {
  remaining: number;
  resolve: () => void;
  reject: (error: Error) => void;
  settled: boolean;
}

/**
 * Line protocol has no way to end a tag value with a backslash (InfluxDB refuses `path=E:\ `), so
 * trailing backslashes are dropped; the ingestor names drives without one (docs/DATA.md).
 */
function tagValue(value: string): string {
  return value.replace(/\\+$/, '');
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/**
 * InfluxDB through the official client's WriteApi (batching, retries), read back in InfluxQL over
 * /query, which InfluxDB 1.x, 2.x (with a DBRP mapping) and 3.x all answer. Numbers are written
 * as float fields, so a field never changes type between points.
 *
 * `write()` resolves only once InfluxDB answered 204 for every line of it, known from the
 * WriteApi's `writeSuccess` callback (its `close()` does not wait for batches already sent).
 */
export class InfluxTelemetryStore implements TelemetryStore {
  readonly kind = 'influxdb';
  private readonly writeApi: WriteApi;
  private readonly pending = new Map<string, Ticket[]>();
  private readonly maxRetries: number;
  private closed = false;

  constructor(private readonly options: InfluxTelemetryStoreOptions) {
    const url = options.url.replace(/\/+$/, '');
    this.options = { ...options, url };
    this.maxRetries = options.maxRetries ?? 3;
    // The client logs every failed attempt to the console by default; the caller of write() gets the outcome.
    const log = options.logger;
    setLogger({
      error: (message, error) => log?.debug({ err: (error as Error | undefined)?.message }, message),
      warn: (message, error) => log?.debug({ err: (error as Error | undefined)?.message }, message),
    });
    const influx = new InfluxDB({ url, token: options.token || undefined, timeout: 30_000 });
    const store = this; // the callbacks below run with the WriteApi as `this`
    this.writeApi = influx.getWriteApi(options.org ?? DEFAULT_INFLUX_ORG, options.bucket, 'ms', {
      batchSize: options.batchSize ?? 5_000,
      flushInterval: 50,
      maxRetries: this.maxRetries,
      maxRetryTime: options.maxRetryTimeMs ?? 30_000,
      minRetryDelay: 200,
      maxRetryDelay: 5_000,
      // The caller keeps every point until write() resolves, so the retry buffer needs no more than a few batches.
      maxBufferLines: 100_000,
      writeSuccess(lines) {
        store.settle(lines, undefined);
      },
      writeFailed(error, lines, attempt) {
        const final =
          error instanceof HttpError
            ? error.statusCode < 429 || attempt > store.maxRetries
            : attempt > store.maxRetries || /Max retry time/.test(error.message);
        if (final) {
          const reason =
            error instanceof HttpError && error.statusCode < 429 && error.statusCode !== 401 && error.statusCode !== 403 && error.statusCode !== 404
              ? new InfluxRejectedError(error.statusCode, `InfluxDB refused the points (${error.statusCode}): ${error.body || error.message}`)
              : new Error(`writing to InfluxDB at ${url} failed: ${describe(error)}`);
          store.settle(lines, reason);
        }
        // undefined: the WriteApi retries (or gives up, after which write() has already rejected)
      },
      writeRetrySkipped(entry) {
        store.settle(entry.lines, new Error(`InfluxDB write retries overflowed the retry buffer (${entry.lines.length} lines dropped from it)`));
      },
    });
    if ((options.api ?? 'v2') === 'v1') {
      this.writeApi.path = `/write?db=${encodeURIComponent(options.bucket)}&precision=ms`;
    }
  }

  /** Its settings without the logger, for a second instance on another thread (the outbox drain worker). */
  get settings(): Omit<InfluxTelemetryStoreOptions, 'logger'> {
    const { logger: _logger, ...settings } = this.options;
    return settings;
  }

  portableConfig(): PortableStoreConfig {
    return { kind: 'influxdb', ...this.settings };
  }

  write(points: readonly TelemetryPoint[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the InfluxDB telemetry store is closed'));
    if (points.length === 0) return Promise.resolve();
    const lines: string[] = [];
    for (const point of points) {
      const line = toLine(point);
      if (line) lines.push(line);
    }
    if (lines.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: lines.length, resolve, reject, settled: false };
      for (const line of lines) {
        const waiting = this.pending.get(line);
        if (waiting) waiting.push(ticket);
        else this.pending.set(line, [ticket]);
      }
      this.writeApi.writeRecords(lines);
      // Send now rather than after the flush interval; the outcome arrives through writeSuccess/writeFailed.
      this.writeApi.flush().catch(() => undefined);
    });
  }

  async query(query: SeriesQuery): Promise<SeriesRow[]> {
    if (this.closed) throw new Error('the InfluxDB telemetry store is closed');
    if (query.every !== undefined && !(query.every > 0)) throw new Error(`every must be a positive number of ms, not ${query.every}`);
    const conditions = [`${quoteIdentifier('recorder')} = ${quoteString(tagValue(query.recorder))}`];
    for (const [key, value] of Object.entries(query.where ?? {})) conditions.push(`${quoteIdentifier(key)} = ${quoteString(tagValue(value))}`);
    conditions.push(`time >= ${Math.floor(query.from)}ms`, `time <= ${Math.floor(query.to)}ms`);
    const field = quoteIdentifier(query.field);
    const select = query.every === undefined ? field : `${query.aggregate ?? 'last'}(${field})`;
    const groupBy = query.every === undefined ? 'GROUP BY *' : `GROUP BY time(${Math.floor(query.every)}ms), * fill(none)`;
    const q = `SELECT ${select} FROM ${quoteIdentifier(query.measurement)} WHERE ${conditions.join(' AND ')} ${groupBy}`;
    const answer = await this.influxQl(q);
    const rows: SeriesRow[] = [];
    for (const series of answer.results?.[0]?.series ?? []) {
      const tags: Record<string, string> = {};
      for (const [key, value] of Object.entries(series.tags ?? {})) {
        if (value !== '' && !(FLEET_TAG_KEYS as readonly string[]).includes(key)) tags[key] = value;
      }
      const timeColumn = series.columns.indexOf('time');
      const valueColumn = series.columns.findIndex((_, i) => i !== timeColumn);
      for (const values of series.values ?? []) {
        const value = values[valueColumn];
        if (value === null || value === undefined) continue;
        rows.push({ time: Number(values[timeColumn]), value: value as FieldValue, tags: { ...tags } });
      }
    }
    return sortRows(rows);
  }

  /**
   * Checks the configured path (stores/influx/influx-check.ts). A reader only queries; with
   * `write: true` (the ingestor) a harmless point is written and read back, which proves URL,
   * token, organisation, bucket and, on 2.x, the DBRP mapping InfluxQL reads need. Throws an
   * InfluxSetupError naming the part that failed.
   */
  async check(options: { write?: boolean; readBackWithinMs?: number } = {}): Promise<void> {
    if (this.closed) throw new Error('the InfluxDB telemetry store is closed');
    const { url, token, bucket, api, org } = this.options;
    await checkInflux(
      { url, token, bucket, api: api ?? 'v2', org: org ?? DEFAULT_INFLUX_ORG },
      { write: options.write === true, readBackWithinMs: options.readBackWithinMs },
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Lines still in flight settle through the callbacks (for at most 2 s: InfluxDB may be the
    // reason we are closing); whatever remains is rejected so no caller waits forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.writeApi.flush(true).catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
    this.writeApi.dispose();
    const orphans = [...this.pending.keys()];
    this.settle(orphans, new Error('the InfluxDB telemetry store closed before these points were written'));
  }

  private settle(lines: readonly string[], error: Error | undefined): void {
    for (const line of lines) {
      const tickets = this.pending.get(line);
      if (!tickets) continue;
      this.pending.delete(line);
      for (const ticket of tickets) {
        if (ticket.settled) continue;
        if (error) {
          ticket.settled = true;
          ticket.reject(error);
        } else if (--ticket.remaining === 0) {
          ticket.settled = true;
          ticket.resolve();
        }
      }
    }
  }

  private async influxQl(q: string): Promise<InfluxAnswer> {
    const params = new URLSearchParams({ db: this.options.bucket, q, epoch: 'ms' });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Token ${this.options.token}`;
    let response: Response;
    try {
      response = await fetch(`${this.options.url}/query`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: params,
      });
    } catch (error) {
      throw new Error(`InfluxDB at ${this.options.url} did not answer: ${describe(error as Error)}`);
    }
    const text = await response.text();
    let answer: InfluxAnswer;
    try {
      answer = JSON.parse(text) as InfluxAnswer;
    } catch {
      throw new Error(`InfluxDB at ${this.options.url} answered ${response.status} without JSON: ${text.slice(0, 200)}`);
    }
    if (response.status === 401 || response.status === 403)
      throw new Error(`InfluxDB at ${this.options.url} refused the token (${response.status}): ${answer.error ?? text.slice(0, 200)}`);
    const error = answer.error ?? answer.results?.[0]?.error;
    if (error) throw new Error(`InfluxQL query failed: ${error}`);
    return answer;
  }
}

interface InfluxAnswer {
  error?: string;
  results?: Array<{ error?: string; series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values?: unknown[][] }> }>;
}

function describe(error: Error): string {
  // The status tells an operator more than the body alone ("service unavailable").
  if (error instanceof HttpError) return `${error.statusCode} ${error.json?.message ?? (error.body || error.message)}`.slice(0, 300);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/** One point as line protocol, tags sorted; empty tags are left out (line protocol has no empty tag value). */
function toLine(point: TelemetryPoint): string | undefined {
  const p = new Point(point.measurement);
  for (const [key, value] of Object.entries(point.tags)) {
    const v = tagValue(value);
    if (v !== '') p.tag(key, v);
  }
  for (const [key, value] of Object.entries(point.fields)) {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) p.floatField(key, value);
    } else if (typeof value === 'boolean') p.booleanField(key, value);
    else p.stringField(key, value);
  }
  p.timestamp(Math.round(point.time));
  return p.toLineProtocol({ convertTime: (time) => (typeof time === 'number' ? String(Math.floor(time)) : undefined) } as Parameters<
    Point['toLineProtocol']
  >[0]);
}

import { randomUUID } from 'node:crypto';

/** What made the start-up check fail; each names the one setting to change (stores/from-env.ts words the message). */
export type InfluxSetupProblem =
  /** Nothing answered at the URL (refused, no such host, timeout). */
  | 'unreachable'
  /** 401/403: the token is wrong, or may not write or read the bucket. */
  | 'token'
  /** InfluxDB 2.x knows no organisation of that name. */
  | 'org'
  /** No bucket (2.x/3.x) or database (1.x) of that name. */
  | 'bucket'
  /** 2.x: InfluxQL reads of the bucket's name find no database/retention-policy mapping. */
  | 'dbrp'
  /** The InfluxQL read of the database does not see the point just written: the DBRP mapping names another bucket. */
  | 'read-back'
  /** The write endpoint is missing: an InfluxDB before 1.8 spoken to with VIGIL_INFLUX_API=v2. */
  | 'api'
  | 'other';

export class InfluxSetupError extends Error {
  constructor(
    readonly problem: InfluxSetupProblem,
    message: string,
  ) {
    super(message);
    this.name = 'InfluxSetupError';
  }
}

export interface InfluxCheckTarget {
  url: string;
  token?: string;
  bucket: string;
  api: 'v1' | 'v2';
  org: string;
}

/** The measurement of the check's point (docs/DATA.md): one point per ingestor start, a random nonce, no tags. */
export const CHECK_MEASUREMENT = 'vigil_check';

/**
 * Proves the configured path end to end: writes one harmless point with a random nonce the way
 * the ingestor writes (v2: /api/v2/write with org and bucket; v1: /write?db=), then reads it back
 * in InfluxQL over /query the way the dashboard reads (which on 2.x needs the DBRP mapping).
 * A reader (`write: false`) only runs a query. Throws an InfluxSetupError saying which part failed;
 * the token is never part of a message.
 */
export async function checkInflux(target: InfluxCheckTarget, options: { write: boolean; readBackWithinMs?: number }): Promise<void> {
  const headers: Record<string, string> = {};
  if (target.token) headers.authorization = `Token ${target.token}`;
  if (!options.write) {
    // A SELECT (unlike SHOW MEASUREMENTS in 1.x) fails with "database not found" for a missing database.
    await influxQl(target, headers, `SELECT * FROM "heartbeat" WHERE time > now() - 1m LIMIT 1`);
    return;
  }
  const nonce = randomUUID();
  const time = Date.now();
  const path =
    target.api === 'v2'
      ? `/api/v2/write?${new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ms' })}`
      : `/write?${new URLSearchParams({ db: target.bucket, precision: 'ms' })}`;
  const response = await call(target, `${target.url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
    body: `${CHECK_MEASUREMENT} nonce="${nonce}" ${time}`,
  });
  if (response.status !== 204 && response.status !== 200) {
    const said = await errorText(response);
    const where = `writing to ${target.api === 'v2' ? `bucket "${target.bucket}" of organisation "${target.org}"` : `database "${target.bucket}"`}`;
    if (response.status === 401 || response.status === 403) throw new InfluxSetupError('token', `${where}: ${response.status} ${said}`);
    if (/organi[sz]ation|\borg(ID)?\b/i.test(said) && response.status < 500) throw new InfluxSetupError('org', `${where}: ${response.status} ${said}`);
    if (/bucket|database not found/i.test(said) && response.status === 404) throw new InfluxSetupError('bucket', `${where}: ${response.status} ${said}`);
    if (response.status === 404 || response.status === 405) throw new InfluxSetupError('api', `${where}: ${response.status} ${said}`);
    throw new InfluxSetupError('other', `${where}: ${response.status} ${said}`);
  }
  // Written durably (204). Reading it back proves the read path, and on 2.x that the DBRP mapping
  // leads to this very bucket. A store with eventual reads (3.x) gets a few tries.
  const deadline = Date.now() + (options.readBackWithinMs ?? 5_000);
  for (;;) {
    const answer = await influxQl(target, headers, `SELECT "nonce" FROM "${CHECK_MEASUREMENT}" WHERE time >= ${time}ms AND time <= ${time}ms`);
    const values = answer.results?.[0]?.series?.flatMap((series) => series.values ?? []) ?? [];
    if (values.some((row) => row.includes(nonce))) return;
    if (Date.now() > deadline) {
      throw new InfluxSetupError(
        'read-back',
        `a point written to ${target.api === 'v2' ? `bucket "${target.bucket}"` : `database "${target.bucket}"`} was not found by an InfluxQL read of database "${target.bucket}" within ${Math.round((options.readBackWithinMs ?? 5_000) / 1000)} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface InfluxQlAnswer {
  error?: string;
  results?: Array<{ error?: string; series?: Array<{ values?: unknown[][] }> }>;
}

async function influxQl(target: InfluxCheckTarget, headers: Record<string, string>, q: string): Promise<InfluxQlAnswer> {
  const response = await call(target, `${target.url}/query`, {
    method: 'POST',
    headers: { ...headers, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ db: target.bucket, q, epoch: 'ms' }),
  });
  const text = await response.text();
  let answer: InfluxQlAnswer & { message?: string };
  try {
    answer = JSON.parse(text) as InfluxQlAnswer & { message?: string };
  } catch {
    answer = {};
  }
  const said = answer.error ?? answer.results?.[0]?.error ?? answer.message ?? text.slice(0, 200);
  const where = `reading database "${target.bucket}" in InfluxQL (/query)`;
  if (response.status === 401 || response.status === 403) throw new InfluxSetupError('token', `${where}: ${response.status} ${said}`);
  if (/database not found|retention policy not found|no dbrp|dbrp mapping/i.test(said)) {
    throw new InfluxSetupError(target.api === 'v2' ? 'dbrp' : 'bucket', `${where}: ${said}`);
  }
  if (response.status !== 200) throw new InfluxSetupError('other', `${where}: ${response.status} ${said}`);
  if (answer.error ?? answer.results?.[0]?.error) throw new InfluxSetupError('other', `${where}: ${said}`);
  return answer;
}

async function call(target: InfluxCheckTarget, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new InfluxSetupError('unreachable', `InfluxDB at ${target.url} did not answer: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}

/** InfluxDB 2.x answers errors as {code, message}, 1.x as {error}; anything else as text. */
async function errorText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string; error?: string; code?: string };
    return body.message ?? body.error ?? text.slice(0, 200);
  } catch {
    return text.trim().slice(0, 200);
  }
}

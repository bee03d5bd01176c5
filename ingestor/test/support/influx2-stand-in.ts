/**
 * A STAND-IN for an InfluxDB 2.x server, not InfluxDB itself: no InfluxDB 2 runs here (Debian
 * ships influxd 1.6.7, which has neither /api/v2/write nor organisations, buckets, tokens or DBRP
 * mappings), so the 2.x path is tested against this HTTP server, which answers the way InfluxDB 2's
 * documented API does for what Vigil sends:
 *
 * - `GET /health` (200, `status: pass`), `GET /ping` (204);
 * - `POST /api/v2/write?org=&bucket=&precision=` with `Authorization: Token ...`: 204; 401
 *   `{code: unauthorized}` for an unknown token; 403 for a token without write permission; 400 when
 *   no org is given; 404 `{code: "not found", message: 'organization name "x" not found'}` /
 *   `'bucket "x" not found'`; 503 `{code: unavailable}` while `unavailable` is set;
 * - `POST /query` (the 1.x compatibility endpoint, InfluxQL, `db` mapped to a bucket by a DBRP
 *   mapping of the token's organisation): 401 for an unknown token, 403 without read permission,
 *   200 with `results[0].error` "retention policy not found" (influxdb v1/coordinator/shard_mapper.go)
 *   when no mapping exists; the SELECTs the store sends (one field, tag equality, a time range,
 *   `GROUP BY *`) are answered from the points written; others get an empty result;
 *
 * Not here, because Vigil sends none of them: Flux (`/api/v2/query`), and the orgs, buckets and
 * DBRP listing APIs (the write's 404 body already says whether the organisation or the bucket is
 * unknown, and the read-back proves the mapping).
 *
 * Line protocol is parsed with its escapes, so the store's own lines round-trip.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInPoint {
  org: string;
  bucket: string;
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  /** ms since the epoch (precision=ms is all Vigil writes). */
  time: number;
}

export interface StandInSetup {
  orgs: string[];
  /** Bucket name to its organisation. */
  buckets: Array<{ name: string; org: string }>;
  /** Token to its organisation and what it may do. */
  tokens: Record<string, { org: string; read: boolean; write: boolean }>;
  /** InfluxQL database name to the bucket it reads, per organisation (the default retention policy). */
  dbrps: Array<{ db: string; bucket: string; org: string }>;
}

export interface Influx2StandIn {
  url: string;
  setup: StandInSetup;
  points: StandInPoint[];
  /** Every write request: its org and bucket parameters and status. */
  writes: Array<{ org: string | null; bucket: string | null; status: number }>;
  /** While true, writes answer 503 as an overloaded or starting InfluxDB does. */
  unavailable: boolean;
  close(): Promise<void>;
}

export async function startInflux2StandIn(setup: StandInSetup): Promise<Influx2StandIn> {
  const points: StandInPoint[] = [];
  const writes: Influx2StandIn['writes'] = [];
  const state = { unavailable: false };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks).toString('utf8'), res);
      } catch (error) {
        json(res, 500, { code: 'internal error', message: (error as Error).message });
      }
    });
  });

  const tokenOf = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    const match = /^Token (.+)$/.exec(header);
    return match ? setup.tokens[match[1]!] : undefined;
  };

  function handle(req: IncomingMessage, body: string, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method === 'GET' && url.pathname === '/health') {
      return json(res, 200, { name: 'influxdb', message: 'ready for queries and writes', status: 'pass', checks: [], version: 'v2.7-stand-in' });
    }
    if (url.pathname === '/ping') {
      res.writeHead(204, { 'x-influxdb-version': 'v2.7-stand-in' });
      return void res.end();
    }
    const token = tokenOf(req);
    if (url.pathname === '/api/v2/write' && req.method === 'POST') {
      const org = url.searchParams.get('org');
      const bucket = url.searchParams.get('bucket');
      const answer = (status: number, payload?: object) => {
        writes.push({ org, bucket, status });
        if (payload) json(res, status, payload);
        else {
          res.writeHead(status);
          res.end();
        }
      };
      if (state.unavailable) return answer(503, { code: 'unavailable', message: 'service unavailable' });
      if (!token) return answer(401, { code: 'unauthorized', message: 'unauthorized access' });
      if (!org) return answer(400, { code: 'invalid', message: 'Please provide either orgID or org' });
      if (!setup.orgs.includes(org)) return answer(404, { code: 'not found', message: `organization name "${org}" not found` });
      if (!bucket || !setup.buckets.some((b) => b.name === bucket && b.org === org)) {
        return answer(404, { code: 'not found', message: `bucket "${bucket ?? ''}" not found` });
      }
      if (token.org !== org || !token.write) return answer(403, { code: 'forbidden', message: 'insufficient permissions for write' });
      let parsed: Array<Omit<StandInPoint, 'org' | 'bucket'>>;
      try {
        parsed = body
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map(parseLine);
      } catch (error) {
        return answer(400, { code: 'invalid', message: `unable to parse: ${(error as Error).message}` });
      }
      for (const point of parsed) {
        // Same series and time: the last write wins, as in InfluxDB.
        const same = points.findIndex(
          (p) => p.org === org && p.bucket === bucket && p.measurement === point.measurement && p.time === point.time && sameTags(p.tags, point.tags),
        );
        const stored = { org, bucket, ...point };
        if (same >= 0) points[same] = { ...stored, fields: { ...points[same]!.fields, ...point.fields } };
        else points.push(stored);
      }
      return answer(204);
    }
    if (url.pathname === '/query') {
      const params = new URLSearchParams(url.search);
      if (req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
      }
      if (!token) return json(res, 401, { code: 'unauthorized', message: 'unauthorized access' });
      if (!token.read) return json(res, 403, { code: 'forbidden', message: 'insufficient permissions' });
      const db = params.get('db') ?? '';
      const mapping = setup.dbrps.find((m) => m.db === db && m.org === token.org);
      if (!mapping) return json(res, 200, { results: [{ statement_id: 0, error: 'retention policy not found: ' }] });
      return json(res, 200, { results: [{ statement_id: 0, ...select(params.get('q') ?? '', token.org, mapping.bucket) }] });
    }
    json(res, 404, { code: 'not found', message: 'path not found' });
  }

  /** The SELECTs InfluxTelemetryStore and the start-up check send; anything else: an empty result. */
  function select(q: string, org: string, bucket: string): object {
    const match = /^SELECT "((?:[^"\\]|\\.)+)" FROM "((?:[^"\\]|\\.)+)" WHERE (.+?)(?: GROUP BY \*)?$/.exec(q.trim());
    if (!match) return {};
    const [, field, measurement, where] = match as unknown as [string, string, string, string];
    let from = -Infinity;
    let to = Infinity;
    const tags: Record<string, string> = {};
    for (const condition of where.split(' AND ')) {
      const time = /^time (>=|<=) (-?\d+)ms$/.exec(condition);
      if (time) {
        if (time[1] === '>=') from = Number(time[2]);
        else to = Number(time[2]);
        continue;
      }
      const tag = /^"((?:[^"\\]|\\.)+)" = '((?:[^'\\]|\\.)*)'$/.exec(condition);
      if (!tag) return {};
      tags[unescapeText(tag[1]!)] = unescapeText(tag[2]!);
    }
    const rows = points
      .filter(
        (p) =>
          p.org === org &&
          p.bucket === bucket &&
          p.measurement === unescapeText(measurement) &&
          p.time >= from &&
          p.time <= to &&
          unescapeText(field) in p.fields &&
          Object.entries(tags).every(([k, v]) => p.tags[k] === v),
      )
      .sort((a, b) => a.time - b.time);
    if (rows.length === 0) return {};
    const bySeries = new Map<string, StandInPoint[]>();
    for (const row of rows) {
      const key = JSON.stringify(Object.entries(row.tags).sort());
      bySeries.set(key, [...(bySeries.get(key) ?? []), row]);
    }
    return {
      series: [...bySeries.values()].map((series) => ({
        name: unescapeText(measurement),
        tags: series[0]!.tags,
        columns: ['time', unescapeText(field)],
        values: series.map((p) => [p.time, p.fields[unescapeText(field)]]),
      })),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setup,
    points,
    writes,
    get unavailable() {
      return state.unavailable;
    },
    set unavailable(value: boolean) {
      state.unavailable = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const unescapeText = (text: string) => text.replace(/\\(.)/g, '$1');

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** One line of line protocol: measurement[,tag=value...] field=value[,...] [time], with its escapes. */
function parseLine(line: string): Omit<StandInPoint, 'org' | 'bucket'> {
  let i = 0;
  const readUntil = (stops: string): string => {
    let out = '';
    while (i < line.length && !stops.includes(line[i]!)) {
      if (line[i] === '\\' && i + 1 < line.length) {
        out += line[i + 1];
        i += 2;
      } else out += line[i++];
    }
    return out;
  };
  const measurement = readUntil(', ');
  if (!measurement) throw new Error(`no measurement in "${line}"`);
  const tags: Record<string, string> = {};
  while (line[i] === ',') {
    i++;
    const key = readUntil('=');
    i++;
    tags[key] = readUntil(', ');
  }
  if (line[i] !== ' ') throw new Error(`no fields in "${line}"`);
  i++;
  const fields: Record<string, number | string | boolean> = {};
  for (;;) {
    const key = readUntil('=');
    i++;
    if (line[i] === '"') {
      i++;
      let value = '';
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          value += line[i + 1];
          i += 2;
        } else value += line[i++];
      }
      i++;
      fields[key] = value;
    } else {
      const raw = readUntil(', ');
      if (/^(t|true|T|True|TRUE)$/.test(raw)) fields[key] = true;
      else if (/^(f|false|F|False|FALSE)$/.test(raw)) fields[key] = false;
      else if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?i?$/.test(raw)) fields[key] = Number(raw.replace(/i$/, ''));
      else throw new Error(`bad field value ${raw} in "${line}"`);
    }
    if (line[i] === ',') {
      i++;
      continue;
    }
    break;
  }
  const rest = line.slice(i).trim();
  const time = rest === '' ? Date.now() : Number(rest);
  if (!Number.isFinite(time)) throw new Error(`bad timestamp in "${line}"`);
  return { measurement, tags, fields, time };
}

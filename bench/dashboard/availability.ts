// GET /api/availability/list for a 10,000-recorder fleet over 30 days, through fastify's inject
// and over real HTTP on 127.0.0.1, as NOC (all of it) and as a reseller (its ~20 %), for each
// grouping. fleet.db is written with the ingestor's own FleetDb (setState logs each state change
// as the ingestor does): 400 installations, 2,000 sites, 30 days of history in which most
// recorders have a few outages (offline or unavailable, a minute to a few hours), some a planned
// stop, some degraded spells, 2 % flap (hundreds of short outages), and 3 % joined mid-window.
// Peers, side by side: the existing per-target GET /api/availability asked once per recorder
// (what the page would have to do without the list), and a naive SQL aggregate (LEAD() over
// every recorder's state changes, summed in SQL).
// Target (issue 15): p95 < 200 ms for 10,000 recorders over 30 days.
// Run: npm run bench -- dashboard/availability     (a few minutes)
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildDashboard } from '@vigil/dashboard';
import { FleetDb, type RecorderStateName } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { rng } from '../support/random.js';

const RECORDERS = Number(process.env.BENCH_RECORDERS ?? 10_000);
const INSTALLATIONS = 400;
const SITES_PER_INSTALLATION = 5;
const DAYS = 30;
const WARMUP = 10;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const PEER_ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 3);
const PASSWORD = 'bench password long enough';
const DAY = 86_400_000;
const MINUTE = 60_000;

/** One recorder's timeline over the window: [since, state] ascending, starting online. */
function timeline(random: () => number, windowStart: number, now: number): Array<[number, RecorderStateName]> {
  const born = random() < 0.03 ? windowStart + Math.floor(random() * DAYS * DAY) : windowStart - Math.floor(random() * 300 * DAY) - DAY;
  const spells: Array<[number, number, RecorderStateName]> = [];
  const span = now - Math.max(born, windowStart);
  const at = () => Math.max(born, windowStart) + Math.floor(random() * span);
  if (random() < 0.02) {
    // flapping: a bad link, for a few days, minutes up and down
    let t = at();
    const until = Math.min(now, t + (1 + Math.floor(random() * 4)) * DAY);
    while (t < until) {
      const down = MINUTE + Math.floor(random() * 5 * MINUTE);
      spells.push([t, t + down, 'offline']);
      t += down + MINUTE + Math.floor(random() * 20 * MINUTE);
    }
  }
  const outages = Math.floor(random() * 5); // 0..4, two on average
  for (let i = 0; i < outages; i++) {
    const start = at();
    spells.push([start, start + MINUTE + Math.floor(random() * 4 * 60 * MINUTE), random() < 0.6 ? 'offline' : 'unavailable']);
  }
  if (random() < 0.15) {
    const start = at();
    spells.push([start, start + 30 * MINUTE + Math.floor(random() * 150 * MINUTE), 'stopped']);
  }
  if (random() < 0.1) {
    const start = at();
    spells.push([start, start + 10 * MINUTE + Math.floor(random() * 2 * DAY), 'degraded']);
  }
  spells.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, RecorderStateName]> = [[born, 'online']];
  let free = born;
  for (const [start, end, state] of spells) {
    if (start <= free) continue; // overlapping spells: keep the earlier one
    out.push([start, state]);
    if (end >= now) return out; // still in it
    out.push([end, 'online']);
    free = end;
  }
  return out;
}

function seed(path: string, now: number): { resellerSlcs: string[]; changes: number } {
  const random = rng(15);
  const fleet = new FleetDb(path);
  const slc = (i: number) => `M01-BENCH-${String(i).padStart(4, '0')}`;
  let changes = 0;
  fleet.transaction(() => {
    for (let n = 0; n < RECORDERS; n++) {
      const inst = n % INSTALLATIONS;
      const site = Math.floor(n / INSTALLATIONS) % SITES_PER_INSTALLATION;
      const id = `rec-${String(n).padStart(5, '0')}`;
      fleet.recordBirth({
        id,
        name: `Recorder ${n} (${['gate', 'lobby', 'parking', 'warehouse', 'platform'][n % 5]})`,
        installationSlc: slc(inst),
        installationName: `Customer ${inst}`,
        siteId: `site-${inst}-${site}`,
        siteName: `Customer ${inst} site ${site}`,
        latitude: 48 + random() * 10,
        longitude: 5 + random() * 15,
        failoverPartner: '',
        agentVersion: '1.4.2',
        vmsProduct: 'XProtect',
        vmsVersion: '2024 R2',
        hostname: `${id}.customer${inst}.local`,
        cameraCount: 16 + Math.floor(random() * 80),
        licensedCameras: 100,
        heartbeatSeconds: 30,
        bdSeq: 1,
      });
      for (const [since, state] of timeline(random, now - DAYS * DAY, now)) {
        fleet.setState(id, state, since);
        changes++;
      }
      fleet.touch(id, now - Math.floor(random() * 30_000), 1);
    }
  });
  fleet.close();
  // The reseller holds every fifth installation: 80 of 400, about 2,000 recorders.
  return { resellerSlcs: Array.from({ length: INSTALLATIONS / 5 }, (_, i) => slc(i * 5)), changes };
}

const http = new Agent({ keepAlive: true, maxSockets: 1 });

function get(port: number, path: string, cookie: string): Promise<{ ms: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent: http, headers: { cookie } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const stats = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1)! };
};

// BENCH_SEED_ONLY=<path>: only write the fleet.db, to look at query plans by hand.
if (process.env.BENCH_SEED_ONLY) {
  console.log(seed(process.env.BENCH_SEED_ONLY, Date.now()));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-availability-'));
try {
  const now = Date.now();
  const from = now - DAYS * DAY;
  const fleetDbPath = join(dir, 'fleet.db');
  const started = Date.now();
  const { resellerSlcs, changes } = seed(fleetDbPath, now);
  console.log(
    `fleet.db with ${RECORDERS.toLocaleString('en')} recorders and ${changes.toLocaleString('en')} state changes written in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const pki = new FleetPki(join(dir, 'pki'));
  await pki.init();
  const dashboard = await buildDashboard({
    dashboardDbPath: join(dir, 'dashboard.db'),
    fleetDbPath,
    brokerUrl: 'mqtts://127.0.0.1:9', // no broker: the live relay is not what is measured
    tls: pki.service('dashboard'),
    logger: pino({ level: 'silent' }),
    map: { tilesUrl: null, attribution: '' },
  });
  const { store, app } = dashboard;
  await store.createUser('noc', 'noc', PASSWORD);
  const reseller = await store.createUser('reseller', 'reseller', PASSWORD);
  for (const slc of resellerSlcs) store.grantInstallation(slc, reseller, 'admin');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const login = async (username: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  };
  const cookies = { noc: await login('noc'), reseller: await login('reseller') };

  type Row = { via: string; who: string; by: string; rows: number; bytes: number; p50: number; p95: number; p99: number; max: number };
  const results: Row[] = [];
  for (const who of ['noc', 'reseller'] as const) {
    for (const by of ['recorder', 'site', 'installation', 'reseller']) {
      const url = `/api/availability/list?by=${by}&from=${from}&to=${now}`;
      const inject = async () => {
        const t = process.hrtime.bigint();
        const res = await app.inject({ method: 'GET', url, headers: { cookie: cookies[who] } });
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
        return { ms, bytes: res.rawPayload.length, body: res };
      };
      for (let i = 0; i < WARMUP; i++) await inject();
      const injected: number[] = [];
      let last = { bytes: 0, rows: 0 };
      for (let i = 0; i < REQUESTS; i++) {
        const r = await inject();
        injected.push(r.ms);
        // Parsed once, after the last: parsing 3 MB per request would only measure this loop's garbage.
        if (i === REQUESTS - 1) last = { bytes: r.bytes, rows: r.body.json<{ rows: unknown[] }>().rows.length };
      }
      results.push({ via: 'inject', who, by, ...last, ...stats(injected) });
      for (let i = 0; i < WARMUP; i++) await get(port, url, cookies[who]);
      const overHttp: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const r = await get(port, url, cookies[who]);
        if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
        overHttp.push(r.ms);
        bytes = r.bytes;
      }
      results.push({ via: 'HTTP', who, by, rows: last.rows, bytes, ...stats(overHttp) });
    }
  }

  // Peer 1: the per-target GET /api/availability, once per recorder, as NOC (inject: no sockets).
  const ids = (store.reader.prepare('SELECT id FROM fleet.read_v1_recorders ORDER BY id').pluck().all() as string[]).slice();
  const perTarget: number[] = [];
  type Figures = { upMs: number; downMs: number; plannedMs: number };
  const listed = new Map(
    (await app.inject({ method: 'GET', url: `/api/availability/list?by=recorder&from=${from}&to=${now}`, headers: { cookie: cookies.noc } }))
      .json<{ rows: Array<Figures & { id: string }> }>()
      .rows.map((r) => [r.id, r]),
  );
  let mismatches = 0;
  for (let round = 0; round < PEER_ROUNDS; round++) {
    const t = process.hrtime.bigint();
    for (const id of ids) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/availability?scope=recorder&id=${id}&from=${from}&to=${now}`,
        headers: { cookie: cookies.noc },
      });
      if (res.statusCode !== 200) throw new Error(`per-target answered ${res.statusCode}`);
      if (round === 0) {
        const one = res.json<Figures>();
        const row = listed.get(id);
        if (!row || row.upMs !== one.upMs || row.downMs !== one.downMs || row.plannedMs !== one.plannedMs) mismatches++;
      }
    }
    perTarget.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`check: the list and the per-target API disagree for ${mismatches} of ${ids.length} recorders`);
  // Peer 2: a naive SQL aggregate over every recorder's state changes (LEAD() for each period's end).
  const naive = store.reader.prepare(`
    WITH periods AS (
      SELECT recorder_id, state, MAX(since, @from) AS start,
        MIN(COALESCE(LEAD(since) OVER (PARTITION BY recorder_id ORDER BY since), @to), @to) AS stop
      FROM fleet.read_v1_state_changes WHERE since <= @to)
    SELECT recorder_id,
      SUM(CASE WHEN state IN ('online', 'degraded') THEN MAX(stop - start, 0) ELSE 0 END) AS up,
      SUM(CASE WHEN state IN ('unavailable', 'offline') THEN MAX(stop - start, 0) ELSE 0 END) AS down,
      SUM(CASE WHEN state IN ('unavailable', 'offline') AND stop > start THEN 1 ELSE 0 END) AS outages
    FROM periods GROUP BY recorder_id`);
  const naiveTimes: number[] = [];
  for (let round = 0; round < Math.max(PEER_ROUNDS, 10); round++) {
    const t = process.hrtime.bigint();
    naive.all({ from, to: now });
    naiveTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await app.close();

  console.log(`\nGET /api/availability/list, ${DAYS} days, ${WARMUP} warm-up + ${REQUESTS} measured requests each, one at a time`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.log('| via | caller | by | rows | response | p50 | p95 | p99 | max | p95 < 200 ms? |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results)
    console.log(
      `| ${r.via} | ${r.who} | ${r.by} | ${r.rows.toLocaleString('en')} | ${(r.bytes / 1e6).toFixed(2)} MB | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${r.p95 < 200 ? 'yes' : 'NO'} |`,
    );
  const list = results.find((r) => r.via === 'inject' && r.who === 'noc' && r.by === 'recorder')!;
  const peer = stats(perTarget).p50;
  const naiveP50 = stats(naiveTimes).p50;
  console.log(`\nPeers, NOC, all ${ids.length.toLocaleString('en')} recorders over ${DAYS} days (median of ${PEER_ROUNDS} and ${naiveTimes.length} rounds):`);
  console.log('| way | time | against the list (inject p50) |');
  console.log('|---|---|---|');
  console.log(`| GET /api/availability/list?by=recorder (inject, p50) | ${list.p50.toFixed(1)} ms | 1 |`);
  console.log(`| GET /api/availability once per recorder (inject) | ${peer.toFixed(0)} ms | ${(peer / list.p50).toFixed(1)} x |`);
  console.log(`| naive SQL aggregate (LEAD over all state changes), no JSON | ${naiveP50.toFixed(1)} ms | ${(naiveP50 / list.p50).toFixed(2)} x |`);
} finally {
  http.destroy();
  rmSync(dir, { recursive: true, force: true });
}

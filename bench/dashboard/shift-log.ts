// GET /api/shift-log over the last 24 h for a 10,000-recorder fleet, over real HTTP on 127.0.0.1,
// as NOC (all of it) and as a reseller (its ~20 %). fleet.db is written with the ingestor's own
// FleetDb and holds 30 days of history: every recorder's state changes (an outage every few days,
// so ~1 in 6 recorders had one in the last 24 h), conditions raised and cleared (about 2 per recorder
// over the 30 days), active conditions and events, sites lost as a whole, and NOC's
// acknowledgements. What is measured: one query per source over the period, the merge, the
// newest 200 entries (the page's first screen) and the group counts.
// Run: npm run bench -- dashboard/shift-log     (about a minute)
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { buildDashboard } from '@vigil/dashboard';
import { FleetDb } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { rng } from '../support/random.js';

const RECORDERS = Number(process.env.BENCH_RECORDERS ?? 10_000);
const INSTALLATIONS = 400;
const SITES_PER_INSTALLATION = 5;
const DAYS = 30;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const PASSWORD = 'bench password long enough';
const DAY = 86_400_000;

function seed(path: string, now: number): { resellerSlcs: string[]; acknowledgements: Array<{ id: string; code: string; subject: string; since: number }> } {
  const random = rng(7);
  const fleet = new FleetDb(path);
  const slc = (i: number) => `M01-BENCH-${String(i).padStart(4, '0')}`;
  const acknowledgements: Array<{ id: string; code: string; subject: string; since: number }> = [];
  fleet.transaction(() => {
    for (let n = 0; n < RECORDERS; n++) {
      const inst = n % INSTALLATIONS;
      const site = Math.floor(n / INSTALLATIONS) % SITES_PER_INSTALLATION;
      const id = `rec-${String(n).padStart(5, '0')}`;
      fleet.recordBirth({
        id,
        name: `Recorder ${n}`,
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
        hostname: `${id}.local`,
        cameraCount: 32,
        licensedCameras: 40,
        heartbeatSeconds: 30,
        bdSeq: 1,
      });
      fleet.setState(id, 'online', now - DAYS * DAY);
      // an outage every ~6 days: unavailable, sometimes offline after, or a planned stop
      for (let t = now - DAYS * DAY + random() * 6 * DAY; t < now - 3_600_000; t += random() * 12 * DAY) {
        const down = random() < 0.1 ? 'stopped' : 'unavailable';
        fleet.setState(id, down, Math.floor(t));
        if (down === 'unavailable' && random() < 0.5) fleet.setState(id, 'offline', Math.floor(t + 60_000));
        fleet.setState(id, 'online', Math.floor(t + 60_000 + random() * 3_600_000));
      }
      if (random() < 0.01) fleet.setState(id, 'unavailable', now - Math.floor(random() * 3_600_000));
      // cleared problems over the 30 days, and an active one on some
      for (let t = now - DAYS * DAY + random() * 15 * DAY; t < now - 3_600_000; t += random() * 30 * DAY) {
        const subject = `cam-${Math.floor(random() * 64)}`;
        const start = Math.floor(t);
        fleet.applyCondition({
          recorderId: id,
          code: 'camera-unreachable',
          subject,
          active: true,
          at: start,
          severity: 'warning',
          message: 'camera unreachable',
        });
        fleet.applyCondition({ recorderId: id, code: 'camera-unreachable', subject, active: false, at: start + 600_000, severity: 'warning', message: '' });
      }
      if (random() < 0.06) {
        const since = now - Math.floor(random() * 3 * DAY);
        fleet.applyCondition({
          recorderId: id,
          code: 'drive-full',
          subject: 'E:',
          active: true,
          at: since,
          severity: 'critical',
          message: 'drive E: is 98 % full',
        });
        if (acknowledgements.length < 300) acknowledgements.push({ id, code: 'drive-full', subject: 'E:', since });
      }
      if (random() < 0.05) {
        const lastSeen = now - Math.floor(random() * DAY);
        fleet.recordEvent({
          recorderId: id,
          code: 'archive-operation-failed',
          subject: `archive-${n % 13}`,
          severity: 'error',
          message: 'archive operation failed',
          firstSeen: lastSeen - 3_600_000,
          lastSeen,
          count: 3,
        });
      }
    }
    for (let i = 0; i < 5; i++) fleet.markSiteUnreachable(slc(i * 7), `site-${i * 7}-1`, now - 600_000);
  });
  fleet.close();
  return { resellerSlcs: Array.from({ length: INSTALLATIONS / 5 }, (_, i) => slc(i * 5)), acknowledgements };
}

const http = new Agent({ keepAlive: true, maxSockets: 1 });

function get(port: number, path: string, cookie: string): Promise<{ ms: number; body: string; status: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, agent: http, headers: { cookie } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, body, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-shift-log-'));
try {
  const now = Date.now();
  const fleetDbPath = join(dir, 'fleet.db');
  const started = Date.now();
  const { resellerSlcs, acknowledgements } = seed(fleetDbPath, now);
  console.log(
    `fleet.db with ${RECORDERS.toLocaleString('en')} recorders and ${DAYS} days of history written in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const pki = new FleetPki(join(dir, 'pki'));
  await pki.init();
  const { store, app } = await buildDashboard({
    dashboardDbPath: join(dir, 'dashboard.db'),
    fleetDbPath,
    brokerUrl: 'mqtts://127.0.0.1:9',
    tls: pki.service('dashboard'),
    logger: pino({ level: 'silent' }),
    map: { tilesUrl: null, attribution: '' },
  });
  const noc = await store.createUser('noc', 'noc', PASSWORD);
  const reseller = await store.createUser('reseller', 'reseller', PASSWORD);
  for (const slc of resellerSlcs) store.grantInstallation(slc, reseller, 'admin');
  for (const ack of acknowledgements) store.acknowledge(noc, ack.id, { ...ack, comment: 'on it' });
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
  console.log(`\nGET /api/shift-log?from=<24 h ago> over HTTP (keep-alive, one at a time), ${WARMUP} warm-up + ${REQUESTS} measured requests each`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.log('| caller | limit | entries in 24 h | shown | response | p50 | p95 | max |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const who of ['noc', 'reseller'] as const) {
    const cookie = await login(who);
    for (const limit of [200, 2_000]) {
      const path = `/api/shift-log?from=${now - DAY}&limit=${limit}`;
      for (let i = 0; i < WARMUP; i++) await get(port, path, cookie);
      const times: number[] = [];
      let last = { body: '', status: 0 };
      for (let i = 0; i < REQUESTS; i++) {
        const r = await get(port, path, cookie);
        if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.body.slice(0, 200)}`);
        times.push(r.ms);
        last = r;
      }
      times.sort((a, b) => a - b);
      const view = JSON.parse(last.body) as { total: number; entries: unknown[] };
      console.log(
        `| ${who} | ${limit} | ${view.total.toLocaleString('en')} | ${view.entries.length} | ${(last.body.length / 1e3).toFixed(0)} kB | ${percentile(times, 50).toFixed(1)} ms | ${percentile(times, 95).toFixed(1)} ms | ${times.at(-1)!.toFixed(1)} ms |`,
      );
    }
  }
  await app.close();
} finally {
  http.destroy();
  if (process.env.BENCH_KEEP_DIR) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

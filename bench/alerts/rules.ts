// Alert rule evaluation at fleet scale (issue 14, "Scale"): 200 rules, and changes fed at the rate
// of the ingest benchmark (docs/BENCHMARKS.md "End-to-end throughput", ~3,500 messages/s).
// Run: npm run bench -- alerts/rules        (about 5 minutes)
//
// Phase A, the engine: fleet.db written with the ingestor's own FleetDb (10,000 recorders over 500
// installations and 2,000 sites, failover pairs, drives, licences, a few unreachable sites; and the
// same at 1,000 recorders to show the cost is flat), then changes written into it as the ingestor
// writes them (state flips, conditions raised and cleared, error events, drive readings crossing
// 90 and 95 %, site outages) in one transaction per 5 ms (the ingestor's group commit), each
// followed by the engine's touch method as the ingestor's outlets call it. The engine, notifier
// and 1 s tick are wired as startAlerting wires them, with two measuring subclasses: FleetFacts
// (per-change time: from reading one target's facts to reading the next's) and AlertsDb (touch ->
// evaluated: from the touch to the COMMIT of the alerts.db transaction that judged it).
// Phase B, the ingestor: ingest/throughput's end-to-end phase (broker child, 1,000 simulated agents
// in a child, startIngestor here, SQLite stores) on a fleet.db pre-seeded with the 9,000 other
// recorders of a 10,000 fleet (a 1 h heartbeat, so none goes unavailable while they stay silent; the
// agents' births add theirs), with the alerts stage off and on, alternating (off, on, off, on), same
// payloads. Each batch has an error event, so every batch is a problem change the engine judges.
//
// dashboard.db is a stand-in: plain tables with the names and columns of the read_v1 views the
// engine reads (docs/DESIGN.md "Alerting"); the engine only SELECTs from those names, so for it
// this is the dashboard's store. Channels get a sender that accepts at once (what is measured is
// the engine and the queue, not a webhook server or SMTP).
import { execSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import type { Histogram } from 'prom-client';
import { type FleetDb, type RecorderStateName, startIngestor } from '@vigil/ingestor';
import { AlertEngine, AlertsDb, type ChannelSender, DashboardConfigSource, FleetFacts, Notifier } from '../../ingestor/src/alerts/index.js';
import { type RecorderFacts, type SiteFacts, siteKeyOf } from '../../ingestor/src/alerts/fleet-facts.js';
import { spawnBroker, type BrokerProcess } from '../support/broker-process.js';
import { benchFleet } from '../support/fleet-pki.js';
import { CpuMeter, percentile, sleep } from '../support/proc.js';
import { type RunResult, spawnPublishers } from '../support/publishers.js';
import {
  CHECKED,
  CONDITIONS,
  EVENT_CODES,
  type FleetLayout,
  fleetLayout,
  freeFor,
  type Place,
  RESELLERS,
  rng,
  seedFleet,
  writeDashboard,
} from './support/fleet.js';

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const RATE = Number(process.env.BENCH_RATE ?? 3_500);
const MEASURE_S = Number(process.env.BENCH_MEASURE_SECONDS ?? 10);
const WARMUP_S = 3;
/** The ingestor's group commit closes a group at most 5 ms after it opened. */
const GROUP_MS = 5;
const MAX_GROUP = 256;
const SITE_OUTAGE_EVERY_MS = 2_000;
const SITE_OUTAGE_LASTS_MS = 3_000;
const INGEST_RECORDERS = 10_000;
const AGENTS = Number(process.env.BENCH_AGENTS ?? 1_000);
const E2E_WINDOW = 8;
const CONNECTS_PER_SECOND = 400;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/**
 * BENCH_PARTNER_INDEX=1: an index on recorders.failover_partner in phase A's fleet.db. FleetDb.setState
 * updates the cover of the recorders naming the changed one as partner, a full scan of recorders
 * without it (about 1 ms at 10,000): this shows the engine when the ingestor's writes are not what limits.
 */
const PARTNER_INDEX = process.env.BENCH_PARTNER_INDEX === '1';
/** BENCH_ONLY=engine or BENCH_ONLY=ingest runs one phase (e.g. under --cpu-prof). */
const ONLY = process.env.BENCH_ONLY;
/** BENCH_ALERTING=on (or off) runs phase B with the alerts stage on (or off) only, e.g. under --cpu-prof. */
const PHASES = process.env.BENCH_ALERTING === 'on' ? [true] : process.env.BENCH_ALERTING === 'off' ? [false] : [false, true];
const REPO = join(import.meta.dirname, '..', '..');

const log = pino({ name: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'warn' }, pino.destination(2));
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => (n >= 10 ? n.toFixed(1) : n.toFixed(2));
const load = () => loadavg()[0]!.toFixed(1);

/** Accepts every notification at once, counting them. */
class CountingSender implements ChannelSender {
  readonly sent: Record<string, number> = {};
  alerts = 0;
  async send(notification: Parameters<ChannelSender['send']>[0]): Promise<void> {
    this.sent[notification.kind] = (this.sent[notification.kind] ?? 0) + 1;
    this.alerts += notification.alerts.length;
  }
}

/**
 * Per-change time: the engine reads one target's facts first thing when it judges it, so the time
 * from one read to the next (or to the end of the pass) is what judging that target cost:
 * facts, rules, and the alerts.db writes of what changed.
 */
class TimedFacts extends FleetFacts {
  /** Wall time per target, ms. */
  readonly samples: number[] = [];
  /** CPU time of this process per target, ms: what the engine itself spent, without the time other processes had the core. */
  readonly cpuSamples: number[] = [];
  recording = false;
  private startedAt = 0;
  private startedCpu = 0;
  private open: string | undefined;
  /** Targets judged since the last commit (the key a touch would have). */
  judged: string[] = [];

  override recorder(id: string, now: number): RecorderFacts | undefined {
    this.cut(`r:${id}`);
    return super.recorder(id, now);
  }

  override site(installationSlc: string, siteId: string): SiteFacts {
    // The engine reads a site twice in a row (judging it, then listing its members): one target.
    const key = `s:${siteKeyOf(installationSlc, siteId)}`;
    if (this.open !== key) this.cut(key);
    return super.site(installationSlc, siteId);
  }

  /** The pass is over (the engine's onEvaluated). */
  end(): void {
    this.cut(undefined);
  }

  private cut(next: string | undefined): void {
    if (next !== undefined) this.judged.push(next);
    const now = performance.now();
    const cpu = cpuMs();
    if (this.open !== undefined && this.recording) {
      this.samples.push(now - this.startedAt);
      this.cpuSamples.push(cpu - this.startedCpu);
    }
    this.open = next;
    this.startedAt = now;
    this.startedCpu = cpu;
  }
}

/** Calls back after each transaction's COMMIT; adds up the engine's CPU time. */
class TimedAlertsDb extends AlertsDb {
  onCommitted: () => void = () => undefined;
  cpu = 0;
  override transaction<T>(work: () => T): T {
    const started = cpuMs();
    const result = super.transaction(work);
    this.cpu += cpuMs() - started;
    this.onCommitted();
    return result;
  }
}

/** CPU time of this process so far, ms (getrusage: precise to the microsecond on Linux). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

type Touch = { kind: 'recorder'; id: string } | { kind: 'site'; slc: string; site: string };

/** Changes as the ingestor would write them into fleet.db, for recorders picked at random. */
class ChangeMaker {
  private readonly random = rng(23);
  private readonly state = new Map<string, RecorderStateName>();
  private readonly conditions = new Set<string>();
  private readonly diskHigh = new Set<string>();
  private readonly dark = new Set<string>();
  private readonly darkSites = new Map<string, { places: Place[]; until: number }>();
  private nextOutageAt = 0;
  readonly kinds: Record<string, number> = {};

  constructor(
    private readonly fleet: FleetDb,
    private readonly layout: FleetLayout,
  ) {
    for (const row of fleet.recorders()) this.state.set(row.id, row.state);
    for (const row of fleet.allConditions()) this.conditions.add(`${row.recorderId}\u0000${row.code}\u0000${row.subject}`);
    for (const site of fleet.unreachableSites())
      for (const place of layout.members.get(siteKeyOf(site.installationSlc, site.siteId)) ?? []) this.dark.add(place.id);
    for (const id of this.state.keys()) {
      const e = fleet.disksOf(id).find((d) => d.path === 'E:');
      if (e && (e.totalBytes - e.freeBytes) / e.totalBytes > 0.9) this.diskHigh.add(id);
    }
  }

  /** Site outages due at `now`: a whole site goes dark (every recorder unavailable, the site unreachable), and comes back. */
  outages(now: number, touches: Touch[]): void {
    for (const [key, outage] of this.darkSites) {
      if (outage.until > now) continue;
      this.darkSites.delete(key);
      const first = outage.places[0]!;
      this.fleet.clearSiteUnreachable(first.slc, first.site);
      for (const place of outage.places) {
        this.dark.delete(place.id);
        this.setState(place.id, this.fleet.activeProblemCount(place.id) > 0 ? 'degraded' : 'online', now);
        touches.push({ kind: 'recorder', id: place.id });
      }
      touches.push({ kind: 'site', slc: first.slc, site: first.site });
      this.count('site back');
    }
    if (now < this.nextOutageAt) return;
    this.nextOutageAt = now + SITE_OUTAGE_EVERY_MS;
    const key = this.layout.sites[Math.floor(this.random() * this.layout.sites.length)]!;
    const places = this.layout.members.get(key)!;
    if (places.length < 2 || places.some((p) => this.dark.has(p.id))) return;
    for (const place of places) {
      this.dark.add(place.id);
      this.setState(place.id, 'unavailable', now);
      touches.push({ kind: 'recorder', id: place.id });
    }
    this.fleet.markSiteUnreachable(places[0]!.slc, places[0]!.site, now);
    this.darkSites.set(key, { places, until: now + SITE_OUTAGE_LASTS_MS });
    touches.push({ kind: 'site', slc: places[0]!.slc, site: places[0]!.site });
    this.count('site outage');
  }

  /** One change of one recorder (a message the ingestor applied), written into fleet.db. */
  next(now: number, touches: Touch[]): void {
    let place: Place;
    do place = this.layout.recorders[Math.floor(this.random() * this.layout.recorders.length)]!;
    while (this.dark.has(place.id));
    const id = place.id;
    const state = this.state.get(id) ?? 'online';
    touches.push({ kind: 'recorder', id });
    if (state !== 'online' && state !== 'degraded') {
      this.setState(id, this.fleet.activeProblemCount(id) > 0 ? 'degraded' : 'online', now);
      this.count('back up');
      return;
    }
    const roll = this.random();
    if (roll < 0.2) {
      this.setState(id, this.random() < 0.7 ? 'unavailable' : 'offline', now);
      this.count('down');
      return;
    }
    if (roll < 0.5) {
      const c = CONDITIONS[Math.floor(this.random() * CONDITIONS.length)]!;
      const subject = c.subject(Math.floor(this.random() * 64));
      const key = `${id}\u0000${c.code}\u0000${subject}`;
      const active = !this.conditions.has(key);
      if (active) this.conditions.add(key);
      else this.conditions.delete(key);
      this.fleet.applyCondition({ recorderId: id, code: c.code, subject, active, at: now, severity: c.severity, message: c.message });
      this.problemsChanged(id, now);
      this.count(active ? 'condition raised' : 'condition cleared');
      return;
    }
    if (roll < 0.7) {
      const code = EVENT_CODES[Math.floor(this.random() * EVENT_CODES.length)]!;
      this.fleet.recordEvent(
        {
          recorderId: id,
          code,
          subject: `archive-${Math.floor(this.random() * 4)}`,
          severity: 'error',
          message: 'archive operation failed',
          firstSeen: now,
          lastSeen: now,
          count: 1,
        },
        3_600_000,
        now,
      );
      this.problemsChanged(id, now);
      this.count('error event');
      return;
    }
    const high = !this.diskHigh.has(id);
    if (high) this.diskHigh.add(id);
    else this.diskHigh.delete(id);
    this.fleet.recordDisk({
      recorderId: id,
      path: 'E:',
      totalBytes: 8_000_000_000_000,
      freeBytes: freeFor(high ? 96 + this.random() * 3 : 80 + this.random() * 8),
      at: now,
    });
    this.count(high ? 'drive above 95 %' : 'drive below 90 %');
  }

  private problemsChanged(id: string, now: number): void {
    this.setState(id, this.fleet.activeProblemCount(id) > 0 ? 'degraded' : 'online', now);
  }

  private setState(id: string, state: RecorderStateName, now: number): void {
    if (this.state.get(id) === state) return;
    this.state.set(id, state);
    this.fleet.setState(id, state, now);
  }

  private count(kind: string): void {
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
  }
}

interface EngineResult {
  recorders: number;
  rules: number;
  firstEvaluationMs: number;
  changes: number;
  seconds: number;
  perChange: number[];
  perChangeCpu: number[];
  /** CPU ms of the engine's transactions (evaluation passes and ticks) and of the feeder's fleet.db writes, per second fed. */
  engineCpuPerSecond: number;
  feederCpuPerSecond: number;
  passMeans: number[];
  latency: number[];
  passes: number;
  cpuPercent: number;
  load: string;
  alertsByState: Array<{ state: string; target_kind: string; inhibited: number; n: number }>;
  notifications: Array<{ kind: string; status: string; n: number }>;
  sent: Record<string, number>;
  kinds: Record<string, number>;
  checks: Array<{ what: string; expected: number; got: number }>;
}

async function engineRun(count: number): Promise<EngineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-alerts-'));
  const started = Date.now();
  const layout = fleetLayout(count);
  const fleet = seedFleet(join(dir, 'fleet.db'), layout, started);
  if (PARTNER_INDEX) fleet.db.exec('CREATE INDEX IF NOT EXISTS bench_recorders_failover_partner ON recorders (failover_partner)');
  const { rules, holders } = writeDashboard(join(dir, 'dashboard.db'), layout, started);
  const reader = new Database(join(dir, 'fleet.db'), { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  const facts = new TimedFacts(reader);
  const db = new TimedAlertsDb(join(dir, 'alerts.db'));
  const config = new DashboardConfigSource(join(dir, 'dashboard.db'), log);
  const sender = new CountingSender();
  let evaluated = false;
  let recording = false;
  let passes = 0;
  const passMeans: number[] = [];
  const latency: number[] = [];
  // When each target was first touched and not yet judged: a pass may judge only part of what is
  // waiting (it gives the thread back after 5 ms), so latency is taken per target.
  const pending = new Map<string, number>();
  let notifier: Notifier | undefined;
  // Wired as startAlerting (ingestor/src/alerts/index.ts) wires it.
  const engine = new AlertEngine({
    db,
    facts,
    config,
    logger: log,
    onQueued: () => notifier?.wake(),
    onEvaluated: (seconds) => {
      facts.end();
      evaluated = true;
      if (recording) passMeans.push(seconds * 1000);
    },
  });
  db.onCommitted = () => {
    if (!evaluated) return;
    evaluated = false;
    const at = performance.now();
    if (recording) passes++;
    for (const key of facts.judged) {
      const touchedAt = pending.get(key);
      if (touchedAt === undefined) continue;
      if (recording) latency.push(at - touchedAt);
      pending.delete(key);
    }
    facts.judged = [];
  };
  let lastConfig: ReturnType<DashboardConfigSource['read']>;
  notifier = new Notifier({
    db,
    facts,
    config: () => {
      lastConfig = config.read() ?? lastConfig;
      return lastConfig?.config;
    },
    senderFor: () => sender,
    logger: log,
  });
  const t0 = performance.now();
  engine.tick();
  const firstEvaluationMs = performance.now() - t0;
  notifier.start();
  const ticker = setInterval(() => engine.tick(), 1_000);
  const maker = new ChangeMaker(fleet, layout);

  let feederCpu = 0;
  const feed = async (seconds: number): Promise<number> => {
    const from = performance.now();
    let fed = 0;
    while (performance.now() - from < seconds * 1000) {
      // A group holds at most 256 messages, as the ingestor's: a thread that fell behind catches up group by group.
      const due = Math.min(MAX_GROUP, Math.floor(((performance.now() - from) / 1000) * RATE) - fed);
      if (due > 0) {
        const touches: Touch[] = [];
        const now = Date.now();
        const cpu = cpuMs();
        fleet.transaction(() => {
          maker.outages(now, touches);
          for (let i = 0; i < due; i++) maker.next(now, touches);
        });
        feederCpu += cpuMs() - cpu;
        fed += due;
        // After the COMMIT, as the ingestor's outlets do.
        for (const touch of touches) {
          const key = touch.kind === 'recorder' ? `r:${touch.id}` : `s:${siteKeyOf(touch.slc, touch.site)}`;
          if (touch.kind === 'recorder') engine.touchRecorder(touch.id);
          else engine.touchSite(touch.slc, touch.site);
          if (!pending.has(key)) pending.set(key, performance.now());
        }
      }
      await sleep(GROUP_MS);
    }
    return fed;
  };

  try {
    await feed(WARMUP_S);
    recording = true;
    facts.recording = true;
    const cpu0 = process.cpuUsage();
    feederCpu = 0;
    db.cpu = 0;
    const m0 = performance.now();
    const changes = await feed(MEASURE_S);
    const seconds = (performance.now() - m0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const engineCpuPerSecond = db.cpu / seconds;
    const feederCpuPerSecond = feederCpu / seconds;
    // What was touched last is judged too (latency counts it) before anything is checked.
    const deadline = Date.now() + 60_000;
    while (pending.size > 0 && Date.now() < deadline) await sleep(5);
    recording = false;
    facts.recording = false;
    const loadNow = load();
    engine.tick();

    // Plausibility: what the engine holds open against what fleet.db says now.
    const open = db.db
      .prepare(`SELECT rule_id AS ruleId, target_kind AS kind, inhibited, installation_slc AS slc FROM alerts WHERE state != 'resolved'`)
      .all() as Array<{
      ruleId: number;
      kind: string;
      inhibited: number;
      slc: string;
    }>;
    const of = (ruleId: number, kind: string) => open.filter((a) => a.ruleId === ruleId && a.kind === kind);
    const one = (sql: string) => fleet.db.prepare(sql).pluck().get() as number;
    const resellerRules = new Map(rules.filter((r) => r.owner !== null).map((r) => [r.id, r.owner]));
    const checks = [
      {
        what: `rule ${CHECKED.down} (recorder down, everything, for 0): open recorder alerts = recorders unavailable or offline`,
        expected: one(`SELECT count(*) FROM recorders WHERE state IN ('unavailable', 'offline')`),
        got: of(CHECKED.down, 'recorder').length,
      },
      {
        what: `rule ${CHECKED.down}: inhibited ones = those down in an unreachable site`,
        expected: one(`SELECT count(*) FROM recorders r JOIN site_states s ON s.installation_slc = r.installation_slc AND s.site_id = r.site_id
          WHERE r.state IN ('unavailable', 'offline')`),
        got: of(CHECKED.down, 'recorder').filter((a) => a.inhibited === 1).length,
      },
      {
        what: `rule ${CHECKED.down}: open site alerts = unreachable sites`,
        expected: one('SELECT count(*) FROM site_states'),
        got: of(CHECKED.down, 'site').length,
      },
      {
        what: `rule ${CHECKED.diskAbove95} (drive above 95 %, for 0): open alerts = recorders with a drive above 95 %`,
        expected: one('SELECT count(DISTINCT recorder_id) FROM latest_disks WHERE total_bytes > 0 AND (total_bytes - free_bytes) * 100.0 / total_bytes > 95'),
        got: of(CHECKED.diskAbove95, 'recorder').length,
      },
      {
        what: "resellers' rules: open alerts on an installation the reseller does not hold",
        expected: 0,
        got: open.filter((a) => resellerRules.has(a.ruleId) && holders.get(a.slc) !== resellerRules.get(a.ruleId)).length,
      },
    ];
    const alertsByState = db.db
      .prepare('SELECT state, target_kind, inhibited, count(*) AS n FROM alerts GROUP BY state, target_kind, inhibited ORDER BY state, target_kind, inhibited')
      .all() as EngineResult['alertsByState'];
    const notifications = db.db
      .prepare('SELECT kind, status, count(*) AS n FROM notifications GROUP BY kind, status ORDER BY kind, status')
      .all() as EngineResult['notifications'];
    return {
      recorders: count,
      rules: rules.length,
      firstEvaluationMs,
      changes,
      seconds,
      perChange: facts.samples.sort((a, b) => a - b),
      perChangeCpu: facts.cpuSamples.sort((a, b) => a - b),
      engineCpuPerSecond,
      feederCpuPerSecond,
      passMeans: passMeans.sort((a, b) => a - b),
      latency: latency.sort((a, b) => a - b),
      passes,
      cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
      load: loadNow,
      alertsByState,
      notifications,
      sent: sender.sent,
      kinds: maker.kinds,
      checks,
    };
  } finally {
    clearInterval(ticker);
    engine.close();
    await notifier.close();
    config.close();
    reader.close();
    db.close();
    fleet.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const stats = (sorted: readonly number[]) =>
  `p50 ${ms(percentile(sorted, 50))} ms, p99 ${ms(percentile(sorted, 99))} ms, max ${ms(sorted.at(-1) ?? NaN)} ms (n ${fmt(sorted.length)})`;

function reportEngine(r: EngineResult): void {
  console.log(
    `\n${fmt(r.recorders)} recorders, ${r.rules} rules: first evaluation of the whole fleet ${fmt(r.firstEvaluationMs)} ms; ${fmt(r.changes)} changes in ${r.seconds.toFixed(1)} s = ${fmt(r.changes / r.seconds)}/s, ${fmt(r.passes)} evaluation passes; this process ${r.cpuPercent.toFixed(0)} % of a core; load average ${r.load}`,
  );
  console.log(`  per change (one recorder or site judged), wall: ${stats(r.perChange)}`);
  console.log(`  per change, CPU time of this process:         ${stats(r.perChangeCpu)}`);
  console.log(
    `  CPU per second fed: engine ${fmt(r.engineCpuPerSecond)} ms (its passes and ticks), the ingestor's fleet.db writes ${fmt(r.feederCpuPerSecond)} ms`,
  );
  console.log(`  per change, pass mean (engine's onEvaluated):  ${stats(r.passMeans)}`);
  console.log(`  touch -> evaluated and committed:             ${stats(r.latency)}`);
  console.log(
    `  changes fed: ${Object.entries(r.kinds)
      .map(([k, n]) => `${k} ${fmt(n)}`)
      .join(', ')}`,
  );
  console.log(`  alerts in alerts.db: ${r.alertsByState.map((a) => `${a.state} ${a.target_kind}${a.inhibited ? ' inhibited' : ''} ${fmt(a.n)}`).join(', ')}`);
  console.log(`  notifications queued: ${r.notifications.map((n) => `${n.kind} ${n.status} ${fmt(n.n)}`).join(', ')}; sent: ${JSON.stringify(r.sent)}`);
  for (const c of r.checks) console.log(`  check ${c.expected === c.got ? 'ok' : 'FAILED'}: ${c.what}: expected ${fmt(c.expected)}, got ${fmt(c.got)}`);
}

// ---------------------------------------------------------------- Phase B: ingest throughput

interface IngestPhase {
  alerting: boolean;
  perSecond: number;
  cpu: Record<string, number>;
  run: RunResult;
  load: string;
  loopDelayP99: number;
  evaluation?: { count: number; meanMs: number; p99Bucket: string };
  openAlerts?: { pending: number; firing: number };
  notes: string[];
}

async function evaluationHistogram(ingestor: Awaited<ReturnType<typeof startIngestor>>) {
  const metric = ingestor.metrics.registry.getSingleMetric('vigil_alert_evaluation_seconds') as Histogram | undefined;
  const values = (await metric?.get())?.values ?? [];
  const count = values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const sum = values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  const buckets = values.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => ({ le: String(v.labels.le), n: v.value }));
  return { count, sum, buckets };
}

async function ingestPhase(
  fleetPki: Awaited<ReturnType<typeof benchFleet>>,
  template: string,
  dashboardDbPath: string,
  alerting: boolean,
): Promise<IngestPhase> {
  const broker: BrokerProcess = await spawnBroker({ pkiDir: fleetPki.pki.dir });
  const url = `mqtts://127.0.0.1:${broker.port}`;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-alerts-ingest-'));
  copyFileSync(template, join(dir, 'fleet.db'));
  const sender = new CountingSender();
  const ingestor = await startIngestor({
    brokerUrl: url,
    tls: fleetPki.pki.service('ingestor'),
    recipientPrivateKeyPems: [readFileSync(fleetPki.pki.envelopeKeyPath, 'utf8')],
    signingKeyOf: (id) => fleetPki.pki.signingKeyOf(id),
    dbPath: join(dir, 'fleet.db'),
    logger: log.child({ part: 'ingestor' }),
    alerting: alerting ? { alertsDbPath: join(dir, 'alerts.db'), dashboardDbPath, senderFor: () => sender } : undefined,
  });
  await ingestor.ready;
  const agents = spawnPublishers({
    url,
    pkiDir: fleetPki.pki.dir,
    ids: fleetPki.ids,
    connectsPerSecond: CONNECTS_PER_SECOND,
    mode: 'agent',
    e2eWindow: E2E_WINDOW,
  });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    const connected = await agents.connect();
    if (connected.connected !== AGENTS) throw new Error(`${connected.connected} of ${AGENTS} agents connected; first error: ${connected.firstError}`);
    const births = Date.now() + 60_000;
    while (ingestor.stats.processed < AGENTS && Date.now() < births) await sleep(50);
    const meter = new CpuMeter({ broker: broker.child.pid!, agents: agents.child.pid!, ingestor: process.pid });
    await agents.start(E2E_WINDOW);
    await sleep(WARMUP_S * 1000);
    const before = ingestor.stats.processed;
    const histogramBefore = alerting ? await evaluationHistogram(ingestor) : undefined;
    await agents.measure();
    meter.start();
    loop.enable();
    const t0 = performance.now();
    await sleep(MEASURE_S * 1000);
    const perSecond = (ingestor.stats.processed - before) / ((performance.now() - t0) / 1000);
    loop.disable();
    const cpu = meter.stop();
    const loadNow = load();
    const histogramAfter = alerting ? await evaluationHistogram(ingestor) : undefined;
    const run = await agents.stop();
    await ingestor.outbox.idle();
    let evaluation: IngestPhase['evaluation'];
    if (histogramBefore && histogramAfter) {
      const count = histogramAfter.count - histogramBefore.count;
      // The bucket holding the 99th percentile of the passes measured.
      const p99 = histogramAfter.buckets.find((b, i) => b.n - (histogramBefore.buckets[i]?.n ?? 0) >= 0.99 * count);
      evaluation = { count, meanMs: ((histogramAfter.sum - histogramBefore.sum) / count) * 1000, p99Bucket: p99 ? `<= ${Number(p99.le) * 1000} ms` : '?' };
    }
    const notes = [
      `${fmt(run.published)} batches sent, ${fmt(run.acked)} acknowledged end to end; processed ${fmt(ingestor.stats.processed)} (births included), duplicates ${ingestor.stats.duplicates}, dropped ${JSON.stringify(ingestor.stats.dropped)}`,
    ];
    if (ingestor.alerting) {
      const rows = ingestor.alerting.db.db.prepare('SELECT state, count(*) AS n FROM alerts GROUP BY state').all() as Array<{ state: string; n: number }>;
      const queued = ingestor.alerting.db.db.prepare('SELECT status, count(*) AS n FROM notifications GROUP BY status').all() as Array<{
        status: string;
        n: number;
      }>;
      notes.push(
        `alerts.db: ${rows.map((r) => `${r.state} ${fmt(r.n)}`).join(', ')}; notifications ${queued.map((r) => `${r.status} ${fmt(r.n)}`).join(', ')}; sent to the counting sender ${JSON.stringify(sender.sent)}`,
      );
    }
    if (run.acked !== run.published || Object.keys(ingestor.stats.dropped).length > 0) notes.push('LOSS OR DROPS: see the counts above');
    return {
      alerting,
      perSecond,
      cpu,
      run,
      load: loadNow,
      loopDelayP99: loop.percentile(99) / 1e6,
      evaluation,
      openAlerts: ingestor.alerting?.engine.counts(),
      notes,
    };
  } finally {
    await agents.close();
    await ingestor.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function reportIngest(p: IngestPhase): void {
  const latency = p.run.ackLatency ? `, publish -> end-to-end ack p50 ${fmt(p.run.ackLatency.p50)} ms, p99 ${fmt(p.run.ackLatency.p99)} ms` : '';
  const cpu = Object.entries(p.cpu)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');
  console.log(
    `  alerting ${p.alerting ? 'on ' : 'off'}  ${fmt(p.perSecond).padStart(6)} msg/s${latency}; event-loop delay p99 ${p.loopDelayP99.toFixed(1)} ms; CPU % of a core: ${cpu}; load average ${p.load}`,
  );
  if (p.evaluation)
    console.log(
      `      vigil_alert_evaluation_seconds over the window: ${fmt(p.evaluation.count)} passes, mean ${p.evaluation.meanMs.toFixed(3)} ms per change, p99 pass mean ${p.evaluation.p99Bucket}; open alerts ${JSON.stringify(p.openAlerts)}`,
    );
  for (const note of p.notes) console.log(`      ${note}`);
}

// ---------------------------------------------------------------- main

const gitFacts = (() => {
  const head = execSync('git rev-parse --short HEAD', { cwd: REPO, encoding: 'utf8' }).trim();
  const dirty = execSync('git status --short -- ingestor broker proto', { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
  return `commit ${head}${dirty.length ? `, with uncommitted changes in ${dirty.map((l) => l.slice(3)).join(', ')}` : ', no uncommitted changes in ingestor/broker/proto'}`;
})();
console.log(
  `alerts/rules: ${gitFacts}; ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}; load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const engineResults: EngineResult[] = [];
if (!ONLY || ONLY === 'engine') {
  console.log(
    `\nPhase A: the engine, ${fmt(RATE)} changes/s offered for ${MEASURE_S} s after ${WARMUP_S} s warm-up, one fleet.db transaction per ${GROUP_MS} ms (at most ${MAX_GROUP} changes)${PARTNER_INDEX ? '; fleet.db with an index on failover_partner (BENCH_PARTNER_INDEX=1)' : ''}`,
  );
  for (const size of SIZES) {
    const result = await engineRun(size);
    engineResults.push(result);
    reportEngine(result);
  }
}

const ingestResults: IngestPhase[] = [];
if (!ONLY || ONLY === 'ingest') {
  const fleetPki = await benchFleet(AGENTS, (line) => console.log(`  ${line}`));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-alerts-template-'));
  try {
    const now = Date.now();
    const layout = fleetLayout(INGEST_RECORDERS, AGENTS);
    const agentIds = new Set(fleetPki.ids);
    seedFleet(join(dir, 'fleet.db'), layout, now, { skip: agentIds, heartbeatSeconds: 3_600 }).close();
    const { rules } = writeDashboard(join(dir, 'dashboard.db'), layout, now);
    console.log(
      `\nPhase B: ingest throughput end to end (SQLite), ${fmt(AGENTS)} simulated agents on a fleet.db of ${fmt(INGEST_RECORDERS)} recorders (${layout.installations.length} installations, ${layout.sites.length} sites), alerting off and on (${rules.length} rules, ${RESELLERS.length} resellers), alternating, ${MEASURE_S} s each after ${WARMUP_S} s warm-up`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const alerting of PHASES) {
        const phase = await ingestPhase(fleetPki, join(dir, 'fleet.db'), join(dir, 'dashboard.db'), alerting);
        ingestResults.push(phase);
        reportIngest(phase);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `\nSummary (load average now ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}):`,
);
for (const r of engineResults) {
  const p99 = percentile(r.perChange, 99);
  const latencyP99 = percentile(r.latency, 99);
  console.log(
    `  engine, ${fmt(r.recorders).padStart(6)} recorders: per change p50 ${ms(percentile(r.perChange, 50))} / p99 ${ms(p99)} ms (CPU p50 ${ms(percentile(r.perChangeCpu, 50))} / p99 ${ms(percentile(r.perChangeCpu, 99))} ms); touch -> evaluated p99 ${ms(latencyP99)} ms; ${fmt(r.changes / r.seconds)} changes/s; checks ${r.checks.every((c) => c.expected === c.got) ? 'all ok' : 'FAILED'}`,
  );
}
if (engineResults.length > 0) {
  const worst = Math.max(...engineResults.map((r) => percentile(r.perChange, 99)));
  const worstLatency = Math.max(...engineResults.map((r) => percentile(r.latency, 99)));
  console.log(`  target p99 < 10 ms per change: ${worst < 10 ? 'met' : 'MISSED'} (${ms(worst)} ms; touch -> evaluated p99 ${ms(worstLatency)} ms)`);
}
if (ingestResults.length > 0) {
  const mean = (on: boolean) => {
    const list = ingestResults.filter((p) => p.alerting === on).map((p) => p.perSecond);
    return list.reduce((a, b) => a + b, 0) / list.length;
  };
  const off = mean(false);
  const on = mean(true);
  console.log(
    `  ingest: off ${ingestResults
      .filter((p) => !p.alerting)
      .map((p) => fmt(p.perSecond))
      .join(' / ')} msg/s, on ${ingestResults
      .filter((p) => p.alerting)
      .map((p) => fmt(p.perSecond))
      .join(' / ')} msg/s; means ${fmt(off)} / ${fmt(on)}: on = ${(on / off).toFixed(2)} x off`,
  );
  console.log(`  target on >= 0.9 x off: ${on >= 0.9 * off ? 'met' : 'MISSED'} (${(on / off).toFixed(2)})`);
}

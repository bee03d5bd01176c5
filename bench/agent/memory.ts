// Agent footprint: resident memory and CPU of a real agent process connected over TLS to a
// loopback broker and ingestor, watching 50 log files, 4 drives, 6 services and a licence file;
// first idle, then with ~2,000 log lines/s appended.
// Run: npm run bench -- agent/memory        (about 2.5 minutes)
// BENCH_AGENT_RUN picks how the agent is started:
//   launcher (default)  agent/dist/vigil-agent, the bundle with its V8 flags, as installers run it
//   vigil               node cli/bin/vigil.js agent: the bundle inside the CLI's process (runtime flags only)
//   sources             node cli/bin/vigil.js agent with VIGIL_AGENT_FROM_SOURCES=1: tsx and the
//                       TypeScript sources, the way every agent ran before the bundle
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { AgentConfigInput } from '@vigil/agent';
import { BUNDLE, NODE_FLAGS, bundleStatus } from '../../agent/scripts/bundle.mjs';
import { startHarness, waitFor, type Harness } from '../../cli/test/support/harness.js';
import { XProtectLog } from './support/xprotect-log.js';

const WARMUP_S = 15;
/** BENCH_PHASE_SECONDS shortens both phases for a quick try; the recorded numbers use 60 s. */
const IDLE_S = Number(process.env.BENCH_PHASE_SECONDS ?? 60);
const LOAD_S = IDLE_S;
const LINES_PER_SECOND = 2_000;
const LOG_FILES = 50;
/** Matching lines 4 x the preset's usual share: about 2 % of the load, so the whole path works. */
const MATCHING_FACTOR = 4;
const SERVICES = ['Recording Server', 'Image Server', 'Image Import', 'Log Check', 'Event Server', 'Mobile Server'];
/** This one has no marker file: one real service-stopped condition, as on a host with a problem. */
const STOPPED_SERVICE = 'Mobile Server';

const REPO = resolve(import.meta.dirname, '..', '..');
const RUN_MODES = ['launcher', 'vigil', 'sources'] as const;
type RunMode = (typeof RUN_MODES)[number];
const RUN = (process.env.BENCH_AGENT_RUN || 'launcher') as RunMode;
if (!RUN_MODES.includes(RUN)) throw new Error(`BENCH_AGENT_RUN is "${RUN}": use one of ${RUN_MODES.join(', ')}`);
if (RUN !== 'sources') {
  // Measuring the sources while believing it is the bundle would be worse than no number.
  const bundle = bundleStatus();
  if (!bundle.current) throw new Error(`agent bundle ${bundle.reason}: run npm run agent:build first (or BENCH_AGENT_RUN=sources)`);
}
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  at: number;
  rssKb: number;
  anonKb: number;
  fileKb: number;
  threads: number;
  /** utime + stime of the agent itself, in clock ticks. */
  ownTicks: number;
  sysTicks: number;
  /** Of ownTicks, the main (JavaScript) thread's; the rest is GC helpers, the libuv pool, tsx's loader thread. */
  mainTicks: number;
  /** cutime + cstime: its children (service checks) once reaped. */
  childTicks: number;
}

/** Fields of a /proc stat file by their number in proc(5). */
function statFields(path: string): (n: number) => number {
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses; [0] is field 3.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return (n) => fields[n - 3] ?? NaN;
}

function sample(pid: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const field = statFields(`/proc/${pid}/stat`);
  const main = statFields(`/proc/${pid}/task/${pid}/stat`);
  return {
    at: performance.now(),
    rssKb: kb('VmRSS'),
    anonKb: kb('RssAnon'),
    fileKb: kb('RssFile'),
    threads: kb('Threads'),
    ownTicks: field(14) + field(15),
    sysTicks: field(15),
    mainTicks: main(14) + main(15),
    childTicks: field(16) + field(17),
  };
}

interface Window {
  samples: Sample[];
  /** Whole-window CPU in % of one core. */
  cpuPercent: number;
  sysPercent: number;
  mainPercent: number;
  childCpuPercent: number;
  /** The busiest one-second interval, % of one core. */
  peakCpuPercent: number;
  maxRss: Sample;
}

/** Samples the process every second for `seconds`, calling `each` after every sample. */
async function watch(pid: number, seconds: number, each?: (elapsedMs: number) => void): Promise<Window> {
  const samples = [sample(pid)];
  const start = samples[0] as Sample;
  for (let i = 1; i <= seconds; i++) {
    // Aimed at whole seconds from the start, so the window does not drift with sampling cost.
    await sleep(Math.max(0, start.at + i * 1000 - performance.now()));
    samples.push(sample(pid));
    each?.(performance.now() - start.at);
  }
  const end = samples[samples.length - 1] as Sample;
  const wall = (end.at - start.at) / 1000;
  let peakCpuPercent = 0;
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1] as Sample, samples[i] as Sample];
    peakCpuPercent = Math.max(peakCpuPercent, ((b.ownTicks - a.ownTicks) / CLK_TCK / ((b.at - a.at) / 1000)) * 100);
  }
  return {
    samples,
    cpuPercent: ((end.ownTicks - start.ownTicks) / CLK_TCK / wall) * 100,
    sysPercent: ((end.sysTicks - start.sysTicks) / CLK_TCK / wall) * 100,
    mainPercent: ((end.mainTicks - start.mainTicks) / CLK_TCK / wall) * 100,
    childCpuPercent: ((end.childTicks - start.childTicks) / CLK_TCK / wall) * 100,
    peakCpuPercent,
    maxRss: samples.reduce((max, s) => (s.rssKb > max.rssKb ? s : max), start),
  };
}

const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

/** Appends lines spread round-robin over the files, keeping to `perSecond` on average. */
class Appender {
  private readonly log = new XProtectLog(7, { matchingFactor: MATCHING_FACTOR, start: Date.now() });
  private readonly started = performance.now();
  private next = 0;
  written = 0;
  appends = 0;
  events = 0;
  conditions = 0;

  constructor(
    private readonly files: readonly string[],
    private readonly perSecond: number,
  ) {}

  tick(): void {
    const due = Math.floor(((performance.now() - this.started) / 1000) * this.perSecond) - this.written;
    if (due <= 0) return;
    const perFile = new Map<string, string>();
    for (let i = 0; i < due; i++) {
      const file = this.files[this.next++ % this.files.length] as string;
      const line = this.log.line();
      if (line.expected === 'event') this.events++;
      else if (line.expected === 'condition') this.conditions++;
      perFile.set(file, (perFile.get(file) ?? '') + line.text);
    }
    for (const [file, text] of perFile) appendFileSync(file, text);
    this.appends += perFile.size;
    this.written += due;
  }
}

/** The command that starts the agent in the chosen BENCH_AGENT_RUN mode. */
function agentCommand(configPath: string): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  // BENCH_AGENT_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", or V8 flags to try) looks
  // inside the agent alone; profiling costs CPU and memory itself, so those numbers do not compare.
  const nodeArgs = (process.env.BENCH_AGENT_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const vigil = join(REPO, 'cli', 'bin', 'vigil.js');
  if (RUN === 'launcher') {
    // The launcher is a shell script that execs node, so the PID measured is the agent's own.
    return nodeArgs.length === 0
      ? { command: join(REPO, 'agent', 'dist', 'vigil-agent'), args: ['--config', configPath], env: {} }
      : { command: process.execPath, args: [...NODE_FLAGS, ...nodeArgs, BUNDLE, 'agent', '--config', configPath], env: {} };
  }
  return {
    command: process.execPath,
    args: [...nodeArgs, vigil, 'agent', '--config', configPath],
    env: { VIGIL_AGENT_FROM_SOURCES: RUN === 'sources' ? '1' : '' },
  };
}

function startAgent(configPath: string): { child: ChildProcess; output: () => string } {
  const { command, args, env } = agentCommand(configPath);
  const child = spawn(command, args, {
    cwd: REPO,
    env: { ...process.env, ...env, VIGIL_LOG_LEVEL: 'warn', VIGIL_NODE: process.execPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Warnings are kept for the report; a healthy run logs none.
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < 64 * 1024) output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => output };
}

async function stopAgent(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
  const exited = new Promise<number | string | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

/** What an idle baseline Node process weighs on this machine, for comparison. */
async function baselineRss(args: string[]): Promise<number> {
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: 'ignore' });
  try {
    await sleep(3_000);
    return sample(child.pid as number).rssKb;
  } finally {
    await stopAgent(child);
  }
}

function storedEvents(harness: Harness, id: string): number {
  return harness.ingestor.db.eventsOf(id, 0).reduce((sum, row) => sum + row.count, 0);
}

const id = 'bench-footprint';
const root = mkdtempSync(join(tmpdir(), 'vigil-bench-memory-'));
let harness: Harness | undefined;
let agent: ChildProcess | undefined;
const killOnExit = () => agent?.kill('SIGKILL');
process.once('exit', killOnExit);
try {
  const began = performance.now();
  const bareNode = await baselineRss(['-e', 'setInterval(() => {}, 1000)']);
  const nodeWithTsx = await baselineRss(['--input-type=module', '-e', "(await import('tsx/esm/api')).register(); setInterval(() => {}, 1000)"]);

  // The host: 50 logs with some history (skipped: startAt end), 4 drives, service markers, licence.
  const logDir = join(root, 'Logs');
  mkdirSync(logDir);
  const history = new XProtectLog(3);
  const files = Array.from({ length: LOG_FILES }, (_, i) => {
    const path = join(logDir, `RecordingServer-${String(i).padStart(2, '0')}.log`);
    writeFileSync(path, Array.from({ length: 500 }, () => history.line().text).join(''));
    return path;
  });
  const drives = ['D', 'E', 'F', 'G'].map((letter) => {
    const path = join(root, `drive-${letter}`);
    mkdirSync(path);
    return path;
  });
  mkdirSync(join(root, 'services'));
  for (const name of SERVICES) if (name !== STOPPED_SERVICE) writeFileSync(join(root, 'services', `${name}.running`), '');
  writeFileSync(join(root, 'licence.json'), JSON.stringify({ cameras: 48, licensed: 50 }));

  harness = await startHarness();
  const extra: Partial<AgentConfigInput> = {
    heartbeatSeconds: 30, // the agent's default, not the harness's quick 5 s
    logs: { files: [{ glob: `${logDir.replaceAll('\\', '/')}/*.log` }], presets: ['milestone-xprotect'] },
    disks: { paths: drives.map((path, i) => ({ path, role: i < 3 ? 'recording' : 'archive' })) },
    services: {
      intervalSeconds: 30,
      manager: 'command',
      watch: SERVICES.map((name) => ({ name, command: `test -f '${join(root, 'services', `${name}.running`)}'` })),
    },
    licences: { source: { file: join(root, 'licence.json') } },
  };
  const configPath = await harness.writeAgentConfig(id, extra);

  const spawned = performance.now();
  const started = startAgent(configPath);
  agent = started.child;
  const pid = agent.pid as number;
  const exitedEarly = new Promise<never>((_, reject) => agent?.once('exit', (code) => reject(new Error(`agent exited (${code}):\n${started.output()}`))));
  const connected = waitFor(
    'the agent to come online',
    () => harness?.ingestor.state.stateOf(id),
    (s) => s === 'online' || s === 'degraded',
    60_000,
  );
  await Promise.race([connected, exitedEarly]);
  const onlineAfter = (performance.now() - spawned) / 1000;
  const startupRss = sample(pid).rssKb;

  await sleep(WARMUP_S * 1000);
  const idle = await watch(pid, IDLE_S);

  const eventsBefore = storedEvents(harness, id);
  const appender = new Appender(files, LINES_PER_SECOND);
  const timer = setInterval(() => appender.tick(), 100);
  let load: Window;
  try {
    load = await watch(pid, LOAD_S);
  } finally {
    clearInterval(timer);
  }
  appender.tick();
  const loadEnded = performance.now();
  const expectedEvents = eventsBefore + appender.events;
  let stored = storedEvents(harness, id);
  try {
    stored = await waitFor(
      'every event at the ingestor',
      () => storedEvents(harness as Harness, id),
      (n) => n >= expectedEvents,
      30_000,
    );
  } catch {
    // Reported below as a shortfall rather than thrown: the footprint numbers still stand.
    stored = storedEvents(harness, id);
  }
  const drainSeconds = (performance.now() - loadEnded) / 1000;
  const afterLoad = sample(pid);
  const conditions = new Map<string, string[]>();
  for (const c of harness.ingestor.db.conditionsOf(id)) conditions.set(c.code, [...(conditions.get(c.code) ?? []), c.subject]);
  const state = harness.ingestor.state.stateOf(id);
  const exit = await stopAgent(agent);
  // A graceful stop publishes a death marked graceful: the ingestor should say stopped, not offline.
  const afterStop = await waitFor(
    'the graceful death',
    () => harness?.ingestor.state.stateOf(id),
    (s) => s === 'stopped',
    5_000,
  ).catch(() => harness?.ingestor.state.stateOf(id));
  const warnings = started.output().trim();

  const rssOk = idle.maxRss.rssKb < 60 * 1024;
  const loadRssOk = load.maxRss.rssKb < 60 * 1024;
  const cpuOk = idle.cpuPercent < 0.5;
  const cpu = (w: Window, digits: number) =>
    `CPU ${w.cpuPercent.toFixed(digits)} % (system ${w.sysPercent.toFixed(digits)}; main thread ${w.mainPercent.toFixed(digits)}, other threads ${(w.cpuPercent - w.mainPercent).toFixed(digits)}; busiest second ${w.peakCpuPercent.toFixed(0)} %)`;
  /** RSS every 10 s, to tell growth from a one-off step. */
  const trajectory = (w: Window) =>
    w.samples
      .filter((_, i) => i % 10 === 0)
      .map((x) => (x.rssKb / 1024).toFixed(0))
      .join(' ');
  console.log(
    `agent footprint (node ${process.version}, ${LOG_FILES} log files, ${drives.length} drives, ${SERVICES.length} services, licence file; RSS = /proc VmRSS, CPU = utime+stime in % of one core):`,
  );
  const how = agentCommand(configPath);
  console.log(
    `  started as (BENCH_AGENT_RUN=${RUN}): ${[how.command, ...how.args.slice(0, -1)].map((part) => (part === process.execPath ? 'node' : part.startsWith(REPO) ? relative(REPO, part) : part)).join(' ')} <config>${how.env.VIGIL_AGENT_FROM_SOURCES ? ' with VIGIL_AGENT_FROM_SOURCES=1' : ''}${RUN === 'launcher' ? ` (flags ${NODE_FLAGS.join(' ')})` : ''}`,
  );
  console.log(
    `  online ${onlineAfter.toFixed(1)} s after spawn, RSS then ${mb(startupRss)}; for comparison, idle: bare node ${mb(bareNode)}, node with tsx registered ${mb(nodeWithTsx)}`,
  );
  console.log(
    `  idle ${IDLE_S} s (after ${WARMUP_S} s warm-up): max RSS ${mb(idle.maxRss.rssKb)} (anon ${mb(idle.maxRss.anonKb)}, file ${mb(idle.maxRss.fileKb)}, ${idle.maxRss.threads} threads); RSS every 10 s: ${trajectory(idle)} MB`,
  );
  console.log(`    ${cpu(idle, 2)}; service-check children ${idle.childCpuPercent.toFixed(2)} % more`);
  console.log(
    `  load ${LOAD_S} s: ${appender.written.toLocaleString('en')} lines (${(appender.written / LOAD_S).toFixed(0)}/s) in ${appender.appends.toLocaleString('en')} appends (${(appender.appends / LOAD_S).toFixed(0)}/s) over ${LOG_FILES} files; ${appender.events} event lines, ${appender.conditions} camera condition lines`,
  );
  console.log(
    `    max RSS ${mb(load.maxRss.rssKb)} (anon ${mb(load.maxRss.anonKb)}); RSS every 10 s: ${trajectory(load)} MB; ${mb(afterLoad.rssKb)} after the drain`,
  );
  console.log(
    `    ${cpu(load, 1)}; ${(((load.cpuPercent / 100) * 1e6) / (appender.written / LOAD_S)).toFixed(0)} us of CPU per line, ${(((load.cpuPercent / 100) * 1e6) / (appender.appends / LOAD_S)).toFixed(0)} us per append`,
  );
  const arrived =
    stored >= expectedEvents
      ? `all arrived ${drainSeconds.toFixed(1)} s after the load stopped`
      : `SHORT by ${expectedEvents - stored} after waiting ${drainSeconds.toFixed(0)} s`;
  console.log(
    `  ingestor: ${stored.toLocaleString('en')} of ${expectedEvents.toLocaleString('en')} event observations stored (sum of counts), ${arrived}; ${harness.ingestor.stats.processed.toLocaleString('en')} messages processed; state ${state}; active conditions: ${[...conditions].map(([code, subjects]) => `${code} ${subjects.length > 3 ? subjects.length : subjects.join(', ')}`).join('; ') || 'none'}`,
  );
  console.log(
    `  SIGTERM: agent exited with ${exit}, ingestor state then ${afterStop}${
      warnings
        ? `; it logged:\n${warnings
            .split('\n')
            .slice(0, 10)
            .map((l) => `    ${l}`)
            .join('\n')}`
        : ', no warnings logged'
    }`,
  );
  console.log(
    `  target idle RSS < 60 MB: ${rssOk ? 'met' : `MISSED by ${mb(idle.maxRss.rssKb - 60 * 1024)}`}; RSS under load < 60 MB: ${loadRssOk ? 'met' : `MISSED by ${mb(load.maxRss.rssKb - 60 * 1024)}`}; idle CPU < 0.5 %: ${cpuOk ? 'met' : `MISSED (${idle.cpuPercent.toFixed(2)} %)`}`,
  );
  console.log(`  total ${((performance.now() - began) / 1000).toFixed(0)} s`);
} finally {
  if (agent) await stopAgent(agent);
  process.removeListener('exit', killOnExit);
  await harness?.close();
  rmSync(root, { recursive: true, force: true });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { stringify } from 'yaml';
import { Agent, buildCollectors, parseAgentConfig, type AgentConfigInput } from '@vigil/agent';
import { generatePassword, type DashboardStore } from '@vigil/dashboard';
import { writeSecret, type FleetPki } from '@vigil/proto/pki';
import type { LogLevel } from '../settings/index.js';
import { DEMO_INSTALLATIONS, DEMO_NOC, DEMO_RESELLERS, demoRecorders } from './plan.js';
import { Scenario, demoSteps } from './scenario.js';
import { DemoHost } from './stand-ins.js';

export interface DemoLogins {
  [username: string]: string;
}

/**
 * Demo users (one NOC, two resellers) with generated passwords kept in the data directory
 * (0600) so every demo start can print working logins; an admin's assignment gives each reseller its installations.
 */
export async function ensureDemoUsers(store: DashboardStore, demoDir: string): Promise<DemoLogins> {
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const file = join(demoDir, 'credentials.json');
  const logins: DemoLogins = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoLogins) : {};
  const wanted: Array<[string, 'noc' | 'reseller']> = [[DEMO_NOC, 'noc'], ...DEMO_RESELLERS.map((r) => [r, 'reseller'] as [string, 'reseller'])];
  for (const [username, role] of wanted) {
    if (!store.userExists(username)) {
      logins[username] = generatePassword();
      await store.createUser(username, role, logins[username]);
    }
  }
  writeSecret(file, JSON.stringify(logins, null, 2));
  for (const installation of DEMO_INSTALLATIONS) {
    if (!installation.reseller) continue;
    const reseller = store.userByName(installation.reseller);
    // An admin's assignment: the demo's agents use bundles issued by the CLI, not resellers' tokens.
    if (reseller) store.grantInstallation(installation.slc, reseller, 'admin');
  }
  return logins;
}

/** The recorder that loses power during the demo runs as its own process, so it can really die. */
export const CRASHING_RECORDER = 'sc-ham-03';
/**
 * The site whose internet uplink fails during the demo. Its agents run as their own processes so
 * the demo can freeze them (SIGSTOP): their connections go silent exactly as behind a cut line.
 */
export const UPLINK_SITE = 'nt-oslo';

/** A demo agent in its own process: it can lose power (SIGKILL) or its network (SIGSTOP). */
class AgentProcess {
  private child: ChildProcess | undefined;
  private paused = false;

  constructor(
    private readonly configPath: string,
    private readonly logLevel: string,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    this.paused = false;
    this.child = spawn(process.execPath, [VIGIL, 'agent', '--config', this.configPath], {
      // The child inherits this process's environment as any child does (PATH for its service
      // checks, VIGIL_AGENT_FROM_SOURCES); only its log level is a setting, decided by the caller.
      env: { ...process.env, VIGIL_LOG_LEVEL: this.logLevel },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }

  kill(): void {
    this.child?.kill('SIGKILL');
  }

  pause(paused: boolean): void {
    if (!this.running || this.paused === paused) return;
    this.paused = paused;
    this.child?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.pause(false); // a frozen process would not see SIGTERM
    child.kill('SIGTERM');
    await exited;
  }
}
const VIGIL = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));

export interface DemoFleet {
  agents: Agent[];
  hosts: Map<string, DemoHost>;
  /** Cut (false) or restore (true) the uplink of UPLINK_SITE, as the scenario does. */
  uplink(up: boolean): void;
  /** Kill (SIGKILL) CRASHING_RECORDER's agent process, as the scenario's power loss does; `restart` brings it back. */
  crash(): void;
  restart(): void;
  stop(): Promise<void>;
}

function demoConfig(
  pki: FleetPki,
  brokerUrl: string,
  demoDir: string,
  host: DemoHost,
  entry: ReturnType<typeof demoRecorders>[number],
  heartbeatSeconds: number,
): AgentConfigInput {
  const { installation, site, recorder } = entry;
  return {
    recorderId: recorder.id,
    broker: { url: brokerUrl },
    bundleDir: pki.device(recorder.id).dir,
    heartbeatSeconds,
    dataDir: join(demoDir, 'agents', recorder.id),
    spool: { foldWindowSeconds: 10 },
    logs: { files: [{ glob: `${host.dir.replaceAll('\\', '/')}/logs/*.log` }], startAt: 'end', rescanSeconds: 2 },
    disks: { intervalSeconds: 10, paths: [{ path: host.driveDir, role: 'recording' }], filling: { horizonHours: 2, windowMinutes: 1 } },
    services: { intervalSeconds: 10, manager: 'command', watch: DemoHost.SERVICES.map((name) => ({ name, command: host.serviceCommand(name) })) },
    licences: { intervalSeconds: 10, source: { file: host.licenceFile } },
    inventory: {
      recorderName: recorder.name,
      installation: { slc: installation.slc, name: installation.name },
      site: { id: site.id, name: site.name, latitude: site.latitude, longitude: site.longitude },
      vmsVersion: '2024 R2',
      failoverPartner: recorder.failoverPartner ?? '',
      cameraCount: recorder.cameras,
      licensedCameras: recorder.licensed,
    },
  };
}

/**
 * Real agents (mqtt.js clients, sealed envelopes, last wills, spools, collectors) for every demo
 * recorder, watching stand-in hosts that a scenario troubles: cameras drop and come back, a drive
 * fills, a service stops, licences run short, a recorder loses power.
 */
export async function startDemoFleet(
  pki: FleetPki,
  brokerUrl: string,
  demoDir: string,
  logger: Logger,
  options: { heartbeatSeconds?: number; scenario?: boolean /** Of the agents in child processes; default warn. */; agentLogLevel?: LogLevel } = {},
): Promise<DemoFleet> {
  const heartbeatSeconds = options.heartbeatSeconds ?? 10;
  const agentLogLevel = options.agentLogLevel ?? 'warn';
  const agents: Agent[] = [];
  const hosts = new Map<string, DemoHost>();
  const processes = new Map<string, AgentProcess>();
  const uplinkSite: AgentProcess[] = [];

  for (const entry of demoRecorders()) {
    const { recorder } = entry;
    if (!pki.hasDevice(recorder.id)) await pki.issueDevice(recorder.id);
    const host = new DemoHost(recorder.id, join(demoDir, 'recorders', recorder.id), { count: recorder.cameras, licensed: recorder.licensed });
    host.prepare();
    hosts.set(recorder.id, host);
    const input = demoConfig(pki, brokerUrl, demoDir, host, entry, heartbeatSeconds);
    if (recorder.id === CRASHING_RECORDER || entry.site.id === UPLINK_SITE) {
      const configPath = join(demoDir, `${recorder.id}.yaml`);
      writeFileSync(configPath, stringify(input));
      const agentProcess = new AgentProcess(configPath, agentLogLevel);
      processes.set(recorder.id, agentProcess);
      if (entry.site.id === UPLINK_SITE) uplinkSite.push(agentProcess);
      agentProcess.start();
      continue;
    }
    const config = parseAgentConfig(input, `demo recorder ${recorder.id}`, demoDir);
    const agent = new Agent(config, {
      logger: logger.child({ part: 'demo-agent' }),
      collectors: (deps) => buildCollectors(config, { ...deps, statfs: host.statfs }),
    });
    await agent.start();
    agents.push(agent);
  }

  const uplink = (up: boolean) => {
    for (const agentProcess of uplinkSite) agentProcess.pause(!up);
  };
  const scenario =
    options.scenario === false
      ? undefined
      : new Scenario(
          demoSteps({
            host: (id) => hosts.get(id) as DemoHost,
            crash: () => processes.get(CRASHING_RECORDER)?.kill(),
            restart: () => processes.get(CRASHING_RECORDER)?.start(),
            uplink,
          }),
          300,
          (step) => logger.info({ part: 'demo' }, `demo: ${step.what}`),
        );
  scenario?.start();

  return {
    agents,
    hosts,
    uplink,
    crash: () => processes.get(CRASHING_RECORDER)?.kill(),
    restart: () => processes.get(CRASHING_RECORDER)?.start(),
    async stop() {
      scenario?.stop();
      await Promise.all([...agents.map((agent) => agent.stop()), ...[...processes.values()].map((p) => p.stop())]);
    },
  };
}

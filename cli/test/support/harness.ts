import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { Agent, parseAgentConfig, type AgentConfigInput } from '@vigil/agent';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { startIngestor, type IngestorOptions, type RunningIngestor } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';

/** A broker and an ingestor on loopback with a fresh PKI in a temp dir, and helpers to make agents. */
export interface Harness {
  dir: string;
  pki: FleetPki;
  broker: RunningBroker;
  ingestor: RunningIngestor;
  brokerUrl: string;
  stopBroker(): Promise<void>;
  /** Starts a broker again on the same port (its in-memory sessions are gone, as after a crash). */
  startBroker(): Promise<void>;
  agentConfig(id: string, extra?: Partial<AgentConfigInput>): AgentConfigInput;
  /** Writes an agent.yaml for a child process. */
  writeAgentConfig(id: string, extra?: Partial<AgentConfigInput>): Promise<string>;
  inProcessAgent(id: string, extra?: Partial<AgentConfigInput>): Promise<Agent>;
  close(): Promise<void>;
}

const quiet = pino({ level: process.env.VIGIL_TEST_LOG_LEVEL ?? 'silent' });

/** `ingestor`: options for the in-process ingestor (e.g. a TelemetryStore), over the harness's own. */
export async function startHarness(options: { ingestor?: Partial<IngestorOptions> } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-harness-'));
  const pki = new FleetPki(join(dir, 'pki'));
  await pki.init();
  let broker = await startBroker({ port: 0, tls: pki.broker(), registryPath: pki.registryPath, logger: quiet });
  const port = broker.port;
  const brokerUrl = `mqtts://127.0.0.1:${port}`;
  const ingestor = await startIngestor({
    brokerUrl,
    tls: pki.service('ingestor'),
    recipientPrivateKeyPems: [readFileSync(pki.envelopeKeyPath, 'utf8')],
    signingKeyOf: (id) => pki.signingKeyOf(id),
    dbPath: join(dir, 'fleet.db'),
    logger: quiet,
    ...options.ingestor,
  });
  await ingestor.ready;
  const agents: Agent[] = [];
  let brokerRunning = true;

  const harness: Harness = {
    dir,
    pki,
    get broker() {
      return broker;
    },
    ingestor,
    brokerUrl,
    async stopBroker() {
      brokerRunning = false;
      await broker.close();
    },
    async startBroker() {
      broker = await startBroker({ port, tls: pki.broker(), registryPath: pki.registryPath, logger: quiet });
      brokerRunning = true;
    },
    agentConfig(id, extra = {}) {
      return {
        recorderId: id,
        broker: { url: brokerUrl },
        bundleDir: pki.device(id).dir,
        heartbeatSeconds: 5,
        dataDir: join(dir, 'agents', id),
        inventory: { installation: { slc: `SLC-${id}` }, site: { id: `site-${id}` } },
        ...extra,
      };
    },
    async writeAgentConfig(id, extra = {}) {
      if (!pki.hasDevice(id)) await pki.issueDevice(id);
      const path = join(dir, `${id}.yaml`);
      writeFileSync(path, stringify(harness.agentConfig(id, extra)));
      return path;
    },
    async inProcessAgent(id, extra = {}) {
      if (!pki.hasDevice(id)) await pki.issueDevice(id);
      const agent = new Agent(parseAgentConfig(harness.agentConfig(id, extra), id, dir), { logger: quiet, minReconnectMs: 100, maxReconnectMs: 400 });
      agents.push(agent);
      return agent;
    },
    async close() {
      await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
      await ingestor.close();
      if (brokerRunning) await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
    value = await probe();
  }
  return value;
}

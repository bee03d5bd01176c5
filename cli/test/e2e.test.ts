import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { resolveSettings, startFleet, type RunningFleet } from '../src/index.js';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');
const ADMIN_PASSWORD = 'e2e-admin-password';

interface RecorderJson {
  id: string;
  state: string;
  installation: { slc: string };
}

describe('walking skeleton: agent -> broker -> ingestor -> dashboard', () => {
  let dir: string;
  let fleet: RunningFleet;
  let cookie = '';
  const agents = new Map<string, ChildProcess>();

  const recorders = async (): Promise<RecorderJson[]> => {
    const res = await fetch(`${fleet.dashboardUrl}/api/recorders`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { recorders: RecorderJson[] }).recorders;
  };

  const waitForState = async (id: string, state: string, timeoutMs = 20_000): Promise<number> => {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if ((await recorders()).find((r) => r.id === id)?.state === state) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${id} did not become ${state} within ${timeoutMs} ms; last seen: ${JSON.stringify(await recorders())}`);
  };

  const startAgent = async (id: string) => {
    await fleet.pki.issueDevice(id);
    const config = join(dir, `${id}.yaml`);
    writeFileSync(
      config,
      stringify({
        recorderId: id,
        broker: { url: fleet.brokerUrl },
        bundleDir: fleet.pki.device(id).dir,
        heartbeatSeconds: 5,
        dataDir: join(dir, 'agents', id),
        inventory: { installation: { slc: `SLC-${id}`, name: `Installation ${id}` }, site: { id: `site-${id}`, name: 'Test site' } },
      }),
    );
    const child = spawn(process.execPath, [VIGIL, 'agent', '--config', config], {
      env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    agents.set(id, child);
    return child;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
    const settings = resolveSettings(
      { dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0', host: '127.0.0.1' },
      { VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD },
    );
    fleet = await startFleet(settings, pino({ level: 'silent' }));
    const login = await fetch(`${fleet.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });

  afterAll(async () => {
    for (const child of agents.values()) if (child.exitCode === null) child.kill('SIGKILL');
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 on the API without a session, and to a wrong password', async () => {
    expect((await fetch(`${fleet.dashboardUrl}/api/recorders`)).status).toBe(401);
    const wrong = await fetch(`${fleet.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'not-it' }),
    });
    expect(wrong.status).toBe(401);
  });

  it('shows two agent processes online, one offline after SIGKILL (last will), one stopped after SIGTERM', async () => {
    const started = Date.now();
    await Promise.all([startAgent('rec-kill'), startAgent('rec-term')]);
    await waitForState('rec-kill', 'online');
    await waitForState('rec-term', 'online');
    const onlineMs = Date.now() - started;

    const listed = await recorders();
    expect(listed.find((r) => r.id === 'rec-kill')?.installation.slc).toBe('SLC-rec-kill');

    agents.get('rec-kill')!.kill('SIGKILL');
    const offlineMs = await waitForState('rec-kill', 'offline');

    const term = agents.get('rec-term')!;
    const exited = new Promise<number | null>((r) => term.once('exit', (code) => r(code)));
    term.kill('SIGTERM');
    const stoppedMs = await waitForState('rec-term', 'stopped');
    expect(await exited).toBe(0);
    // the graceful stop must not be overwritten by a late will
    await new Promise((r) => setTimeout(r, 500));
    expect((await recorders()).find((r) => r.id === 'rec-term')?.state).toBe('stopped');
    console.log(`e2e: both online ${onlineMs} ms after spawn; offline ${offlineMs} ms after SIGKILL; stopped ${stoppedMs} ms after SIGTERM`);
  });

  it('counts and drops a message it cannot open, and keeps working', async () => {
    await fleet.pki.issueDevice('rec-junk');
    const bundle = fleet.pki.device('rec-junk');
    const client = await connectAsync(fleet.brokerUrl, {
      clientId: 'rec-junk',
      cert: readFileSync(bundle.cert),
      key: readFileSync(bundle.key),
      ca: readFileSync(bundle.ca),
      reconnectPeriod: 0,
    });
    const before = fleet.ingestor.stats.dropped.malformed ?? 0;
    await client.publishAsync('vigil/v1/rec/rec-junk/hb', Buffer.from('definitely not an envelope'), { qos: 1 });
    const deadline = Date.now() + 5_000;
    while ((fleet.ingestor.stats.dropped.malformed ?? 0) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fleet.ingestor.stats.dropped.malformed).toBe(before + 1);
    await client.endAsync();

    await startAgent('rec-after-junk');
    await waitForState('rec-after-junk', 'online');
  });
});

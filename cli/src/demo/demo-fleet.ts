import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Agent, parseAgentConfig } from '@vigil/agent';
import { generatePassword, type DashboardStore } from '@vigil/dashboard';
import { writeSecret, type FleetPki } from '@vigil/proto';
import { DEMO_INSTALLATIONS, DEMO_NOC, DEMO_RESELLERS, demoRecorders } from './plan.js';

export interface DemoLogins {
  [username: string]: string;
}

/**
 * Demo users (one NOC, two resellers) with generated passwords kept in the data directory
 * (0600) so every demo start can print working logins; each reseller registers its SLCs.
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
    if (reseller) store.registerInstallation(installation.slc, reseller);
  }
  return logins;
}

/** Real agents (mqtt.js clients, sealed envelopes, last wills), one per demo recorder, in this process. */
export async function startDemoAgents(pki: FleetPki, brokerUrl: string, demoDir: string, logger: Logger, heartbeatSeconds = 10): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (const { installation, site, recorder } of demoRecorders()) {
    if (!pki.hasDevice(recorder.id)) await pki.issueDevice(recorder.id);
    const config = parseAgentConfig(
      {
        recorderId: recorder.id,
        broker: { url: brokerUrl },
        bundleDir: pki.device(recorder.id).dir,
        heartbeatSeconds,
        dataDir: join(demoDir, 'agents', recorder.id),
        inventory: {
          recorderName: recorder.name,
          installation: { slc: installation.slc, name: installation.name },
          site: { id: site.id, name: site.name, latitude: site.latitude, longitude: site.longitude },
          vmsVersion: '2024 R2',
          failoverPartner: recorder.failoverPartner ?? '',
          cameraCount: recorder.cameras,
          licensedCameras: recorder.licensed,
        },
      },
      `demo recorder ${recorder.id}`,
      demoDir,
    );
    const agent = new Agent(config, { logger: logger.child({ part: 'demo-agent' }) });
    await agent.start();
    agents.push(agent);
  }
  return agents;
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const VIGIL = join(resolve(import.meta.dirname, '..', '..'), 'cli', 'bin', 'vigil.js');
const dir = mkdtempSync(join(tmpdir(), 'vigil-agent-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = `
recorderId: rec-cli
broker: { url: "mqtts://127.0.0.1:1" }
bundleDir: ./no-bundle
inventory:
  installation: { slc: SLC-1 }
  site: { id: site-1 }
`;

/** `vigil agent ...` through the CLI entry, from the sources (the bundle is compared with them in bundle.test.ts). */
function vigil(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [VIGIL, 'agent', ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      VIGIL_AGENT_FROM_SOURCES: '1',
      VIGIL_RECORDER_ID: '',
      VIGIL_BROKER_URL: '',
      VIGIL_HEARTBEAT_SECONDS: '',
      VIGIL_AGENT_DATA_DIR: '',
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('vigil agent check', () => {
  it('fails on a misspelt key, naming the file, the key and the nearest valid key', () => {
    const path = join(dir, 'misspelt.yaml');
    writeFileSync(path, `${CONFIG}heartbeatSecnds: 10\nlogs:\n  files: [{ glob: /var/log/x/*.log }]\n  presetz: [milestone-xprotect]\n`);
    const result = vigil(['check', '--config', path]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`vigil: ${path} is not a valid agent config:`);
    expect(result.stderr).toContain('(top level): Unrecognized key: "heartbeatSecnds"; did you mean "heartbeatSeconds"?');
    expect(result.stderr).toContain('logs: Unrecognized key: "presetz"; did you mean "presets"?');
  });

  it('takes the overrides the CLI reads from the environment', () => {
    const path = join(dir, 'plain.yaml');
    writeFileSync(path, CONFIG);
    const result = vigil(['check', '--config', path], { VIGIL_RECORDER_ID: 'rec-from-env' });
    // No credentials in this folder: the check fails after validating the config.
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('valid config for recorder "rec-from-env"');
    const bad = vigil(['check', '--config', path], { VIGIL_HEARTBEAT_SECONDS: 'soon' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('heartbeatSeconds: expected a whole number of seconds from 1 to 3600, e.g. 30; got "soon"');
  });

  it('reports each broker URL of a list, in the order they are tried, and names a bad one', () => {
    const path = join(dir, 'nodes.yaml');
    writeFileSync(path, CONFIG.replace('broker: { url: "mqtts://127.0.0.1:1" }', 'broker:\n  url: [mqtts://node-a:8883, mqtts://node-b:8883]'));
    const result = vigil(['check', '--config', path]);
    expect(result.stdout).toContain(
      'valid config for recorder "rec-cli", 2 brokers (tried in this order, the next after a failure):\n  broker 1: mqtts://node-a:8883\n  broker 2: mqtts://node-b:8883\n',
    );
    const fromEnv = vigil(['check', '--config', path], { VIGIL_BROKER_URL: 'mqtts://node-c:8883,mqtt://node-d:1883' });
    expect(fromEnv.status).toBe(2);
    expect(fromEnv.stderr).toContain('broker.url: entry 2 ("mqtt://node-d:1883") is not an mqtts://host:port URL (TLS is required)');
  });
});

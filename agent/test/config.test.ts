import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadAgentConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-agent-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const VALID = `
recorderId: rec-01
broker: { url: "mqtts://fleet.example:8883" }
bundleDir: ./bundle
inventory:
  installation: { slc: M01-TEST-0001 }
  site: { id: hq, latitude: 55.6, longitude: 12.5 }
`;

describe('agent config', () => {
  it('resolves bundle paths relative to the config file and applies defaults', () => {
    const config = loadAgentConfig(write('ok.yaml', VALID), {});
    expect(config.tls.cert).toBe(join(dir, 'bundle', 'device.crt'));
    expect(config.envelope.signingKey).toBe(join(dir, 'bundle', 'signing.key'));
    expect(config.heartbeatSeconds).toBe(30);
  });

  it('lets environment variables override the file', () => {
    const config = loadAgentConfig(write('env.yaml', VALID), { VIGIL_HEARTBEAT_SECONDS: '10', VIGIL_RECORDER_ID: 'rec-02' });
    expect(config.heartbeatSeconds).toBe(10);
    expect(config.recorderId).toBe('rec-02');
  });

  it('names the file, the field and the fix', () => {
    const path = write('bad.yaml', VALID.replace('mqtts://fleet.example:8883', 'mqtt://fleet.example:1883').replace('latitude: 55.6', 'latitude: 123'));
    let error: unknown;
    try {
      loadAgentConfig(path, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toContain('broker.url: an mqtts://host:port URL (TLS is required)');
    expect(message).toContain('inventory.site.latitude');
  });

  it('says what to do when key paths are missing', () => {
    const path = write('nokeys.yaml', VALID.replace('bundleDir: ./bundle', ''));
    expect(() => loadAgentConfig(path, {})).toThrow(/tls\.cert: missing; set it, or set bundleDir/);
  });

  it('explains an unreadable file and invalid YAML', () => {
    expect(() => loadAgentConfig(join(dir, 'nope.yaml'), {})).toThrow(/cannot read the file \(ENOENT\)/);
    expect(() => loadAgentConfig(write('broken.yaml', 'recorderId: [unclosed'), {})).toThrow(/not valid YAML/);
  });
});

describe('agent.sample.yaml', () => {
  it('is a valid config with every collector', async () => {
    const { fileURLToPath } = await import('node:url');
    const config = loadAgentConfig(fileURLToPath(new URL('../agent.sample.yaml', import.meta.url)), {});
    expect(config.logs?.files).toHaveLength(1);
    expect(config.disks?.paths).toHaveLength(2);
    expect(config.services?.watch).toHaveLength(6);
    expect(config.licences?.source).toEqual({ file: './licence.json' });
  });
});

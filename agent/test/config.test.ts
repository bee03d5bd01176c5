import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadAgentConfig, readAgentEnvironment } from '../src/index.js';

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
    // The CLI reads the environment once and hands the values down.
    const { configOverrides } = readAgentEnvironment({ VIGIL_HEARTBEAT_SECONDS: '10', VIGIL_RECORDER_ID: 'rec-02' });
    const config = loadAgentConfig(write('env.yaml', VALID), configOverrides);
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

  it('takes several broker URLs as a YAML list or separated by commas (VIGIL_BROKER_URL too), and names a bad entry', () => {
    const list = loadAgentConfig(
      write(
        'list.yaml',
        VALID.replace('broker: { url: "mqtts://fleet.example:8883" }', 'broker:\n  url:\n    - mqtts://node-a:8883\n    - mqtts://node-b:8883'),
      ),
      {},
    );
    expect(list.broker.urls).toEqual(['mqtts://node-a:8883', 'mqtts://node-b:8883']);
    const commas = loadAgentConfig(write('commas.yaml', VALID.replace('mqtts://fleet.example:8883', 'mqtts://node-a:8883, mqtts://node-b:8883')), {});
    expect(commas.broker.urls).toEqual(['mqtts://node-a:8883', 'mqtts://node-b:8883']);
    const { configOverrides } = readAgentEnvironment({ VIGIL_BROKER_URL: 'mqtts://node-b:8883,mqtts://node-a:8883' });
    expect(loadAgentConfig(write('env-list.yaml', VALID), configOverrides).broker.urls).toEqual(['mqtts://node-b:8883', 'mqtts://node-a:8883']);
    // One URL, as every existing config has it, is a list of one.
    expect(loadAgentConfig(write('one.yaml', VALID), {}).broker.urls).toEqual(['mqtts://fleet.example:8883']);
    const bad = write(
      'bad-list.yaml',
      VALID.replace('broker: { url: "mqtts://fleet.example:8883" }', 'broker:\n  url: [mqtts://node-a:8883, mqtt://node-b:1883]'),
    );
    expect(() => loadAgentConfig(bad, {})).toThrow(/broker\.url: entry 2 \("mqtt:\/\/node-b:1883"\) is not an mqtts:\/\/host:port URL \(TLS is required\)/);
    expect(() => loadAgentConfig(write('empty-list.yaml', VALID.replace('broker: { url: "mqtts://fleet.example:8883" }', 'broker: { url: [] }')), {})).toThrow(
      /broker\.url: at least one mqtts:\/\/host:port URL/,
    );
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

describe('unknown keys', () => {
  const problemsOf = (text: string): { message: string; problems: string[] } => {
    const path = write('unknown.yaml', text);
    try {
      loadAgentConfig(path, {});
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return { message: (error as ConfigError).message, problems: (error as ConfigError).problems };
    }
    throw new Error('expected a ConfigError');
  };

  it('reports a misspelt top-level key with the file and the nearest valid key', () => {
    const { message, problems } = problemsOf(`${VALID}heartbeatSecnds: 10\n`);
    expect(message).toContain(join(dir, 'unknown.yaml'));
    expect(problems).toEqual(['(top level): Unrecognized key: "heartbeatSecnds"; did you mean "heartbeatSeconds"?']);
  });

  it('reports misspelt keys inside collector sections, their list entries and nested objects', () => {
    const { problems } = problemsOf(`${VALID.replace('latitude: 55.6', 'lattitude: 55.6')}
logs:
  files: [{ glob: /var/log/xprotect/*.log, encodng: utf8 }]
  startat: beginning
disks:
  paths: [{ path: /, role: archive }]
  filling: { horizonHour: 12 }
services:
  manager: systemd
  watch: [{ name: Recording Server, unit: milestone.service, comand: "true" }]
licences:
  source: { file: ./licence.json }
  timeout: 5
spool: { maxMegabyte: 10 }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'logs.files.0: Unrecognized key: "encodng"; did you mean "encoding"?',
        'logs: Unrecognized key: "startat"; did you mean "startAt"?',
        'disks.filling: Unrecognized key: "horizonHour"; did you mean "horizonHours"?',
        'services.watch.0: Unrecognized key: "comand"; did you mean "command"?',
        'licences: Unrecognized key: "timeout"; did you mean "timeoutSeconds"?',
        'spool: Unrecognized key: "maxMegabyte"; did you mean "maxMegabytes"?',
        'inventory.site: Unrecognized key: "lattitude"; did you mean "latitude"?',
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it('lists the valid keys when nothing is close, and reports every unknown key of an object', () => {
    const { problems } = problemsOf(`${VALID}broker2: {}\ntls: { certificate: a.crt, zzz: 1 }\n`);
    expect(problems).toContain('(top level): Unrecognized key: "broker2"; did you mean "broker"?');
    expect(problems).toContain('tls: Unrecognized key: "certificate"; the keys here are cert, key, ca, renewBeforeDays, renewUrl');
    expect(problems).toContain('tls: Unrecognized key: "zzz"; the keys here are cert, key, ca, renewBeforeDays, renewUrl');
  });

  it('names the path and the expected type of a value of the wrong type', () => {
    const { problems } = problemsOf(`${VALID}heartbeatSeconds: "30s"\n`);
    expect(problems).toEqual(['heartbeatSeconds: expected a whole number of seconds from 1 to 3600, e.g. 30; got "30s"']);
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

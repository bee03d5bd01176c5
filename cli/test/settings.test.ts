import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerSettings, dashboardSettings, ingestorSettings, misspeltVariables, pkiSettings, SettingsError, upSettings } from '../src/index.js';
import { FLEET_VARIABLES } from '../src/settings/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const VIGIL = resolve(ROOT, 'cli', 'bin', 'vigil.js');

/** Runs the vigil command as a user would, with only the given variables (and PATH) set. */
function vigil(args: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, [VIGIL, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The message of the SettingsError that parsing throws. */
function failure(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('parsed without an error');
}

describe('settings: flags win over environment variables, which win over defaults', () => {
  it('vigil up', () => {
    const defaults = upSettings.parse({}, {});
    expect(defaults).toMatchObject({
      dataDir: resolve('./data'),
      httpPort: 8080,
      mqttPort: 8883,
      wssPort: 8884,
      metricsPort: 9883,
      enrollPort: 8885,
      host: '127.0.0.1',
      logLevel: 'warn',
      adminPassword: undefined,
    });
    expect(defaults.map).toEqual({ tilesUrl: null, attribution: 'Country shapes: Natural Earth (world-atlas)' });
    expect(defaults.ingest).toEqual({
      telemetry: {},
      groupCommit: {},
      drainInWorker: true,
      traceMqtt: false,
      problemLifetimes: {},
      outboxStallSeconds: 300,
      alertGroupSeconds: 10,
    });
    expect(defaults.demoAgentLogLevel).toBe('warn');

    const fromEnv = upSettings.parse({}, { VIGIL_HTTP_PORT: '9090', VIGIL_HOST: '0.0.0.0', VIGIL_DATA_DIR: '/srv/vigil', VIGIL_LOG_LEVEL: 'info' });
    expect(fromEnv).toMatchObject({ httpPort: 9090, host: '0.0.0.0', dataDir: '/srv/vigil', logLevel: 'info', demoAgentLogLevel: 'info' });

    const fromFlags = upSettings.parse(
      { httpPort: '7070', host: '10.0.0.1', dataDir: '/var/lib/vigil' },
      { VIGIL_HTTP_PORT: '9090', VIGIL_HOST: '0.0.0.0', VIGIL_DATA_DIR: '/srv/vigil' },
    );
    expect(fromFlags).toMatchObject({ httpPort: 7070, host: '10.0.0.1', dataDir: '/var/lib/vigil' });
  });

  it('an empty variable counts as unset', () => {
    expect(upSettings.parse({}, { VIGIL_HTTP_PORT: '', VIGIL_ADMIN_PASSWORD: '', VIGIL_LOG_LEVEL: '' })).toMatchObject({
      httpPort: 8080,
      adminPassword: undefined,
      logLevel: 'warn',
    });
  });

  it('vigil broker', () => {
    expect(brokerSettings.parse({}, {})).toEqual({
      dataDir: resolve('./data'),
      mqttPort: 8883,
      wssPort: 8884,
      metricsPort: 9883,
      enrollPort: 8885,
      host: '127.0.0.1',
      deviceCertDays: 825,
      handshakesPerAddress: 32,
      logLevel: 'info',
    });
    expect(brokerSettings.parse({}, { VIGIL_MQTT_PORT: '1883', VIGIL_ENROLL_PORT: '0' })).toMatchObject({ mqttPort: 1883, enrollPort: 0 });
    expect(brokerSettings.parse({}, { VIGIL_DEVICE_CERT_DAYS: '90' })).toMatchObject({ deviceCertDays: 90 });
    // Behind a load balancer that hides the recorders' addresses, the fleet is one address.
    expect(brokerSettings.parse({}, { VIGIL_BROKER_HANDSHAKES_PER_ADDRESS: '256' })).toMatchObject({ handshakesPerAddress: 256 });
    expect(upSettings.parse({}, { VIGIL_BROKER_HANDSHAKES_PER_ADDRESS: '64' })).toMatchObject({ handshakesPerAddress: 64 });
    expect(failure(() => brokerSettings.parse({}, { VIGIL_BROKER_HANDSHAKES_PER_ADDRESS: 'all' }))).toBe(
      'VIGIL_BROKER_HANDSHAKES_PER_ADDRESS is "all": expected a whole number of at least 1, e.g. 256',
    );
    expect(failure(() => brokerSettings.parse({}, { VIGIL_DEVICE_CERT_DAYS: '0' }))).toBe(
      'VIGIL_DEVICE_CERT_DAYS is "0": expected a whole number of at least 1, e.g. 365',
    );
    expect(brokerSettings.parse({ mqttPort: '2883' }, { VIGIL_MQTT_PORT: '1883' })).toMatchObject({ mqttPort: 2883 });
  });

  it('vigil ingestor', () => {
    const defaults = ingestorSettings.parse({}, {});
    expect(defaults).toMatchObject({ brokerUrl: 'mqtts://127.0.0.1:8883', metrics: { port: 9883, host: '127.0.0.1' }, logLevel: 'info' });
    expect(defaults.ingest).toEqual({
      telemetry: {},
      groupCommit: {},
      drainInWorker: true,
      traceMqtt: false,
      problemLifetimes: {},
      outboxStallSeconds: 300,
      alertGroupSeconds: 10,
    });

    const env = {
      VIGIL_MQTT_PORT: '1883',
      VIGIL_INGESTOR_GROUP_MESSAGES: '1',
      VIGIL_INGESTOR_GROUP_MS: '400',
      VIGIL_INGESTOR_DRAIN_WORKER: '0',
      DEBUG: 'mqttjs*',
      VIGIL_PROBLEM_LIFETIMES: 'archive-fatal-error=48h, archive-move-failed=30m',
      VIGIL_INFLUX_URL: 'http://127.0.0.1:8086',
      VIGIL_INFLUX_BUCKET: 'vigil',
      VIGIL_INFLUX_TOKEN: 'secret-token',
      VIGIL_INFLUX_ORG: 'acme-noc',
      VIGIL_INFLUX_API: 'v1',
      VIGIL_OUTBOX_STALL_SECONDS: '600',
      VIGIL_ALERT_GROUP_SECONDS: '0',
      VIGIL_DASHBOARD_URL: 'https://vigil.example.com/',
    };
    const fromEnv = ingestorSettings.parse({}, env);
    expect(fromEnv.brokerUrl).toBe('mqtts://127.0.0.1:1883');
    expect(fromEnv.ingest).toEqual({
      telemetry: {
        VIGIL_INFLUX_URL: 'http://127.0.0.1:8086',
        VIGIL_INFLUX_BUCKET: 'vigil',
        VIGIL_INFLUX_TOKEN: 'secret-token',
        VIGIL_INFLUX_ORG: 'acme-noc',
        VIGIL_INFLUX_API: 'v1',
      },
      groupCommit: { maxMessages: 1, maxDelayMs: 400 },
      drainInWorker: false,
      problemLifetimes: { 'archive-fatal-error': 48 * 3_600_000, 'archive-move-failed': 30 * 60_000 },
      traceMqtt: true,
      outboxStallSeconds: 600,
      alertGroupSeconds: 0,
      dashboardUrl: 'https://vigil.example.com',
    });
    // Redis (the single-active lease): unset by default, a flag over the variable, a bad one named
    // without echoing a password it may hold.
    expect(defaults.redisUrl).toBeUndefined();
    expect(ingestorSettings.parse({}, { VIGIL_REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(ingestorSettings.parse({ redisUrl: 'rediss://r.example:6380' }, { VIGIL_REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).toBe(
      'rediss://r.example:6380',
    );
    // The same setting as the broker's: the URL is shown with its login masked.
    const wrongScheme = failure(() => ingestorSettings.parse({}, { VIGIL_REDIS_URL: 'http://:hunter2@r.example' }));
    expect(wrongScheme).toBe(
      'VIGIL_REDIS_URL (or --redis-url) is "http://***@r.example": expected a redis:// or rediss:// URL with a host and an optional database number, e.g. redis://127.0.0.1:6379/0',
    );
    expect(wrongScheme).not.toContain('hunter2');
    expect(() => ingestorSettings.parse({}, { VIGIL_ALERT_GROUP_SECONDS: '10s' })).toThrow(
      /VIGIL_ALERT_GROUP_SECONDS is "10s": expected a whole number of seconds, 0 or more/,
    );
    expect(() => ingestorSettings.parse({}, { VIGIL_DASHBOARD_URL: 'vigil.example.com' })).toThrow(/VIGIL_DASHBOARD_URL/);
    expect(() => ingestorSettings.parse({}, { VIGIL_OUTBOX_STALL_SECONDS: '5 min' })).toThrow(
      /VIGIL_OUTBOX_STALL_SECONDS is "5 min": expected a whole number of at least 1, e.g. 600/,
    );
    expect(ingestorSettings.parse({}, { ...env, VIGIL_BROKER_URL: 'mqtts://broker.example:8883' }).brokerUrl).toBe('mqtts://broker.example:8883');
    expect(ingestorSettings.parse({ brokerUrl: 'mqtts://flag.example:8883' }, { ...env, VIGIL_BROKER_URL: 'mqtts://broker.example:8883' }).brokerUrl).toBe(
      'mqtts://flag.example:8883',
    );
    expect(ingestorSettings.parse({}, { VIGIL_INGESTOR_DRAIN_WORKER: '1' }).ingest.drainInWorker).toBe(true);
  });

  it('vigil dashboard', () => {
    const defaults = dashboardSettings.parse({}, {});
    expect(defaults).toMatchObject({ httpPort: 8080, brokerUrl: 'mqtts://127.0.0.1:8883', logLevel: 'info', adminPassword: undefined, telemetry: {} });
    expect(defaults.map).toEqual({ tilesUrl: null, attribution: 'Country shapes: Natural Earth (world-atlas)' });

    const tiles = 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png';
    const fromEnv = dashboardSettings.parse({}, { VIGIL_MAP_TILES_URL: ` ${tiles} `, VIGIL_ADMIN_PASSWORD: ' two words ', VIGIL_HTTP_PORT: '8181' });
    expect(fromEnv).toMatchObject({ httpPort: 8181, adminPassword: ' two words ', map: { tilesUrl: tiles, attribution: '© OpenStreetMap contributors' } });
    expect(dashboardSettings.parse({}, { VIGIL_MAP_TILES_URL: tiles, VIGIL_MAP_ATTRIBUTION: 'Our tiles' }).map).toEqual({
      tilesUrl: tiles,
      attribution: 'Our tiles',
    });
    expect(dashboardSettings.parse({ httpPort: '8282', brokerUrl: 'wss://fleet.example/mqtt' }, { VIGIL_HTTP_PORT: '8181' })).toMatchObject({
      httpPort: 8282,
      brokerUrl: 'wss://fleet.example/mqtt',
    });
  });

  it('vigil pki reads only the data directory and how long the certificates it issues are valid', () => {
    expect(pkiSettings.parse({}, { VIGIL_HTTP_PORT: 'not a port' })).toEqual({ dataDir: resolve('./data'), deviceCertDays: 825 });
    expect(pkiSettings.parse({ dataDir: '/a' }, { VIGIL_DATA_DIR: '/b', VIGIL_DEVICE_CERT_DAYS: '30' })).toEqual({ dataDir: '/a', deviceCertDays: 30 });
  });
});

describe('settings: a bad value stops the start with its flag, its variable, what is expected and an example', () => {
  it('from the environment', () => {
    expect(failure(() => upSettings.parse({}, { VIGIL_HTTP_PORT: 'abc' }))).toBe(
      'VIGIL_HTTP_PORT (or --http-port) is "abc": expected a TCP port number from 1 to 65535, or 0 for any free port, e.g. 8080',
    );
  });

  it('from a flag', () => {
    const message = failure(() => brokerSettings.parse({ mqttPort: '70000' }, {}));
    expect(message).toMatch(/^--mqtt-port \(or VIGIL_MQTT_PORT\) is "70000": expected a TCP port number/);
    expect(message).toMatch(/e\.g\. 8883$/);
  });

  it('settings without a flag name their variable', () => {
    expect(failure(() => upSettings.parse({}, { VIGIL_LOG_LEVEL: 'loud' }))).toBe(
      'VIGIL_LOG_LEVEL is "loud": expected one of fatal, error, warn, info, debug, trace, silent, e.g. debug',
    );
    expect(failure(() => ingestorSettings.parse({}, { VIGIL_INGESTOR_GROUP_MS: '0' }))).toBe(
      'VIGIL_INGESTOR_GROUP_MS is "0": expected a whole number of at least 1, e.g. 5',
    );
    expect(failure(() => ingestorSettings.parse({}, { VIGIL_PROBLEM_LIFETIMES: 'archive-move-failed=30m,media-db-failure=6h' }))).toMatch(
      /^VIGIL_PROBLEM_LIFETIMES is "archive-move-failed=30m,media-db-failure=6h": expected code=duration pairs separated by commas, but "media-db-failure" is not a problem code \(known: .*media-db-write-failure.*\), e\.g\. archive-fatal-error=48h,archive-move-failed=30m$/,
    );
    expect(failure(() => ingestorSettings.parse({}, { VIGIL_INGESTOR_DRAIN_WORKER: 'no' }))).toContain(
      'VIGIL_INGESTOR_DRAIN_WORKER is "no": expected 0 (off) or 1 (on)',
    );
    expect(failure(() => dashboardSettings.parse({}, { VIGIL_MAP_TILES_URL: 'tiles/{z}/{x}/{y}.png' }))).toContain(
      'VIGIL_MAP_TILES_URL is "tiles/{z}/{x}/{y}.png": expected an http:// or https:// tile URL',
    );
    expect(failure(() => dashboardSettings.parse({ brokerUrl: 'http://broker' }, {}))).toContain(
      '--broker-url (or VIGIL_BROKER_URL) is "http://broker": expected an MQTT URL',
    );
    expect(failure(() => ingestorSettings.parse({}, { VIGIL_BROKER_URL: 'mqtts://a:8883, http://b' }))).toContain(
      'VIGIL_BROKER_URL (or --broker-url) is "mqtts://a:8883, http://b": expected an MQTT URL (mqtts://, mqtt://, wss://, ws://, tls://, tcp://) or several mqtts:// URLs separated by commas; entry 2 ("http://b") is not one',
    );
    expect(failure(() => ingestorSettings.parse({}, { VIGIL_BROKER_URL: 'mqtts://a:8883,wss://b:8884/mqtt' }))).toContain(
      'broker URL 2 of 2 ("wss://b:8884/mqtt"): a list takes mqtts:// or mqtt:// URLs',
    );
    expect(failure(() => brokerSettings.parse({}, { VIGIL_REDIS_URL: 'redis://user:secret@:6379/x' }))).toBe(
      'VIGIL_REDIS_URL (or --redis-url) is "redis://***@:6379/x": expected a redis:// or rediss:// URL with a host and an optional database number, e.g. redis://127.0.0.1:6379/0',
    );
  });

  it('takes a comma-separated list of broker nodes in VIGIL_BROKER_URL, and a Redis URL for the broker', () => {
    expect(ingestorSettings.parse({}, { VIGIL_BROKER_URL: ' mqtts://a:8883 , mqtts://b:8883 ' }).brokerUrl).toBe('mqtts://a:8883,mqtts://b:8883');
    expect(dashboardSettings.parse({ brokerUrl: 'mqtts://a:8883,mqtts://b:8883' }, {}).brokerUrl).toBe('mqtts://a:8883,mqtts://b:8883');
    expect(brokerSettings.parse({}, { VIGIL_REDIS_URL: 'redis://127.0.0.1:6379/0' }).redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(brokerSettings.parse({}, {}).redisUrl).toBeUndefined();
  });

  it('names every bad value at once, one per line', () => {
    const message = failure(() => upSettings.parse({ wssPort: 'x' }, { VIGIL_HTTP_PORT: 'y' }));
    expect(message.split('\nvigil: ')).toHaveLength(2);
    expect(message).toContain('--wss-port (or VIGIL_WSS_PORT) is "x"');
    expect(message).toContain('VIGIL_HTTP_PORT (or --http-port) is "y"');
  });
});

describe('settings: a misspelt variable', () => {
  it('is named with the variable probably meant', () => {
    expect(
      misspeltVariables({ VIGIL_HTTP_PROT: '1', VIGIL_INFLUX_BUCKETS: 'x', VIGIL_HTTP_PORT: '2', VIGIL_SOMETHING_ELSE: '3', HOME: '/root' }, FLEET_VARIABLES),
    ).toEqual([
      { variable: 'VIGIL_HTTP_PROT', meant: 'VIGIL_HTTP_PORT' },
      { variable: 'VIGIL_INFLUX_BUCKETS', meant: 'VIGIL_INFLUX_BUCKET' },
    ]);
  });

  it('leaves alone the variables the agent, the launcher and the tests read', () => {
    expect(
      misspeltVariables({ VIGIL_RECORDER_ID: 'r', VIGIL_AGENT_FROM_SOURCES: '1', VIGIL_TEST_LOG_LEVEL: 'info', VIGIL_STRICT: '1' }, FLEET_VARIABLES),
    ).toEqual([]);
  });
});

describe('settings: documentation', () => {
  it('the README lists every variable the fleet side reads', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
    const missing = FLEET_VARIABLES.filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

describe('settings: the vigil command', () => {
  it('exits with code 2 and one line naming the flag and the variable, before anything starts', () => {
    const run = vigil(['broker'], { VIGIL_MQTT_PORT: 'abc' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'vigil: VIGIL_MQTT_PORT (or --mqtt-port) is "abc": expected a TCP port number from 1 to 65535, or 0 for any free port, e.g. 8883\n',
    );
  });

  it('warns about a misspelt variable in its log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-settings-'));
    try {
      const run = vigil(['broker', '--data-dir', dir], { VIGIL_MQTT_PROT: '1883' });
      expect(run.stdout).toContain('VIGIL_MQTT_PROT is set but nothing reads it: did you mean VIGIL_MQTT_PORT?');
      expect(run.stderr).toContain('no fleet PKI in');
      expect(run.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

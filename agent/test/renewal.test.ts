import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker } from '@vigil/broker';
import { FleetPki } from '@vigil/proto/pki';
import { type AgentConfig, type ConfigError, parseAgentConfig } from '../src/config.js';
import { loadCredentials } from '../src/credentials.js';
import { CertificateRenewer, finishPendingRenewal, pendingRenewalPaths, readRenewalStatus, renewalUrl } from '../src/renewal.js';

const DAY = 86_400_000;

/** A pino logger whose lines the test reads. */
function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const newTlsKey = () =>
  generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

describe('agent certificate renewal', () => {
  let dir: string;
  let pki: FleetPki;
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-agent-renew-'));
    pki = new FleetPki(join(dir, 'pki'), { deviceCertificateDays: 10 });
    await pki.init();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A recorder with a bundle of its own (a copy, so the test may break it) and its config. */
  async function recorder(tls: Record<string, unknown> = {}): Promise<AgentConfig> {
    const id = `rec-${++n}`;
    await pki.issueDevice(id);
    const bundle = join(dir, `bundle-${id}`);
    const source = pki.device(id);
    rmSync(bundle, { recursive: true, force: true });
    mkdirSync(bundle);
    for (const [from, to] of [
      [source.cert, 'device.crt'],
      [source.key, 'device.key'],
      [source.ca, 'ca.crt'],
      [source.signingKey, 'signing.key'],
      [source.recipientPublicKey, 'recipient.pub.pem'],
    ] as const)
      copyFileSync(from, join(bundle, to));
    return parseAgentConfig(
      {
        recorderId: id,
        broker: { url: 'mqtts://fleet.example.com:8883' },
        bundleDir: bundle,
        dataDir: join(dir, `data-${id}`),
        tls,
        inventory: { installation: { slc: 'X-1' }, site: { id: 's' } },
      },
      'agent.yaml',
      dir,
    );
  }

  /** What a renewal a crash interrupted may leave: the new key and the broker's certificate for it. */
  async function renewedFor(config: AgentConfig): Promise<{ key: string; cert: string }> {
    const key = newTlsKey();
    const serial = new X509Certificate(readFileSync(config.tls.cert)).serialNumber;
    const { certificate } = await pki.renewDevice(config.recorderId, serial, key.publicKey);
    return { key: key.privateKey, cert: certificate };
  }

  it('config: tls.renewBeforeDays defaults to 30 and is checked; tls.renewUrl must be https; the URL defaults to the broker host at 8885', async () => {
    const config = await recorder();
    expect(config.tls.renewBeforeDays).toBe(30);
    expect(renewalUrl(config).href).toBe('https://fleet.example.com:8885/renew');
    expect(renewalUrl({ ...config, tls: { ...config.tls, renewUrl: 'https://enrol.example.com:9443' } }).href).toBe('https://enrol.example.com:9443/renew');
    const problems = (tls: Record<string, unknown>) => {
      try {
        parseAgentConfig(
          { recorderId: 'r', broker: { url: 'mqtts://h:1' }, bundleDir: '.', tls, inventory: { installation: { slc: 'X' }, site: { id: 's' } } },
          'agent.yaml',
          dir,
        );
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ renewBeforeDays: -1 }).join()).toMatch(/tls\.renewBeforeDays/);
    expect(problems({ renewBeforeDays: 'thirty' }).join()).toMatch(/tls\.renewBeforeDays/);
    expect(problems({ renewUrl: 'http://enrol.example.com:8885' }).join()).toMatch(/tls\.renewUrl: the https:\/\/host:port URL/);
  });

  it('after a crash: a new key without its certificate is thrown away, the old pair kept', async () => {
    const config = await recorder();
    const before = readFileSync(config.tls.cert, 'utf8');
    writeFileSync(pendingRenewalPaths(config).key, newTlsKey().privateKey);
    expect(finishPendingRenewal(config)).toBe('discarded');
    expect(existsSync(pendingRenewalPaths(config).key)).toBe(false);
    expect(readFileSync(config.tls.cert, 'utf8')).toBe(before);
    expect(() => loadCredentials(config, 'agent.yaml')).not.toThrow();
  });

  it('after a crash: a saved certificate is installed with its key, whether the key was still aside or already in place', async () => {
    for (const keyAlreadyMoved of [false, true]) {
      const config = await recorder();
      const renewed = await renewedFor(config);
      const pending = pendingRenewalPaths(config);
      writeFileSync(keyAlreadyMoved ? config.tls.key : pending.key, renewed.key, { mode: 0o600 });
      writeFileSync(pending.cert, renewed.cert);
      // Half way the pair does not match: the agent could not start on it.
      if (keyAlreadyMoved) expect(() => loadCredentials(config, 'agent.yaml')).toThrow(/does not belong/);
      expect(finishPendingRenewal(config)).toBe('installed');
      expect(readFileSync(config.tls.cert, 'utf8')).toBe(renewed.cert);
      expect(readFileSync(config.tls.key, 'utf8')).toBe(renewed.key);
      expect(existsSync(pending.cert) || existsSync(pending.key)).toBe(false);
      expect(() => loadCredentials(config, 'agent.yaml')).not.toThrow();
    }
  });

  it('after a crash: a saved certificate that matches neither key is thrown away', async () => {
    const config = await recorder();
    const renewed = await renewedFor(config);
    writeFileSync(pendingRenewalPaths(config).cert, renewed.cert);
    expect(finishPendingRenewal(config)).toBe('discarded');
    expect(existsSync(pendingRenewalPaths(config).cert)).toBe(false);
    expect(() => loadCredentials(config, 'agent.yaml')).not.toThrow();
  });

  it('does nothing before the window, and says when it will look again', async () => {
    const config = await recorder({ renewBeforeDays: 5 });
    const { logger, lines } = capture();
    let renewed = 0;
    const renewer = new CertificateRenewer(config, { logger, onRenewed: () => renewed++ });
    await renewer.check();
    await renewer.stop();
    expect(renewed).toBe(0);
    expect(lines.some((line) => line.msg === 'certificate due for renewal; renewing')).toBe(false);
    const status = readRenewalStatus(config);
    expect(Date.parse(status?.renewFrom ?? '')).toBeCloseTo(Date.parse(new X509Certificate(readFileSync(config.tls.cert)).validTo) - 5 * DAY, -3);
    expect(Date.parse(status?.nextCheckAt ?? '') - Date.now()).toBeLessThanOrEqual(DAY);
  });

  it('an endpoint that cannot be reached: the pair in use is kept, the failure logged and saved, retried with backoff', async () => {
    const config = await recorder({ renewUrl: `https://127.0.0.1:${await closedPort()}` });
    const before = readFileSync(config.tls.cert, 'utf8');
    const { logger, lines } = capture();
    const renewer = new CertificateRenewer(config, { logger, onRenewed: () => undefined, random: () => 0.5 });
    await renewer.check();
    await renewer.stop();
    expect(readFileSync(config.tls.cert, 'utf8')).toBe(before);
    expect(existsSync(pendingRenewalPaths(config).key)).toBe(false);
    const warning = lines.find((line) => line.msg === 'certificate renewal failed; retrying');
    expect(warning?.err).toMatch(/ECONNREFUSED/);
    const status = readRenewalStatus(config);
    expect(status?.lastError).toMatch(/ECONNREFUSED/);
    const wait = Date.parse(status?.nextCheckAt ?? '') - Date.now();
    expect(wait).toBeGreaterThan(30_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    // Nothing secret in what it logged or saved.
    const key = readFileSync(config.tls.key, 'utf8').split('\n')[1] ?? 'unreachable';
    expect(JSON.stringify(lines)).not.toContain(key);
    expect(readFileSync(join(config.dataDir, 'renewal.json'), 'utf8')).not.toContain(key);
  });

  it('renews against a real enrolment endpoint, saves 0600, and waits as long as a 429 says', async () => {
    const broker = await startBroker({
      port: 0,
      tls: pki.broker(),
      registryPath: pki.registryPath,
      enrollment: { port: 0, pki, limits: { global: { rate: 0.001, burst: 1 } } },
      logger: pino({ level: 'silent' }),
    });
    try {
      const config = await recorder({ renewUrl: `https://127.0.0.1:${broker.enrollPort}` });
      const before = new X509Certificate(readFileSync(config.tls.cert));
      const { logger, lines } = capture();
      const renewed: string[] = [];
      const renewer = new CertificateRenewer(config, { logger, onRenewed: (credentials) => renewed.push(credentials.cert.toString()) });
      await renewer.check();
      expect(renewed).toHaveLength(1);
      const after = new X509Certificate(readFileSync(config.tls.cert));
      expect(after.serialNumber).not.toBe(before.serialNumber);
      expect(renewed[0]).toBe(readFileSync(config.tls.cert, 'utf8'));
      expect(statSync(config.tls.key).mode & 0o777).toBe(0o600);
      expect(() => loadCredentials(config, 'agent.yaml')).not.toThrow();
      expect(readRenewalStatus(config)?.lastRenewedAt).toBeDefined();
      // The fleet issues 10-day certificates: still within 30 days, said once, not renewed in a loop.
      expect(lines.some((line) => String(line.msg).startsWith('the renewed certificate is already within tls.renewBeforeDays'))).toBe(true);

      // The next try meets the global limit: it waits at least what Retry-After says.
      await renewer.check();
      await renewer.stop();
      expect(renewed).toHaveLength(1);
      const status = readRenewalStatus(config);
      expect(status?.lastError).toMatch(/answered 429/);
      expect(Date.parse(status?.nextCheckAt ?? '') - Date.now()).toBeGreaterThan(500_000);
      expect(new X509Certificate(readFileSync(config.tls.cert)).serialNumber).toBe(after.serialNumber);
    } finally {
      await broker.close();
    }
  });
});

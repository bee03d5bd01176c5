import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:tls';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startBroker } from '@vigil/broker';
import { FleetPki } from '@vigil/proto/pki';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');
const dir = mkdtempSync(join(tmpdir(), 'vigil-pki-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vigil = (...args: string[]) => spawnSync(process.execPath, [VIGIL, ...args, '--data-dir', dir], { encoding: 'utf8' });
const mode = (path: string) => statSync(path).mode & 0o777;

describe('vigil pki', () => {
  it('init creates the CA, broker certificate, service identities and envelope key, private keys 0600', () => {
    const first = vigil('pki', 'init', '--broker-host', 'fleet.example.com');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('fleet CA');
    const pki = join(dir, 'pki');
    for (const key of ['ca.key', 'broker.key', 'envelope.key', 'services/ingestor.key', 'services/dashboard.key']) {
      expect(mode(join(pki, key))).toBe(0o600);
    }
    const broker = new X509Certificate(readFileSync(join(pki, 'broker.crt')));
    expect(broker.subjectAltName).toContain('DNS:fleet.example.com');
    expect(broker.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(broker.verify(new X509Certificate(readFileSync(join(pki, 'ca.crt'))).publicKey)).toBe(true);

    const again = vigil('pki', 'init');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('nothing changed');
  });

  it('issue writes a device bundle whose certificate names the recorder and chains to the CA', () => {
    const result = vigil('pki', 'issue', 'rec-0042');
    expect(result.status).toBe(0);
    const bundle = join(dir, 'pki', 'devices', 'rec-0042');
    expect(result.stdout).toContain(bundle);
    const cert = new X509Certificate(readFileSync(join(bundle, 'device.crt')));
    expect(cert.subject).toContain('CN=rec-0042');
    expect(cert.subject).toContain('OU=recorder');
    expect(cert.verify(new X509Certificate(readFileSync(join(bundle, 'ca.crt'))).publicKey)).toBe(true);
    expect(mode(join(bundle, 'device.key'))).toBe(0o600);
    expect(mode(join(bundle, 'signing.key'))).toBe(0o600);
    expect(readFileSync(join(dir, 'pki', 'signers', 'rec-0042.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('issue makes certificates valid 825 days, or VIGIL_DEVICE_CERT_DAYS', () => {
    const days = (id: string) =>
      (Date.parse(new X509Certificate(readFileSync(join(dir, 'pki', 'devices', id, 'device.crt'))).validTo) - Date.now()) / 86_400_000;
    expect(days('rec-0042')).toBeGreaterThan(824);
    expect(days('rec-0042')).toBeLessThan(826);
    const result = spawnSync(process.execPath, [VIGIL, 'pki', 'issue', 'rec-short', '--data-dir', dir], {
      encoding: 'utf8',
      env: { ...process.env, VIGIL_DEVICE_CERT_DAYS: '45' },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(days('rec-short')).toBeGreaterThan(44);
    expect(days('rec-short')).toBeLessThan(46);
  });

  it('refuses a recorder id that cannot be a topic level, saying what is allowed', () => {
    const result = vigil('pki', 'issue', 'bad/id');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('vigil: recorder id "bad/id" is not valid: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  });

  it('init --broker-host on an existing PKI adds the names to the broker certificate (same key and CA, other names kept), and a running broker serves it', async () => {
    const pki = join(dir, 'pki');
    const before = new X509Certificate(readFileSync(join(pki, 'broker.crt')));
    const caBefore = readFileSync(join(pki, 'ca.crt'), 'utf8');
    const fleet = new FleetPki(pki);
    const broker = await startBroker({
      port: 0,
      host: '127.0.0.1',
      tls: fleet.broker(),
      registryPath: fleet.registryPath,
      reloadIntervalMs: 200,
      logger: pino({ level: 'silent' }),
    });
    // A TLS handshake as a client reaching the broker by this name (a service identity: the broker wants a client certificate).
    const handshake = (servername: string) =>
      new Promise<string>((done) => {
        const identity = fleet.service('dashboard');
        const socket = connect({
          host: '127.0.0.1',
          port: broker.port,
          servername,
          ca: readFileSync(identity.ca),
          cert: readFileSync(identity.cert),
          key: readFileSync(identity.key),
        });
        socket.once('secureConnect', () => {
          socket.destroy();
          done('ok');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      });
    try {
      expect(await handshake('vigil.example.net')).toBe('ERR_TLS_CERT_ALTNAME_INVALID');

      const result = vigil('pki', 'init', '--broker-host', 'vigil.example.net,10.1.2.3', 'fleet.example.com');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(
        'broker certificate reissued with vigil.example.net, 10.1.2.3 added (now localhost, 127.0.0.1, fleet.example.com, vigil.example.net, 10.1.2.3',
      );
      const after = new X509Certificate(readFileSync(join(pki, 'broker.crt')));
      for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'DNS:fleet.example.com', 'DNS:vigil.example.net', 'IP Address:10.1.2.3']) {
        expect(after.subjectAltName).toContain(name);
      }
      expect(after.serialNumber).not.toBe(before.serialNumber);
      expect(after.publicKey.export({ type: 'spki', format: 'pem' })).toBe(before.publicKey.export({ type: 'spki', format: 'pem' }));
      expect(readFileSync(join(pki, 'ca.crt'), 'utf8')).toBe(caBefore);
      expect(after.verify(new X509Certificate(caBefore).publicKey)).toBe(true);

      // The running broker swaps the certificate in without a restart.
      const deadline = Date.now() + 20_000;
      let outcome = await handshake('vigil.example.net');
      while (outcome !== 'ok' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        outcome = await handshake('vigil.example.net');
      }
      expect(outcome).toBe('ok');
      expect(await handshake('fleet.example.com')).toBe('ok');

      const again = vigil('pki', 'init', '--broker-host', 'VIGIL.example.net');
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('nothing changed (the broker certificate names localhost, 127.0.0.1, fleet.example.com, vigil.example.net, 10.1.2.3)');
    } finally {
      await broker.close();
    }
  }, 60_000);
});

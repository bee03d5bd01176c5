import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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

  it('refuses a recorder id that cannot be a topic level, saying what is allowed', () => {
    const result = vigil('pki', 'issue', 'bad/id');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('vigil: recorder id "bad/id" is not valid: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  });
});

import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type IClientOptions } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetPki, retirePreviousSerial } from '@vigil/proto/pki';
import { startBroker, type EnrollmentLimits, type RunningBroker } from '../src/index.js';

const DAY = 86_400_000;

interface Answer {
  status: number;
  error?: string;
  certificate?: string;
  retryAfter?: string;
}

interface Credentials {
  cert: Buffer;
  key: Buffer;
}

interface Fleet {
  dir: string;
  pki: FleetPki;
  broker: RunningBroker;
}

async function startFleet(limits?: Partial<EnrollmentLimits>, deviceCertificateDays?: number): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-renew-'));
  const pki = new FleetPki(join(dir, 'pki'), { deviceCertificateDays });
  await pki.init();
  const broker = await startBroker({
    port: 0,
    metricsPort: 0,
    tls: pki.broker(),
    registryPath: pki.registryPath,
    enrollment: { port: 0, pki, ...(limits ? { limits } : {}) },
    reloadIntervalMs: 100,
    logger: pino({ level: 'silent' }),
  });
  return { dir, pki, broker };
}

const newTlsKey = () =>
  generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

function credentialsOf(pki: FleetPki, id: string): Credentials {
  return { cert: readFileSync(pki.device(id).cert), key: readFileSync(pki.device(id).key) };
}

/** POST /renew with a real HTTPS client trusting only the fleet CA, presenting `credentials` (or none). */
function renew(fleet: Fleet, credentials: Credentials | undefined, body: unknown): Promise<Answer> {
  const text = JSON.stringify(body);
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: fleet.broker.enrollPort,
        path: '/renew',
        method: 'POST',
        ca: readFileSync(fleet.pki.caCertPath),
        ...credentials,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: string; certificate?: string };
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, ...parsed, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

async function metricsOf(fleet: Fleet): Promise<string> {
  return (await fetch(`http://127.0.0.1:${fleet.broker.metricsPort}/metrics`)).text();
}

async function refused(fleet: Fleet, reason: string): Promise<number> {
  const match = new RegExp(`^vigil_broker_enrollment_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(await metricsOf(fleet));
  return Number(match?.[1] ?? Number.NaN);
}

async function renewals(fleet: Fleet): Promise<number> {
  return Number(/^vigil_broker_renewals_total (\d+)$/m.exec(await metricsOf(fleet))?.[1]);
}

/** Whether the broker admits an MQTT session with these credentials (closed again at once). */
async function admitted(fleet: Fleet, id: string, credentials: Credentials): Promise<boolean> {
  const options: IClientOptions = {
    clientId: id,
    ...credentials,
    ca: readFileSync(fleet.pki.caCertPath),
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  };
  try {
    const client = await connectAsync(`mqtts://127.0.0.1:${fleet.broker.port}`, options);
    await client.endAsync();
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const serialOf = (pem: string | Buffer) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');

/** A refusal: its status, words, and that it was counted once under its reason and issued nothing. */
async function expectRefused(fleet: Fleet, send: () => Promise<Answer>, reason: string, status: number, words: RegExp): Promise<void> {
  const before = await refused(fleet, reason);
  const renewedBefore = await renewals(fleet);
  const answer = await send();
  expect(answer.status, JSON.stringify(answer)).toBe(status);
  expect(answer.error).toMatch(words);
  expect(answer.certificate).toBeUndefined();
  expect(await refused(fleet, reason)).toBe(before + 1);
  expect(await renewals(fleet)).toBe(renewedBefore);
}

describe('POST /renew: a recorder renews with its current certificate', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({ perAddress: { rate: 100, burst: 1_000 }, global: { rate: 100, burst: 1_000 } }, 400);
  });
  afterAll(async () => {
    await fleet?.broker.close();
    if (fleet) rmSync(fleet.dir, { recursive: true, force: true });
  });

  it('answers a new certificate for the same recorder and key sent; the old one is admitted until the new one connects, then never again', async () => {
    await fleet.pki.issueDevice('rec-a');
    const old = credentialsOf(fleet.pki, 'rec-a');
    const oldSerial = serialOf(old.cert);
    const fresh = newTlsKey();

    const answer = await renew(fleet, old, { tlsPublicKey: fresh.publicKey });
    expect(answer.status, answer.error).toBe(200);
    const cert = new X509Certificate(answer.certificate!);
    expect(cert.subject).toContain('CN=rec-a');
    expect(cert.subject).toContain('OU=recorder');
    expect(cert.verify(new X509Certificate(readFileSync(fleet.pki.caCertPath)).publicKey)).toBe(true);
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(fresh.publicKey);
    expect(serialOf(cert.raw)).not.toBe(oldSerial);
    // VIGIL_DEVICE_CERT_DAYS (here 400) sets how long it is valid
    expect(Date.parse(cert.validTo) - Date.now()).toBeGreaterThan(399 * DAY);
    expect(Date.parse(cert.validTo) - Date.now()).toBeLessThan(401 * DAY);
    expect(await renewals(fleet)).toBe(1);

    const entry = fleet.pki.registry().recorders['rec-a'];
    expect(entry?.serial.replace(/^0+/, '')).toBe(serialOf(cert.raw));
    expect(entry?.previousSerial).toBe(oldSerial);

    // An agent that died before saving the answer still gets in with what it has...
    expect(await admitted(fleet, 'rec-a', old)).toBe(true);
    // ...until the renewed certificate connects: that retires the old one.
    const renewed = { cert: Buffer.from(answer.certificate!), key: Buffer.from(fresh.privateKey) };
    expect(await admitted(fleet, 'rec-a', renewed)).toBe(true);
    expect(fleet.pki.registry().recorders['rec-a']?.previousSerial).toBeUndefined();
    expect(await admitted(fleet, 'rec-a', old)).toBe(false);
    await expectRefused(fleet, () => renew(fleet, old, { tlsPublicKey: newTlsKey().publicKey }), 'not-current', 403, /replaced by a newer one/);
    // The renewed certificate renews in its turn.
    expect((await renew(fleet, renewed, { tlsPublicKey: newTlsKey().publicKey })).status).toBe(200);
  });

  it('lets an agent that lost the answer renew again with the certificate it still has', async () => {
    await fleet.pki.issueDevice('rec-lost');
    const old = credentialsOf(fleet.pki, 'rec-lost');
    const lost = await renew(fleet, old, { tlsPublicKey: newTlsKey().publicKey });
    expect(lost.status).toBe(200);
    const again = newTlsKey();
    const answer = await renew(fleet, old, { tlsPublicKey: again.publicKey });
    expect(answer.status, answer.error).toBe(200);
    // The certificate never saved is not admitted; the old one and the newest are.
    expect(fleet.pki.registry().recorders['rec-lost']?.previousSerial).toBe(serialOf(old.cert));
    expect(await admitted(fleet, 'rec-lost', old)).toBe(true);
    const newest = { cert: Buffer.from(answer.certificate!), key: Buffer.from(again.privateKey) };
    expect(await admitted(fleet, 'rec-lost', newest)).toBe(true);
    expect(await admitted(fleet, 'rec-lost', old)).toBe(false);
  });

  it('closes a live connection still on the replaced certificate when the renewed one is seen elsewhere (another broker node)', async () => {
    await fleet.pki.issueDevice('rec-live');
    const old = credentialsOf(fleet.pki, 'rec-live');
    const answer = await renew(fleet, old, { tlsPublicKey: newTlsKey().publicKey });
    expect(answer.status).toBe(200);
    const stale = await connectAsync(`mqtts://127.0.0.1:${fleet.broker.port}`, {
      clientId: 'rec-live',
      ...old,
      ca: readFileSync(fleet.pki.caCertPath),
      reconnectPeriod: 0,
    });
    let closed = false;
    stale.on('close', () => {
      closed = true;
    });
    // Several registry watch ticks: the renewal alone leaves the old certificate admitted.
    await new Promise((r) => setTimeout(r, 500));
    expect(closed).toBe(false);
    // Another node that shares pki/ saw the renewed certificate connect and retired the old one.
    expect(retirePreviousSerial(fleet.pki.registryPath, 'rec-live', serialOf(answer.certificate!))).toBe(true);
    await until('the connection on the replaced certificate closed', () => closed);
    stale.end(true);
  });

  it('refuses a request without a client certificate, with a bad body, or with a key that is not P-256, each counted', async () => {
    await fleet.pki.issueDevice('rec-b');
    const current = credentialsOf(fleet.pki, 'rec-b');
    await expectRefused(
      fleet,
      () => renew(fleet, undefined, { tlsPublicKey: newTlsKey().publicKey }),
      'no-client-certificate',
      401,
      /current client certificate/,
    );
    await expectRefused(fleet, () => renew(fleet, current, { tls: 'x' }), 'malformed-request', 400, /tlsPublicKey: required/);
    const p384 = generateKeyPairSync('ec', {
      namedCurve: 'secp384r1',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await expectRefused(fleet, () => renew(fleet, current, { tlsPublicKey: p384.publicKey }), 'bad-public-key', 400, /tlsPublicKey must be a P-256/);
    // None of these changed the registry.
    expect(fleet.pki.registry().recorders['rec-b']?.serial.replace(/^0+/, '')).toBe(serialOf(current.cert));
    expect(fleet.pki.registry().recorders['rec-b']?.previousSerial).toBeUndefined();
  });

  it('refuses a revoked recorder, a reissued (not current) certificate, an expired one and a service certificate', async () => {
    await fleet.pki.issueDevice('rec-revoked');
    const revoked = credentialsOf(fleet.pki, 'rec-revoked');
    fleet.pki.revoke('rec-revoked');
    await expectRefused(fleet, () => renew(fleet, revoked, { tlsPublicKey: newTlsKey().publicKey }), 'revoked', 403, /revoked/);

    await fleet.pki.issueDevice('rec-reissued');
    const replaced = credentialsOf(fleet.pki, 'rec-reissued');
    await fleet.pki.issueDevice('rec-reissued');
    await expectRefused(fleet, () => renew(fleet, replaced, { tlsPublicKey: newTlsKey().publicKey }), 'not-current', 403, /replaced by a newer one/);

    await fleet.pki.issueDevice('rec-expired', { notBefore: new Date(Date.now() - 40 * DAY), notAfter: new Date(Date.now() - DAY) });
    const expired = credentialsOf(fleet.pki, 'rec-expired');
    await expectRefused(fleet, () => renew(fleet, expired, { tlsPublicKey: newTlsKey().publicKey }), 'expired-certificate', 403, /expired; enroll again/);

    const ingestor = { cert: readFileSync(fleet.pki.service('ingestor').cert), key: readFileSync(fleet.pki.service('ingestor').key) };
    await expectRefused(fleet, () => renew(fleet, ingestor, { tlsPublicKey: newTlsKey().publicKey }), 'bad-certificate', 403, /only a recorder certificate/);
  });

  it('refuses a certificate from another CA', async () => {
    const other = new FleetPki(join(fleet.dir, 'other-pki'));
    await other.init();
    await other.issueDevice('rec-b');
    await expectRefused(
      fleet,
      () => renew(fleet, credentialsOf(other, 'rec-b'), { tlsPublicKey: newTlsKey().publicKey }),
      'bad-certificate',
      403,
      /not a valid one of this fleet/,
    );
  });
});

describe('POST /renew is rate limited like /enroll', () => {
  it('answers 429 with Retry-After past the per-address burst, counted as rate-limited', async () => {
    const fleet = await startFleet({ perAddress: { rate: 0.01, burst: 2 }, global: { rate: 100, burst: 1_000 } });
    try {
      await fleet.pki.issueDevice('rec-c');
      const current = credentialsOf(fleet.pki, 'rec-c');
      expect((await renew(fleet, undefined, {})).status).toBe(401);
      const ok = await renew(fleet, current, { tlsPublicKey: newTlsKey().publicKey });
      expect(ok.status).toBe(200);
      const before = await refused(fleet, 'rate-limited');
      const limited = await renew(fleet, current, { tlsPublicKey: newTlsKey().publicKey });
      expect(limited.status).toBe(429);
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      expect(await refused(fleet, 'rate-limited')).toBe(before + 1);
    } finally {
      await fleet.broker.close();
      rmSync(fleet.dir, { recursive: true, force: true });
    }
  });
});

import { generateKeyPairSync, X509Certificate, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENROLLMENT_REFUSAL_REASONS, startBroker, type EnrollmentLimits, type RunningBroker } from '@vigil/broker';
import { FleetPki } from '@vigil/proto/pki';

/** Keys a recorder would make for itself, and some it must not send. */
const tlsKeys = generateKeyPairSync('ec', {
  namedCurve: 'prime256v1',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const signingKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const p384 = generateKeyPairSync('ec', {
  namedCurve: 'secp384r1',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const rsa1024 = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const goodKeys = { tlsPublicKey: tlsKeys.publicKey, signingPublicKey: signingKeys.publicKey };

interface Answer {
  status: number;
  retryAfter: string | undefined;
  error: string | undefined;
  certificate: string | undefined;
}

interface Fleet {
  dir: string;
  pki: FleetPki;
  broker: RunningBroker;
  logs: string[];
}

async function startFleet(limits?: Partial<EnrollmentLimits>): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sec-enroll-'));
  const pki = new FleetPki(join(dir, 'pki'));
  await pki.init();
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const broker = await startBroker({
    port: 0,
    metricsPort: 0,
    enrollment: { port: 0, pki, limits },
    tls: pki.broker(),
    registryPath: pki.registryPath,
    logger,
  });
  return { dir, pki, broker, logs };
}

async function stopFleet(fleet: Fleet | undefined): Promise<void> {
  await fleet?.broker.close();
  if (fleet) rmSync(fleet.dir, { recursive: true, force: true });
}

/** One request with a real HTTPS client that trusts only the fleet CA, from the given loopback address. */
function post(fleet: Fleet, body: unknown, options: { localAddress?: string; method?: string; path?: string; chunked?: boolean } = {}): Promise<Answer> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: fleet.broker.enrollPort,
        path: options.path ?? '/enroll',
        method: options.method ?? 'POST',
        localAddress: options.localAddress ?? '127.0.0.1',
        ca: readFileSync(fleet.pki.caCertPath),
        agent: false,
        // Chunked: the size is only found out while reading.
        headers: options.chunked ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: string; certificate?: string };
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
            error: parsed.error,
            certificate: parsed.certificate,
          });
        });
      },
    );
    req.on('error', reject);
    if (options.chunked) for (let at = 0; at < text.length; at += 4_096) req.write(text.slice(at, at + 4_096));
    req.end(options.chunked ? undefined : text);
  });
}

async function metricsOf(fleet: Fleet): Promise<string> {
  return (await fetch(`http://127.0.0.1:${fleet.broker.metricsPort}/metrics`)).text();
}

async function refusals(fleet: Fleet): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const match of (await metricsOf(fleet)).matchAll(/^vigil_broker_enrollment_refused_total\{reason="([^"]+)"\} (\d+)$/gm)) {
    counts[match[1] as string] = Number(match[2]);
  }
  return counts;
}

async function enrolments(fleet: Fleet): Promise<number> {
  return Number(/^vigil_broker_enrollments_total (\d+)$/m.exec(await metricsOf(fleet))?.[1]);
}

/** Runs `act` and returns by how much each refusal reason grew (only those that did). */
async function refusalsDuring(fleet: Fleet, act: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await refusals(fleet);
  await act();
  const after = await refusals(fleet);
  const grown: Record<string, number> = {};
  for (const [reason, count] of Object.entries(after)) if (count !== (before[reason] ?? 0)) grown[reason] = count - (before[reason] ?? 0);
  return grown;
}

/** Sends raw bytes over TLS to the enrolment port and returns the first line of the answer. */
function rawOverTls(fleet: Fleet, bytes: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: fleet.broker.enrollPort!, ca: readFileSync(fleet.pki.caCertPath) }, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8').split('\r\n')[0] ?? ''));
  });
}

const wellFormedUnknownToken = `vgl_${'A'.repeat(32)}`;

describe('enrolment endpoint: every refusal counted, token spent only by a good request', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    // Limits out of the way: this suite sends dozens of requests from one address.
    fleet = await startFleet({ perAddress: { rate: 100, burst: 1_000 }, global: { rate: 100, burst: 1_000 } });
  });
  afterAll(() => stopFleet(fleet));

  it('lists every refusal reason on /metrics from the start, at 0', async () => {
    const counts = await refusals(fleet);
    for (const reason of ENROLLMENT_REFUSAL_REASONS) expect(counts[reason], reason).toBeDefined();
    expect(await enrolments(fleet)).toBe(0);
  });

  it('counts each refusal once under its own reason, with a clear answer', async () => {
    const { pki } = fleet;
    const cases: Array<{ reason: string; status: number; error: RegExp; send: () => Promise<Answer> }> = [
      { reason: 'not-found', status: 404, error: /POST \/enroll/, send: () => post(fleet, {}, { method: 'GET' }) },
      { reason: 'malformed-request', status: 400, error: /body must be JSON/, send: () => post(fleet, 'not json') },
      // JSON null used to crash the broker: its properties were read without a check.
      { reason: 'malformed-request', status: 400, error: /body must be a JSON object/, send: () => post(fleet, 'null') },
      { reason: 'malformed-request', status: 400, error: /^token, tlsPublicKey, signingPublicKey: required/, send: () => post(fleet, { recorderId: 'rec-a' }) },
      {
        reason: 'malformed-request',
        status: 400,
        error: /recorderId is not valid/,
        send: () => post(fleet, { recorderId: '../ca', token: wellFormedUnknownToken, ...goodKeys }),
      },
      {
        reason: 'malformed-request',
        status: 400,
        error: /token is not one "vigil pki token" makes/,
        send: () => post(fleet, { recorderId: 'rec-a', token: 'vgl_truncat', ...goodKeys }),
      },
      {
        reason: 'bad-public-key',
        status: 400,
        error: /^tlsPublicKey must be a P-256/,
        send: () => post(fleet, { recorderId: 'rec-a', token: wellFormedUnknownToken, ...goodKeys, tlsPublicKey: 'not a key' }),
      },
      {
        reason: 'unknown-token',
        status: 403,
        error: /not valid for recorder "rec-a"/,
        send: () => post(fleet, { recorderId: 'rec-a', token: wellFormedUnknownToken, ...goodKeys }),
      },
      {
        reason: 'wrong-recorder',
        status: 403,
        error: /not valid for recorder "rec-a"/,
        send: () => post(fleet, { recorderId: 'rec-a', token: pki.createEnrollmentToken('rec-b'), ...goodKeys }),
      },
      {
        reason: 'expired-token',
        status: 403,
        error: /token expired; make a new one with "vigil pki token rec-late"/,
        send: () => post(fleet, { recorderId: 'rec-late', token: pki.createEnrollmentToken('rec-late', 1_000, Date.now() - 10_000), ...goodKeys }),
      },
      {
        reason: 'body-too-large',
        status: 413,
        error: /at most 16384 bytes/,
        send: () => post(fleet, { recorderId: 'rec-a', token: wellFormedUnknownToken, ...goodKeys, padding: 'x'.repeat(20_000) }),
      },
      {
        reason: 'body-too-large',
        status: 413,
        error: /at most 16384 bytes/,
        send: () => post(fleet, { recorderId: 'rec-a', token: wellFormedUnknownToken, ...goodKeys, padding: 'x'.repeat(20_000) }, { chunked: true }),
      },
    ];
    for (const { reason, status, error, send } of cases) {
      let answer: Answer | undefined;
      expect(await refusalsDuring(fleet, async () => (answer = await send())), reason).toEqual({ [reason]: 1 });
      expect(answer?.status, reason).toBe(status);
      expect(answer?.error, reason).toMatch(error);
    }

    const token = pki.createEnrollmentToken('rec-once');
    let first: Answer | undefined;
    expect(await refusalsDuring(fleet, async () => (first = await post(fleet, { recorderId: 'rec-once', token, ...goodKeys })))).toEqual({});
    expect(first?.status).toBe(200);
    expect(await enrolments(fleet)).toBe(1);
    let again: Answer | undefined;
    expect(await refusalsDuring(fleet, async () => (again = await post(fleet, { recorderId: 'rec-once', token, ...goodKeys })))).toEqual({ 'used-token': 1 });
    expect(again).toMatchObject({ status: 403, error: expect.stringMatching(/token already used/) });
    expect(await enrolments(fleet)).toBe(1);

    let tls11 = '';
    const before = (await refusals(fleet))['tls-handshake'];
    const handshake = await refusalsDuring(fleet, async () => {
      tls11 = await new Promise<string>((resolve) => {
        const socket = tlsConnect({
          host: '127.0.0.1',
          port: fleet.broker.enrollPort!,
          minVersion: 'TLSv1.1',
          maxVersion: 'TLSv1.1',
          ciphers: 'DEFAULT@SECLEVEL=0',
          rejectUnauthorized: false,
        });
        socket.once('secureConnect', () => resolve('connected'));
        socket.once('error', (error) => resolve(`refused: ${error.message}`));
      });
      // The server counts when it has seen the handshake fail, which may be just after the client did.
      const deadline = Date.now() + 10_000;
      while ((await refusals(fleet))['tls-handshake'] === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    });
    expect(tls11).toMatch(/^refused/);
    expect(handshake).toEqual({ 'tls-handshake': 1 });

    let raw = '';
    expect(await refusalsDuring(fleet, async () => (raw = await rawOverTls(fleet, 'NOT HTTP AT ALL\r\n\r\n')))).toEqual({ 'malformed-http': 1 });
    expect(raw).toBe('HTTP/1.1 400 Bad Request');
  });

  it('says the same about an unknown token and one made for another recorder', async () => {
    const unknown = await post(fleet, { recorderId: 'rec-probe', token: wellFormedUnknownToken, ...goodKeys });
    const forAnother = await post(fleet, { recorderId: 'rec-probe', token: fleet.pki.createEnrollmentToken('rec-secret-site'), ...goodKeys });
    expect(forAnother).toEqual(unknown);
    expect(JSON.stringify(forAnother)).not.toContain('rec-secret-site');
  });

  it('spends no token on a request it refuses before the token: the same token then enrols', async () => {
    const token = fleet.pki.createEnrollmentToken('rec-keys');
    const bad: Array<{ name: string; field: string; body: Record<string, unknown> }> = [
      { name: 'garbage TLS key', field: 'tlsPublicKey', body: { tlsPublicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' } },
      { name: 'RSA key as TLS key', field: 'tlsPublicKey', body: { tlsPublicKey: signingKeys.publicKey } },
      { name: 'P-384 TLS key', field: 'tlsPublicKey', body: { tlsPublicKey: p384.publicKey } },
      { name: 'private TLS key', field: 'tlsPublicKey', body: { tlsPublicKey: tlsKeys.privateKey } },
      { name: 'RSA-1024 signing key', field: 'signingPublicKey', body: { signingPublicKey: rsa1024.publicKey } },
      { name: 'EC signing key', field: 'signingPublicKey', body: { signingPublicKey: tlsKeys.publicKey } },
      { name: 'private signing key', field: 'signingPublicKey', body: { signingPublicKey: signingKeys.privateKey } },
      { name: 'no signing key', field: 'signingPublicKey', body: { signingPublicKey: undefined } },
    ];
    for (const { name, field, body } of bad) {
      const answer = await post(fleet, { recorderId: 'rec-keys', token, ...goodKeys, ...body });
      expect(answer.status, name).toBe(400);
      expect(answer.error, name).toMatch(new RegExp(`^${field}[ :]`));
      // What was sent is never echoed (it may be a private key sent by mistake).
      for (const sent of Object.values(body)) if (typeof sent === 'string') expect(answer.error, name).not.toContain(sent.split('\n')[1]);
    }
    expect((await post(fleet, { recorderId: 'rec-keys', token, ...goodKeys, tlsPublicKey: tlsKeys.privateKey })).error).toMatch(
      /is a private key: send only the public half/,
    );

    const good = await post(fleet, { recorderId: 'rec-keys', token, ...goodKeys });
    expect(good.status).toBe(200);
    const certificate = new X509Certificate(good.certificate!);
    expect(certificate.subject).toContain('CN=rec-keys');
    expect(certificate.publicKey.export({ type: 'spki', format: 'pem' })).toBe(createPublicKey(tlsKeys.publicKey).export({ type: 'spki', format: 'pem' }));
    expect(fleet.pki.signingKeyOf('rec-keys')).toBe(signingKeys.publicKey);
    expect((await post(fleet, { recorderId: 'rec-keys', token, ...goodKeys })).error).toMatch(/token already used/);
  });

  it('gives the token back when the certificate cannot be issued', async () => {
    const token = fleet.pki.createEnrollmentToken('rec-retry');
    const caKey = join(fleet.pki.dir, 'ca.key');
    renameSync(caKey, `${caKey}.away`);
    let failed: Answer;
    try {
      failed = await post(fleet, { recorderId: 'rec-retry', token, ...goodKeys });
    } finally {
      renameSync(`${caKey}.away`, caKey);
    }
    expect(failed).toMatchObject({ status: 500, error: expect.stringMatching(/the token was not spent, try again/) });
    expect((await post(fleet, { recorderId: 'rec-retry', token, ...goodKeys })).status).toBe(200);
  });

  it('never writes a token into its log', async () => {
    const token = fleet.pki.createEnrollmentToken('rec-logged');
    await post(fleet, { recorderId: 'rec-other', token, ...goodKeys });
    await post(fleet, { recorderId: 'rec-logged', token, ...goodKeys });
    await post(fleet, { recorderId: 'rec-logged', token, ...goodKeys });
    const log = fleet.logs.join('');
    expect(log).toContain('"reason":"wrong-recorder"');
    expect(log).toContain('recorder enrolled');
    expect(log).not.toContain(token);
    expect(log).not.toContain(wellFormedUnknownToken);
  });
});

describe('enrolment rate limits: per source address, with a global ceiling', () => {
  let fleet: Fleet | undefined;
  afterAll(() => stopFleet(fleet));

  it('answers 429 with Retry-After to an address that used up its tries, while another address still enrols', async () => {
    await stopFleet(fleet);
    // A refill of one try per 100 s: nothing comes back during the test.
    fleet = await startFleet({ perAddress: { rate: 0.01, burst: 3 }, global: { rate: 0.01, burst: 100 } });
    const guesser = '127.0.0.3';
    for (let i = 0; i < 3; i++) {
      expect((await post(fleet, { recorderId: 'rec-x', token: `vgl_${String(i).repeat(32)}`, ...goodKeys }, { localAddress: guesser })).status).toBe(403);
    }
    const token = fleet.pki.createEnrollmentToken('rec-installer');
    let limited: Answer | undefined;
    expect(
      await refusalsDuring(fleet, async () => (limited = await post(fleet!, { recorderId: 'rec-installer', token, ...goodKeys }, { localAddress: guesser }))),
    ).toEqual({
      'rate-limited': 1,
    });
    expect(limited?.status).toBe(429);
    expect(limited?.error).toMatch(/too many enrollment attempts from this address; try again in \d+ s/);
    expect(Number(limited?.retryAfter)).toBeGreaterThan(90);
    expect(Number(limited?.retryAfter)).toBeLessThanOrEqual(100);
    expect(limited?.error).toContain(`in ${limited?.retryAfter} s`);

    // The refused request did not spend the installer's token; another address uses it.
    const installer = await post(fleet, { recorderId: 'rec-installer', token, ...goodKeys }, { localAddress: '127.0.0.2' });
    expect(installer.status).toBe(200);
    expect((await post(fleet, { recorderId: 'rec-x', token: wellFormedUnknownToken, ...goodKeys }, { localAddress: guesser })).status).toBe(429);
  });

  it('answers 429 to everyone past the global ceiling, also to an address it has never seen', async () => {
    await stopFleet(fleet);
    fleet = await startFleet({ perAddress: { rate: 0.01, burst: 100 }, global: { rate: 0.01, burst: 4 } });
    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) {
      expect((await post(fleet, { recorderId: 'rec-x', token: wellFormedUnknownToken, ...goodKeys }, { localAddress: address })).status).toBe(403);
    }
    const token = fleet.pki.createEnrollmentToken('rec-late');
    let limited: Answer | undefined;
    expect(
      await refusalsDuring(fleet, async () => (limited = await post(fleet!, { recorderId: 'rec-late', token, ...goodKeys }, { localAddress: '127.0.0.6' }))),
    ).toEqual({
      'rate-limited-global': 1,
    });
    expect(limited).toMatchObject({ status: 429, error: expect.stringMatching(/too many enrollment attempts at once; try again in \d+ s/) });
    expect(Number(limited?.retryAfter)).toBeGreaterThan(90);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type ConnectionOptions, type SecureVersion } from 'node:tls';
import { generate } from 'mqtt-packet';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '@vigil/broker';
import { FleetPki } from '@vigil/proto/pki';

/**
 * Every TLS 1.2 suite OpenSSL 3.0 knows (`openssl ciphers -s -tls1_2 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`),
 * written out so the test does not depend on an openssl binary. Only the forward-secret AEAD ones
 * in ALLOWED may be negotiated on any Vigil TLS port (docs/DESIGN.md); the broker's certificate is
 * ECDSA, so the ECDHE-ECDSA ones are those a client can actually get.
 */
const TLS12_SUITES = `ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-RSA-AES256-GCM-SHA384 DHE-DSS-AES256-GCM-SHA384 DHE-RSA-AES256-GCM-SHA384
ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-RSA-CHACHA20-POLY1305 DHE-RSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES256-CCM8 ECDHE-ECDSA-AES256-CCM
DHE-RSA-AES256-CCM8 DHE-RSA-AES256-CCM ECDHE-ECDSA-ARIA256-GCM-SHA384 ECDHE-ARIA256-GCM-SHA384 DHE-DSS-ARIA256-GCM-SHA384
DHE-RSA-ARIA256-GCM-SHA384 ADH-AES256-GCM-SHA384 ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-GCM-SHA256 DHE-DSS-AES128-GCM-SHA256
DHE-RSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES128-CCM8 ECDHE-ECDSA-AES128-CCM DHE-RSA-AES128-CCM8 DHE-RSA-AES128-CCM
ECDHE-ECDSA-ARIA128-GCM-SHA256 ECDHE-ARIA128-GCM-SHA256 DHE-DSS-ARIA128-GCM-SHA256 DHE-RSA-ARIA128-GCM-SHA256 ADH-AES128-GCM-SHA256
ECDHE-ECDSA-AES256-SHA384 ECDHE-RSA-AES256-SHA384 DHE-RSA-AES256-SHA256 DHE-DSS-AES256-SHA256 ECDHE-ECDSA-CAMELLIA256-SHA384
ECDHE-RSA-CAMELLIA256-SHA384 DHE-RSA-CAMELLIA256-SHA256 DHE-DSS-CAMELLIA256-SHA256 ADH-AES256-SHA256 ADH-CAMELLIA256-SHA256
ECDHE-ECDSA-AES128-SHA256 ECDHE-RSA-AES128-SHA256 DHE-RSA-AES128-SHA256 DHE-DSS-AES128-SHA256 ECDHE-ECDSA-CAMELLIA128-SHA256
ECDHE-RSA-CAMELLIA128-SHA256 DHE-RSA-CAMELLIA128-SHA256 DHE-DSS-CAMELLIA128-SHA256 ADH-AES128-SHA256 ADH-CAMELLIA128-SHA256
ECDHE-ECDSA-AES256-SHA ECDHE-RSA-AES256-SHA DHE-RSA-AES256-SHA DHE-DSS-AES256-SHA DHE-RSA-CAMELLIA256-SHA DHE-DSS-CAMELLIA256-SHA
AECDH-AES256-SHA ADH-AES256-SHA ADH-CAMELLIA256-SHA ECDHE-ECDSA-AES128-SHA ECDHE-RSA-AES128-SHA DHE-RSA-AES128-SHA DHE-DSS-AES128-SHA
DHE-RSA-CAMELLIA128-SHA DHE-DSS-CAMELLIA128-SHA AECDH-AES128-SHA ADH-AES128-SHA ADH-CAMELLIA128-SHA AES256-GCM-SHA384 AES256-CCM8
AES256-CCM ARIA256-GCM-SHA384 AES128-GCM-SHA256 AES128-CCM8 AES128-CCM ARIA128-GCM-SHA256 AES256-SHA256 CAMELLIA256-SHA256
AES128-SHA256 CAMELLIA128-SHA256 AES256-SHA CAMELLIA256-SHA AES128-SHA CAMELLIA128-SHA ECDHE-ECDSA-NULL-SHA ECDHE-RSA-NULL-SHA
AECDH-NULL-SHA NULL-SHA256 NULL-SHA NULL-MD5`.split(/\s+/);
const ALLOWED = new Set([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-CHACHA20-POLY1305',
]);
const REFUSED_SUITES = TLS12_SUITES.filter((suite) => !ALLOWED.has(suite));
/** Suites this certificate could otherwise negotiate: the ones a lax port gives away (issue 13: CBC, CCM, ARIA). */
const ECDSA_NON_AEAD = REFUSED_SUITES.filter((suite) => suite.startsWith('ECDHE-ECDSA-'));

type Port = { name: string; port: () => number; clientCertificate: boolean };

describe('TLS refusals on every Vigil TLS port (MQTT, MQTT over WebSocket, enrolment)', () => {
  let dir: string;
  let pki: FleetPki;
  let broker: RunningBroker;
  const ports: Port[] = [
    { name: 'MQTT', port: () => broker.port, clientCertificate: true },
    { name: 'WebSocket', port: () => broker.wssPort!, clientCertificate: true },
    { name: 'enrolment', port: () => broker.enrollPort!, clientCertificate: false },
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-sec-tls-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    await pki.issueDevice('rec-tls');
    broker = await startBroker({
      port: 0,
      wssPort: 0,
      metricsPort: 0,
      enrollment: { port: 0, pki },
      tls: pki.broker(),
      registryPath: pki.registryPath,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await broker?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * One handshake: "TLSv1.2 <suite>" when it completes, else why not. The client presents a valid
   * device certificate where the port asks for one, so only the protocol or the suite can be refused.
   */
  const handshake = (target: Port, extra: ConnectionOptions) =>
    new Promise<string>((resolve) => {
      let socket: ReturnType<typeof tlsConnect>;
      try {
        socket = tlsConnect({
          host: '127.0.0.1',
          port: target.port(),
          rejectUnauthorized: false,
          ...(target.clientCertificate ? { cert: readFileSync(pki.device('rec-tls').cert), key: readFileSync(pki.device('rec-tls').key) } : {}),
          ...extra,
        });
      } catch (error) {
        return resolve(`client cannot offer it: ${(error as Error).message}`);
      }
      socket.once('secureConnect', () => {
        resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
        socket.destroy();
      });
      socket.once('error', (error) => resolve(`refused: ${error.message}`));
      socket.once('close', () => resolve('refused: closed'));
    });

  it('negotiates each forward-secret AEAD suite the ECDSA certificate allows, on every port (the probe works)', async () => {
    for (const target of ports) {
      for (const suite of [...ALLOWED].filter((s) => s.startsWith('ECDHE-ECDSA-'))) {
        expect(await handshake(target, { maxVersion: 'TLSv1.2', ciphers: suite }), `${target.name} ${suite}`).toBe(`TLSv1.2 ${suite}`);
      }
    }
  });

  it('refuses every other TLS 1.2 suite (CBC, CCM, ARIA, CAMELLIA, NULL, static RSA, anonymous) on every port', async () => {
    const accepted: string[] = [];
    let offered = 0;
    for (const target of ports) {
      for (const suite of REFUSED_SUITES) {
        const outcome = await handshake(target, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: `${suite}:@SECLEVEL=0` });
        if (outcome.startsWith('TLSv')) accepted.push(`${target.name}: ${outcome}`);
        if (!outcome.startsWith('client cannot offer it') && ECDSA_NON_AEAD.includes(suite)) offered++;
      }
    }
    expect(accepted).toEqual([]);
    // the suites that matter were really offered, not skipped because this Node's OpenSSL lacks them
    expect(offered).toBe(ECDSA_NON_AEAD.length * ports.length);
  });

  it('refuses TLS 1.0 and 1.1 on every port', async () => {
    // The same client settings do complete a TLS 1.0 and 1.1 handshake with a server that allows them.
    const lax = createTlsServer({
      cert: readFileSync(pki.broker().cert),
      key: readFileSync(pki.broker().key),
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    await new Promise<void>((resolve) => lax.listen(0, '127.0.0.1', resolve));
    const laxPort: Port = { name: 'lax', port: () => (lax.address() as { port: number }).port, clientCertificate: false };
    try {
      for (const version of ['TLSv1', 'TLSv1.1'] as SecureVersion[]) {
        const old = { minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0' };
        expect(await handshake(laxPort, old), `control ${version}`).toMatch(new RegExp(`^${version.replace('.', '\\.')} `));
        for (const target of ports) expect(await handshake(target, old), `${target.name} ${version}`).toMatch(/^refused/);
      }
    } finally {
      await new Promise<void>((resolve) => lax.close(() => resolve()));
    }
  });

  it('answers plain MQTT on the TLS port with nothing but a close, and counts it', async () => {
    const before = broker.stats.refused['tls-handshake'] ?? 0;
    const reply = await new Promise<Buffer>((resolve) => {
      const socket = netConnect(broker.port, '127.0.0.1', () => {
        socket.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'rec-tls', keepalive: 30 }));
      });
      const received: Buffer[] = [];
      socket.on('data', (chunk) => received.push(chunk));
      socket.on('error', () => undefined);
      socket.once('close', () => resolve(Buffer.concat(received)));
    });
    // no CONNACK (0x20): at most a TLS alert record (content type 21)
    expect(reply.length === 0 || reply[0] === 21).toBe(true);
    expect(broker.stats.refused['tls-handshake']).toBe(before + 1);
    const metrics = await (await fetch(`http://127.0.0.1:${broker.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^vigil_broker_connections_refused_total\{reason="tls-handshake"\} [1-9]/m);
  });
});

import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { DeviceKeyError, type EnrollmentRefusal, type FleetPki, isEnrollmentTokenShape, parseDeviceKeys, parseTlsPublicKey } from '@vigil/proto/pki';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import { isRecorderId } from '@vigil/proto/wire';
import { AddressBuckets, addressKey, TokenBucket } from './limits.js';
import type { BrokerMetrics } from './metrics.js';
import { CIPHERS } from './tls-policy.js';

export interface EnrollmentRequest {
  recorderId: string;
  token: string;
  /** The device's own TLS public key (P-256, PEM); its private key never leaves the device. */
  tlsPublicKey: string;
  /** The device's envelope signing public key (RSA, PEM). */
  signingPublicKey: string;
}

export interface EnrollmentResponse {
  certificate: string;
  ca: string;
  recipientPublicKey: string;
}

/** POST /renew, over TLS with the recorder's current certificate: a new TLS public key (P-256, PEM) for the same recorder. */
export interface RenewalRequest {
  tlsPublicKey: string;
}

export interface RenewalResponse {
  /** The new certificate: same recorder id, new serial, new key. */
  certificate: string;
  ca: string;
}

/** Requests a second and burst, per source address (IPv6: per /64) and for the whole port. */
export interface EnrollmentLimits {
  perAddress: { rate: number; burst: number };
  global: { rate: number; burst: number };
  /** Source addresses remembered at once (see AddressBuckets). */
  maxAddresses: number;
}

/**
 * Ten tries at once from one address, then one every 5 s: an installer who mistypes gets a few
 * more goes, a guesser gets nowhere (tokens are 192 random bits). The ceiling bounds certificate
 * issuing and token-file reads for everyone together.
 */
export const DEFAULT_ENROLLMENT_LIMITS: EnrollmentLimits = { perAddress: { rate: 0.2, burst: 10 }, global: { rate: 10, burst: 50 }, maxAddresses: 10_000 };

/** Every reason a request to the enrolment port is refused: the label of vigil_broker_enrollment_refused_total. */
export const ENROLLMENT_REFUSAL_REASONS = [
  'tls-handshake',
  'malformed-http',
  'request-timeout',
  'not-found',
  'rate-limited',
  'rate-limited-global',
  'body-too-large',
  'malformed-request',
  'bad-public-key',
  'unknown-token',
  'wrong-recorder',
  'used-token',
  'expired-token',
  // POST /renew: the client certificate that authenticates it
  'no-client-certificate',
  'bad-certificate',
  'expired-certificate',
  'revoked',
  'not-current',
  'internal-error',
] as const;
export type EnrollmentRefusalReason = (typeof ENROLLMENT_REFUSAL_REASONS)[number];

const MAX_BODY = 16 * 1024;
const FIELDS = ['recorderId', 'token', 'tlsPublicKey', 'signingPublicKey'] as const;
const SHAPE = `{${FIELDS.join(', ')}}`;

/**
 * What the caller is told about a token. An unknown token and one made for another recorder get
 * the same words, so a refusal says nothing about tokens or recorders the caller did not name;
 * "used" and "expired" are only reached with the token that was really made for this recorder.
 */
function tokenRefusalMessage(refusal: EnrollmentRefusal, recorderId: string): string {
  const remedy = `make a new one with "vigil pki token ${recorderId}"`;
  if (refusal === 'used-token') return `enrollment refused: token already used; ${remedy}`;
  if (refusal === 'expired-token') return `enrollment refused: token expired; ${remedy}`;
  return `enrollment refused: this token is not valid for recorder "${recorderId}"; check it, or ${remedy}`;
}

/**
 * Who a renewal request comes from: the recorder in a valid client certificate of the fleet CA,
 * or why not. The TLS layer asks for a certificate without requiring one (enrolment has none)
 * and verifies what it gets against the CA and its dates; this reads its verdict.
 */
function renewalIdentity(
  socket: TLSSocket,
):
  | { recorderId: string; serial: string }
  | { refusal: 'no-client-certificate' | 'bad-certificate' | 'expired-certificate'; status: number; error: string; detail?: string } {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0 || !cert.subject) {
    return {
      refusal: 'no-client-certificate',
      status: 401,
      error: "renewal needs the recorder's current client certificate (TLS); a recorder without one enrolls with a token (POST /enroll)",
    };
  }
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'unknown');
    if (code === 'CERT_HAS_EXPIRED') {
      return {
        refusal: 'expired-certificate',
        status: 403,
        error: 'renewal refused: the certificate has expired; enroll again with a new token ("vigil pki token" on the fleet, "vigil agent enroll" here)',
      };
    }
    return { refusal: 'bad-certificate', status: 403, error: 'renewal refused: the client certificate is not a valid one of this fleet', detail: code };
  }
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const cn = subject.CN;
  if (subject.OU !== 'recorder' || typeof cn !== 'string' || !isRecorderId(cn)) {
    return { refusal: 'bad-certificate', status: 403, error: 'renewal refused: only a recorder certificate can be renewed here' };
  }
  return { recorderId: cn, serial: cert.serialNumber };
}

/**
 * POST /enroll over HTTPS (the broker's server certificate, no client certificate: the device has
 * none yet). A valid one-time token for the recorder buys a certificate for the keys the device
 * sent. The whole request is checked before the token is spent, so a bad request costs nothing
 * but a try; a certificate that then cannot be issued gives the token back. Attempts are limited
 * per source address and in total; every refusal is counted under its reason.
 *
 * POST /renew on the same port: a recorder authenticated by its current certificate (fleet CA,
 * not expired, current or not yet replaced in the registry, not revoked) gets a new certificate
 * for a new TLS key; same limits, same refusal counter (docs/DESIGN.md "Enrolment").
 */
export async function startEnrollmentServer(
  pki: FleetPki,
  options: { port: number; host: string; logger: Logger; metrics: BrokerMetrics; limits?: Partial<EnrollmentLimits> },
): Promise<{ port: number; server: Server }> {
  const { logger, metrics } = options;
  const limits: EnrollmentLimits = { ...DEFAULT_ENROLLMENT_LIMITS, ...options.limits };
  const perAddress = new AddressBuckets(limits.perAddress.rate, limits.perAddress.burst, limits.maxAddresses);
  const global = new TokenBucket(limits.global.rate, limits.global.burst);
  const warning = new RateLimitedWarning(logger, 10_000);
  // Known reasons show as 0 before the first refusal, so a rate() over them has a start.
  for (const reason of ENROLLMENT_REFUSAL_REASONS) metrics.enrollmentRefused.inc({ reason }, 0);

  const counted = (reason: EnrollmentRefusalReason, remote: string | undefined, fields: Record<string, unknown> = {}) => {
    metrics.enrollmentRefused.inc({ reason });
    warning.warn(`${reason}:${addressKey(remote)}`, { reason, remote, ...fields }, 'enrollment refused');
  };

  const broker = pki.broker();
  const server = createServer(
    {
      cert: readFileSync(broker.cert),
      key: readFileSync(broker.key),
      minVersion: 'TLSv1.2',
      ciphers: CIPHERS,
      honorCipherOrder: true,
      // Asked, never required: /enroll comes without one; /renew checks it itself (renewalIdentity).
      ca: readFileSync(pki.caCertPath),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const remote = req.socket.remoteAddress;
      const reply = (status: number, body: object, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const refuse = (
        status: number,
        reason: EnrollmentRefusalReason,
        error: string,
        fields: Record<string, unknown> = {},
        headers: Record<string, string> = {},
      ) => {
        counted(reason, remote, fields);
        reply(status, { error }, headers);
      };
      // A client that goes away mid-body is not a refusal; without a listener it would be an uncaught error.
      req.on('error', (error) => logger.debug({ remote, err: error.message }, 'enrollment request aborted'));

      const renewal = req.url === '/renew';
      if (req.method !== 'POST' || (req.url !== '/enroll' && !renewal))
        return refuse(404, 'not-found', 'not found: the enrollment endpoints are POST /enroll (with a token) and POST /renew (with the current certificate)');
      const now = Date.now();
      const addressWait = perAddress.take(addressKey(remote), now);
      if (addressWait > 0) {
        const seconds = Math.max(1, Math.ceil(addressWait / 1000));
        return refuse(429, 'rate-limited', `too many enrollment attempts from this address; try again in ${seconds} s`, {}, { 'retry-after': String(seconds) });
      }
      if (!global.take(now)) {
        const seconds = Math.max(1, Math.ceil(global.waitMs(now) / 1000));
        return refuse(429, 'rate-limited-global', `too many enrollment attempts at once; try again in ${seconds} s`, {}, { 'retry-after': String(seconds) });
      }
      const tooLarge = () =>
        refuse(413, 'body-too-large', `the request body must be at most ${MAX_BODY} bytes: ${SHAPE} with PEM public keys`, {}, { connection: 'close' });
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) return tooLarge();

      const handleRenewal = async (text: string) => {
        const who = renewalIdentity(req.socket as TLSSocket);
        if ('refusal' in who) return refuse(who.status, who.refusal, who.error, who.detail ? { detail: who.detail } : {});
        const { recorderId, serial } = who;
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return refuse(400, 'malformed-request', 'body must be JSON: {tlsPublicKey}', { recorderId });
        }
        const tlsPublicKey = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).tlsPublicKey : undefined;
        if (typeof tlsPublicKey !== 'string' || tlsPublicKey === '')
          return refuse(400, 'malformed-request', 'tlsPublicKey: required, the new P-256 public key in PEM (body: {tlsPublicKey})', { recorderId });
        try {
          parseTlsPublicKey(tlsPublicKey);
        } catch (error) {
          if (!(error instanceof DeviceKeyError)) throw error;
          return refuse(400, 'bad-public-key', error.message, { recorderId, field: error.field });
        }
        const standing = pki.renewalRefusal(recorderId, serial);
        if (standing === 'revoked') return refuse(403, 'revoked', 'renewal refused: this recorder was revoked; ask the fleet operator', { recorderId });
        if (standing === 'not-current') {
          return refuse(403, 'not-current', 'renewal refused: this certificate was replaced by a newer one; use that, or enroll again with a new token', {
            recorderId,
            serial,
          });
        }
        let renewed: { certificate: string; ca: string; serial: string };
        try {
          renewed = await pki.renewDevice(recorderId, serial, tlsPublicKey);
        } catch (error) {
          logger.error({ recorderId, err: (error as Error).message }, 'renewal: certificate not issued');
          return refuse(500, 'internal-error', 'the broker could not issue the certificate (see its log); try again', { recorderId });
        }
        metrics.renewals.inc();
        logger.info({ recorderId, remote, previousSerial: serial.toLowerCase(), serial: renewed.serial }, 'recorder certificate renewed');
        const answer: RenewalResponse = { certificate: renewed.certificate, ca: renewed.ca };
        reply(200, answer);
      };

      const handle = async (text: string) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return refuse(400, 'malformed-request', `body must be JSON: ${SHAPE}`);
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse(400, 'malformed-request', `body must be a JSON object: ${SHAPE}`);
        const fields = body as Record<string, unknown>;
        const missing = FIELDS.filter((field) => typeof fields[field] !== 'string' || fields[field] === '');
        if (missing.length > 0) return refuse(400, 'malformed-request', `${missing.join(', ')}: required, a non-empty string each (body: ${SHAPE})`);
        const { recorderId, token, tlsPublicKey, signingPublicKey } = fields as unknown as EnrollmentRequest;
        if (!isRecorderId(recorderId)) {
          return refuse(400, 'malformed-request', 'recorderId is not valid: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
        }
        if (!isEnrollmentTokenShape(token)) {
          return refuse(400, 'malformed-request', 'token is not one "vigil pki token" makes ("vgl_" and 32 letters, digits, "-" or "_"): copy it whole', {
            recorderId,
          });
        }
        try {
          parseDeviceKeys(tlsPublicKey, signingPublicKey);
        } catch (error) {
          if (!(error instanceof DeviceKeyError)) throw error;
          return refuse(400, 'bad-public-key', error.message, { recorderId, field: error.field });
        }

        // Checked and spent in one synchronous step: no other request runs in between.
        const refusal = pki.redeemEnrollmentToken(token, recorderId);
        if (refusal) return refuse(403, refusal, tokenRefusalMessage(refusal, recorderId), { recorderId });
        let issued: EnrollmentResponse;
        try {
          issued = await pki.issueDeviceForKeys(recorderId, tlsPublicKey, signingPublicKey);
        } catch (error) {
          pki.refundEnrollmentToken(token);
          logger.error({ recorderId, err: (error as Error).message }, 'enrollment: certificate not issued; token given back');
          return refuse(500, 'internal-error', 'the broker could not issue the certificate (see its log); the token was not spent, try again', { recorderId });
        }
        // For the dashboard (another process, maybe): which recorder this token enrolled, so the
        // reseller who made the token becomes the owner of its installation (docs/DESIGN.md "Tenancy").
        try {
          pki.recordEnrollment(token, recorderId);
        } catch (error) {
          logger.error({ recorderId, err: (error as Error).message }, 'enrollment: certificate issued, but its record for the dashboard was not written');
        }
        metrics.enrollments.inc();
        logger.info({ recorderId, remote }, 'recorder enrolled');
        reply(200, issued);
      };

      const chunks: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on('data', (chunk: Buffer) => {
        if (refused) return;
        size += chunk.length;
        if (size <= MAX_BODY) return void chunks.push(chunk);
        // Node discards the rest of the body and closes the connection after this answer.
        refused = true;
        tooLarge();
      });
      req.on('end', () => {
        if (refused) return;
        void (renewal ? handleRenewal : handle)(Buffer.concat(chunks).toString('utf8')).catch((error: Error) => {
          logger.error({ remote, err: error.message }, 'enrollment failed');
          if (!res.headersSent) refuse(500, 'internal-error', 'the broker could not complete the enrollment (see its log); try again');
        });
      });
    },
  );
  server.on('tlsClientError', (error, socket) => counted('tls-handshake', socket.remoteAddress, { detail: error.message }));
  // Replaces Node's own answer to these (the same status codes), so that they are counted too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    counted(status === 408 ? 'request-timeout' : 'malformed-http', socket.remoteAddress, { detail: error.code ?? error.message });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, server };
}

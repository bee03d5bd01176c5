import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { FleetPki } from '@vigil/proto/pki';
import { TokenBucket } from './limits.js';
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

const MAX_BODY = 16 * 1024;

/**
 * POST /enroll over HTTPS (the broker's server certificate, no client certificate: the device has
 * none yet). A valid one-time token for the recorder buys a certificate for the keys the device
 * sent; the token is spent. Attempts are rate-limited; refusals say why, without revealing more.
 */
export async function startEnrollmentServer(pki: FleetPki, options: { port: number; host: string; logger: Logger }): Promise<{ port: number; server: Server }> {
  const attempts = new TokenBucket(5, 20);
  const broker = pki.broker();
  const server = createServer(
    { cert: readFileSync(broker.cert), key: readFileSync(broker.key), minVersion: 'TLSv1.2', ciphers: CIPHERS, honorCipherOrder: true },
    (req, res) => {
      const reply = (status: number, body: object) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/enroll') return reply(404, { error: 'POST /enroll' });
      if (!attempts.take()) return reply(429, { error: 'too many enrollment attempts; try again in a minute' });
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) req.destroy();
        else chunks.push(chunk);
      });
      req.on('end', () => {
        void (async () => {
          let body: Partial<EnrollmentRequest>;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<EnrollmentRequest>;
          } catch {
            return reply(400, { error: 'body must be JSON: {recorderId, token, tlsPublicKey, signingPublicKey}' });
          }
          const { recorderId, token, tlsPublicKey, signingPublicKey } = body;
          if (typeof recorderId !== 'string' || typeof token !== 'string' || typeof tlsPublicKey !== 'string' || typeof signingPublicKey !== 'string') {
            return reply(400, { error: 'recorderId, token, tlsPublicKey and signingPublicKey are required strings' });
          }
          const refusal = pki.redeemEnrollmentToken(token, recorderId);
          if (refusal) {
            options.logger.warn({ recorderId, reason: refusal, remote: req.socket.remoteAddress }, 'enrollment refused');
            return reply(403, { error: `enrollment refused: ${refusal}` });
          }
          try {
            const issued: EnrollmentResponse = await pki.issueDeviceForKeys(recorderId, tlsPublicKey, signingPublicKey);
            options.logger.info({ recorderId }, 'recorder enrolled');
            reply(200, issued);
          } catch (error) {
            reply(400, { error: (error as Error).message });
          }
        })();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, server };
}

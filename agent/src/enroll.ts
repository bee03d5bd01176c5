import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

export interface EnrollOptions {
  /** The fleet's enrollment endpoint, e.g. https://fleet.example.com:8885 */
  url: string;
  token: string;
  recorderId: string;
  /** The fleet CA certificate (public; obtained with the token), to trust the endpoint. */
  caFile: string;
  /** Where to write the bundle (the folder bundleDir points at). */
  outDir: string;
}

const secret = (path: string, content: string) => {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
};

/**
 * Enrolls this host with a one-time token: makes its TLS and signing keys here, sends only the
 * public halves, and writes the bundle "vigil pki issue" would have written.
 */
export async function enroll(options: EnrollOptions): Promise<string> {
  const ca = readFileSync(options.caFile);
  const tls = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const signing = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const body = JSON.stringify({ recorderId: options.recorderId, token: options.token, tlsPublicKey: tls.publicKey, signingPublicKey: signing.publicKey });
  const endpoint = new URL('/enroll', options.url);
  if (endpoint.protocol !== 'https:') throw new Error(`--url must be https:// (the token is a secret), not ${endpoint.protocol}`);
  const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      endpoint,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${endpoint.origin} within 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
  let parsed: { error?: string; certificate?: string; ca?: string; recipientPublicKey?: string };
  try {
    parsed = JSON.parse(response.text) as typeof parsed;
  } catch {
    throw new Error(`enrollment endpoint answered ${response.status} with something that is not JSON`);
  }
  if (response.status !== 200 || !parsed.certificate || !parsed.ca || !parsed.recipientPublicKey) {
    throw new Error(parsed.error ?? `enrollment failed with status ${response.status}`);
  }
  mkdirSync(options.outDir, { recursive: true, mode: 0o700 });
  secret(join(options.outDir, 'device.key'), tls.privateKey);
  secret(join(options.outDir, 'signing.key'), signing.privateKey);
  writeFileSync(join(options.outDir, 'device.crt'), parsed.certificate);
  writeFileSync(join(options.outDir, 'ca.crt'), parsed.ca);
  writeFileSync(join(options.outDir, 'recipient.pub.pem'), parsed.recipientPublicKey);
  return options.outDir;
}

import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { AgentConfig } from './config.js';
import { ConfigError } from './config.js';

export interface AgentCredentials {
  tls: { cert: Buffer; key: Buffer; ca: Buffer };
  signingKeyPem: string;
  recipientPublicKeyPem: string;
  certificateExpires: Date;
}

/**
 * Reads and checks the device's certificate and keys before anything connects, so an installer
 * gets "tls.key does not belong to tls.cert" rather than a TLS alert from the broker.
 */
export function loadCredentials(config: AgentConfig, source: string, now = Date.now()): AgentCredentials {
  const problems: string[] = [];
  const read = (field: string, path: string): Buffer | undefined => {
    try {
      return readFileSync(path);
    } catch (error) {
      problems.push(`${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); point it at the file "vigil pki issue" wrote`);
      return undefined;
    }
  };
  const cert = read('tls.cert', config.tls.cert);
  const key = read('tls.key', config.tls.key);
  const ca = read('tls.ca', config.tls.ca);
  const signing = read('envelope.signingKey', config.envelope.signingKey);
  const recipient = read('envelope.recipientPublicKey', config.envelope.recipientPublicKey);

  let certificateExpires = new Date(0);
  if (cert) {
    try {
      const x509 = new X509Certificate(cert);
      certificateExpires = new Date(x509.validTo);
      const cn = /CN=([^,\n]+)/.exec(x509.subject)?.[1];
      if (cn !== config.recorderId) problems.push(`tls.cert: issued to "${cn}", not to recorderId "${config.recorderId}"; use this recorder's own bundle`);
      if (certificateExpires.getTime() < now)
        problems.push(`tls.cert: expired on ${x509.validTo}; issue a new one with "vigil pki issue ${config.recorderId}"`);
      if (ca && !x509.verify(new X509Certificate(ca).publicKey)) problems.push('tls.cert: not signed by the CA in tls.ca; both must come from the same fleet');
    } catch (error) {
      problems.push(`tls.cert: not a PEM certificate (${(error as Error).message})`);
    }
  }
  if (cert && key && ca) {
    try {
      createSecureContext({ cert, key, ca });
    } catch (error) {
      problems.push(`tls.key: does not belong to tls.cert (${(error as Error).message})`);
    }
  }
  if (signing) {
    try {
      createPrivateKey(signing);
    } catch {
      problems.push('envelope.signingKey: not a PEM private key');
    }
  }
  if (recipient) {
    try {
      createPublicKey(recipient);
    } catch {
      problems.push('envelope.recipientPublicKey: not a PEM public key');
    }
  }
  if (problems.length > 0 || !cert || !key || !ca || !signing || !recipient) throw new ConfigError(source, problems);
  return { tls: { cert, key, ca }, signingKeyPem: signing.toString('utf8'), recipientPublicKeyPem: recipient.toString('utf8'), certificateExpires };
}

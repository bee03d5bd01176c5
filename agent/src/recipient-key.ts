import { createPublicKey } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdOf } from '@vigil/proto/envelope';

/**
 * The ingestor's envelope public key as the agent last learnt it from an Ack (docs/DESIGN.md
 * "Envelope", key rotation). It lives in the agent's data directory, which the agent may write
 * (the bundle's recipient.pub.pem may sit where only the installer writes), and wins over the
 * configured `envelope.recipientPublicKey` once it exists.
 */
export function learntRecipientKeyPath(dataDir: string): string {
  return join(dataDir, 'recipient.pub.pem');
}

/** Why a key cannot be an envelope recipient, or undefined when it can (RSA, 2048 bits or more). */
export function recipientKeyProblem(pem: string): string | undefined {
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa') return `an ${key.asymmetricKeyType ?? 'unknown'} key, not RSA`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) return `an RSA key of ${bits} bits, fewer than 2048`;
    return undefined;
  } catch {
    return 'not a PEM public key';
  }
}

/** The learnt key, when there is a usable one. */
export function loadLearntRecipientKey(dataDir: string): string | undefined {
  const path = learntRecipientKeyPath(dataDir);
  if (!existsSync(path)) return undefined;
  const pem = readFileSync(path, 'utf8');
  return recipientKeyProblem(pem) === undefined ? pem : undefined;
}

/** Written aside, flushed and renamed: a crash leaves the old key or the new one, never half of one. */
export function saveLearntRecipientKey(dataDir: string, pem: string): void {
  const path = learntRecipientKeyPath(dataDir);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

export const recipientKeyIdOf = (pem: string): string => keyIdOf(pem).toString('hex');

import { createHash, createPublicKey } from 'node:crypto';
import { NodeRSA } from 'node-rsa';

/**
 * node-rsa 2 defaults to SHA-1 OAEP and a 20-byte PSS salt; both are pinned here so the agent
 * and the ingestor can never drift apart on a library default.
 */
const RSA_OPTIONS = {
  encryptionScheme: { scheme: 'pkcs1_oaep', hash: 'sha256' },
  signingScheme: { scheme: 'pss', hash: 'sha256', saltLength: 32 },
} as const;

export function rsaKey(pem: string): NodeRSA {
  const key = new NodeRSA(pem);
  key.setOptions(RSA_OPTIONS);
  return key;
}

/** Recipient key id: the first 16 bytes of SHA-256 over the public key's SPKI DER. */
export function keyIdOf(publicOrPrivatePem: string): Buffer {
  const der = createPublicKey(publicOrPrivatePem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest().subarray(0, 16);
}

/** Length-prefixed concatenation, so that no two different field tuples encode alike. */
export function framed(...parts: Array<Uint8Array | string | number>): Buffer {
  // One allocation: the ingestor frames the AAD of every message it opens.
  let size = 0;
  for (const part of parts) size += 4 + (typeof part === 'number' ? 8 : typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : part.length);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) {
    if (typeof part === 'number') {
      at = out.writeUInt32BE(8, at);
      at = out.writeBigUInt64BE(BigInt(part), at);
    } else if (typeof part === 'string') {
      const length = out.write(part, at + 4, 'utf8');
      out.writeUInt32BE(length, at);
      at += 4 + length;
    } else {
      at = out.writeUInt32BE(part.length, at);
      out.set(part, at);
      at += part.length;
    }
  }
  return out;
}

export function signedPart(sender: string, keyId: Uint8Array, wrappedKey: Uint8Array, sessionStart: number): Buffer {
  return framed('vigil/v1/data-key', sender, keyId, wrappedKey, sessionStart);
}

export function additionalData(sender: string, keyId: Uint8Array, seq: number): Buffer {
  return framed('vigil/v1/message', sender, keyId, seq);
}

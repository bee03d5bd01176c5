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
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let bytes: Buffer;
    if (typeof part === 'number') {
      bytes = Buffer.alloc(8);
      bytes.writeBigUInt64BE(BigInt(part));
    } else {
      bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part);
    }
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

export function signedPart(sender: string, keyId: Uint8Array, wrappedKey: Uint8Array, sessionStart: number): Buffer {
  return framed('vigil/v1/data-key', sender, keyId, wrappedKey, sessionStart);
}

export function additionalData(sender: string, keyId: Uint8Array, seq: number): Buffer {
  return framed('vigil/v1/message', sender, keyId, seq);
}

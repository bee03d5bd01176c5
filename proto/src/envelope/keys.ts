import { constants, createHash, createPrivateKey, createPublicKey, type KeyObject, privateDecrypt, publicEncrypt, sign, verify } from 'node:crypto';
import { NodeRSA } from 'node-rsa';

/**
 * node-rsa 2 defaults to SHA-1 OAEP and a 20-byte PSS salt; both are pinned here so the agent
 * and the ingestor can never drift apart on a library default.
 */
const RSA_OPTIONS = {
  encryptionScheme: { scheme: 'pkcs1_oaep', hash: 'sha256' },
  signingScheme: { scheme: 'pss', hash: 'sha256', saltLength: 32 },
} as const;

/**
 * The envelope's RSA parameters for node:crypto: the same as RSA_OPTIONS (docs/DESIGN.md
 * "Envelope"), so an envelope sealed through either path opens through the other.
 */
const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;
const HASH = 'sha256';

/** A node-rsa key with the envelope's schemes; kept for benchmarks comparing it with the native path. */
export function rsaKey(pem: string): NodeRSA {
  const key = new NodeRSA(pem);
  key.setOptions(RSA_OPTIONS);
  return key;
}

/**
 * OpenSSL reads the PEM formats our tools write (PKCS#1, PKCS#8, SPKI) in microseconds; node-rsa's
 * pure-JS parse of a 2048-bit key costs about a millisecond, which a reconnecting fleet pays once
 * per recorder. node-rsa stays the fallback for anything else it accepted before.
 */
function nativeRsaKey(parse: () => KeyObject): KeyObject | undefined {
  try {
    const key = parse();
    return key.asymmetricKeyType === 'rsa' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * node-rsa reads the key (every format it accepted before stays accepted); the key is handed to
 * OpenSSL once, so each private-key operation is native instead of node-rsa exporting and
 * re-parsing a PEM per call (docs/BENCHMARKS.md "Opening a session").
 */
export function rsaPrivateKey(pem: string): KeyObject {
  const native = nativeRsaKey(() => createPrivateKey(pem));
  if (native) return native;
  const key = new NodeRSA(pem);
  if (!key.isPrivate()) throw new Error('not an RSA private key');
  return createPrivateKey({ key: Buffer.from(key.exportKey('pkcs8-private-der')), format: 'der', type: 'pkcs8' });
}

export function rsaPublicKey(pem: string): KeyObject {
  const native = nativeRsaKey(() => createPublicKey(pem));
  if (native) return native;
  const key = new NodeRSA(pem);
  return createPublicKey({ key: Buffer.from(key.exportKey('pkcs8-public-der')), format: 'der', type: 'spki' });
}

/** RSA-OAEP-SHA256. */
export function wrapDataKey(recipient: KeyObject, dataKey: Uint8Array): Buffer {
  return publicEncrypt({ key: recipient, ...OAEP }, dataKey);
}

/** RSA-OAEP-SHA256; throws when the wrapped key does not decrypt under `recipient`. */
export function unwrapDataKey(recipient: KeyObject, wrappedKey: Uint8Array): Buffer {
  return privateDecrypt({ key: recipient, ...OAEP }, wrappedKey);
}

/** RSA-PSS-SHA256, salt length 32. */
export function signDataKey(signer: KeyObject, signed: Uint8Array): Buffer {
  return sign(HASH, signed, { key: signer, ...PSS });
}

/** False for any signature that does not verify, including one of the wrong length. */
export function verifiesDataKey(signer: KeyObject, signed: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(HASH, signed, { key: signer, ...PSS }, signature);
  } catch {
    return false;
  }
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

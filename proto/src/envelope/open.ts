import { createDecipheriv, createHash, type KeyObject } from 'node:crypto';
import { vigil } from '../wire.js';
import {
  BadSignatureError,
  MalformedEnvelopeError,
  OversizedEnvelopeError,
  ReplayedDataKeyError,
  SenderMismatchError,
  TamperedEnvelopeError,
  UnknownRecipientKeyError,
  UnknownSenderError,
} from './errors.js';
import { additionalData, keyIdOf, rsaPrivateKey, rsaPublicKey, signedPart, unwrapDataKey, verifiesDataKey } from './keys.js';

export interface OpenerOptions {
  /** The ingestor's envelope private keys (PEM); several while a key rotation is under way. */
  recipientPrivateKeyPems: string[];
  /** The registered signing public key (PEM) of a recorder, or undefined when unknown. */
  signingKeyOf: (recorderId: string) => string | undefined;
  /** Default 256 KiB. */
  maxEnvelopeBytes?: number;
  /** How many verified data keys to remember. Default 100,000 (ten per recorder of a large fleet). */
  maxCachedDataKeys?: number;
}

export interface OpenedEnvelope {
  sender: string;
  seq: number;
  sessionStart: number;
  payload: vigil.v1.Payload;
  /** The Payload as it was encoded (the decrypted bytes `payload` was decoded from). */
  plaintext: Buffer;
  /** Hex id of the recipient key it was sealed to (which of several keys, during a rotation). */
  keyId: string;
}

interface VerifiedDataKey {
  sender: string;
  key: Buffer;
}

/** The signed fields of the session a sender used last, with the key they were verified to carry. */
interface LastSession {
  keyId: Uint8Array;
  wrappedKey: Uint8Array;
  sessionStart: number;
  signature: Uint8Array;
  dataKey: VerifiedDataKey;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;

const sha256 = (...parts: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('base64');
};

/**
 * Opens envelopes for the ingestor. A data key is unwrapped and its signature checked the first
 * time it is seen; later messages under the same key cost one AES-GCM open.
 */
export class EnvelopeOpener {
  private readonly recipients = new Map<string, KeyObject>();
  private readonly signingKeyOf: (recorderId: string) => string | undefined;
  private readonly maxEnvelopeBytes: number;
  private readonly maxCachedDataKeys: number;
  /** session digest (all signed fields + signature) -> verified key */
  private readonly dataKeys = new Map<string, VerifiedDataKey>();
  /** wrapped-key digest -> the sender that first presented it */
  private readonly wrappedKeyOwners = new Map<string, string>();
  /**
   * sender -> its current session. Nearly every message repeats its sender's last session: comparing
   * the fields byte for byte costs far less than hashing them (two SHA-256 per message).
   */
  private readonly lastSessions = new Map<string, LastSession>();
  /** sender -> its signing key as last registered, parsed once: a reconnecting fleet re-verifies every sender. */
  private readonly signingKeys = new Map<string, { pem: string; key: KeyObject }>();

  constructor(options: OpenerOptions) {
    if (options.recipientPrivateKeyPems.length === 0) throw new Error('at least one recipient private key is required');
    options.recipientPrivateKeyPems.forEach((pem, index) => {
      let key: KeyObject;
      try {
        key = rsaPrivateKey(pem);
      } catch {
        throw new Error(`recipientPrivateKeyPems[${index}] is not an RSA private key in PEM: give the ingestor's envelope.key`);
      }
      this.recipients.set(keyIdOf(pem).toString('hex'), key);
    });
    this.signingKeyOf = options.signingKeyOf;
    this.maxEnvelopeBytes = options.maxEnvelopeBytes ?? 256 * 1024;
    this.maxCachedDataKeys = options.maxCachedDataKeys ?? 100_000;
  }

  get cachedDataKeys(): number {
    return this.dataKeys.size;
  }

  open(topicRecorderId: string, bytes: Uint8Array): OpenedEnvelope {
    if (bytes.length > this.maxEnvelopeBytes) throw new OversizedEnvelopeError(bytes.length, this.maxEnvelopeBytes);
    const envelope = decodeEnvelope(bytes);
    const { sender } = envelope;
    if (sender !== topicRecorderId) throw new SenderMismatchError(sender, topicRecorderId);
    const keyIdHex = Buffer.from(envelope.keyId).toString('hex');
    const recipient = this.recipients.get(keyIdHex);
    if (!recipient) throw new UnknownRecipientKeyError(keyIdHex);

    const dataKey = this.verifiedDataKey(envelope, recipient);
    const decipher = createDecipheriv('aes-256-gcm', dataKey.key, envelope.iv);
    decipher.setAAD(additionalData(sender, envelope.keyId, envelope.seq));
    decipher.setAuthTag(envelope.tag);
    let plaintext: Buffer;
    try {
      const head = decipher.update(envelope.ciphertext);
      const tail = decipher.final(); // empty for GCM, which is a stream mode: no copy then
      plaintext = tail.length === 0 ? head : Buffer.concat([head, tail]);
    } catch {
      throw new TamperedEnvelopeError(sender);
    }
    let payload: vigil.v1.Payload;
    try {
      payload = vigil.v1.Payload.decode(plaintext);
    } catch (error) {
      throw new MalformedEnvelopeError(`payload from "${sender}" is not a Payload: ${(error as Error).message}`);
    }
    return { sender, seq: envelope.seq, sessionStart: envelope.sessionStart, payload, plaintext, keyId: keyIdHex };
  }

  private verifiedDataKey(envelope: vigil.v1.Envelope, recipient: KeyObject): VerifiedDataKey {
    const { sender } = envelope;
    const last = this.lastSessions.get(sender);
    if (
      last &&
      last.sessionStart === envelope.sessionStart &&
      sameBytes(last.keyId, envelope.keyId) &&
      sameBytes(last.wrappedKey, envelope.wrappedKey) &&
      sameBytes(last.signature, envelope.signature)
    ) {
      return last.dataKey;
    }
    const dataKey = this.verifiedByDigest(envelope, recipient);
    if (!last && this.lastSessions.size >= this.maxCachedDataKeys) {
      const oldest = this.lastSessions.keys().next().value;
      if (oldest !== undefined) this.lastSessions.delete(oldest);
    }
    // Copies: the envelope's fields are views into a message buffer we must not keep alive.
    this.lastSessions.set(sender, {
      keyId: Buffer.from(envelope.keyId),
      wrappedKey: Buffer.from(envelope.wrappedKey),
      sessionStart: envelope.sessionStart,
      signature: Buffer.from(envelope.signature),
      dataKey,
    });
    return dataKey;
  }

  private verifiedByDigest(envelope: vigil.v1.Envelope, recipient: KeyObject): VerifiedDataKey {
    const { sender } = envelope;
    const sessionStart = Buffer.alloc(8);
    sessionStart.writeBigInt64BE(BigInt(envelope.sessionStart));
    const sessionDigest = sha256(Buffer.from(sender), envelope.keyId, envelope.wrappedKey, sessionStart, envelope.signature);
    const cached = this.dataKeys.get(sessionDigest);
    if (cached) return cached;

    const wrappedDigest = sha256(envelope.wrappedKey);
    const owner = this.wrappedKeyOwners.get(wrappedDigest);
    if (owner !== undefined && owner !== sender) throw new ReplayedDataKeyError(sender);

    const signingKeyPem = this.signingKeyOf(sender);
    if (!signingKeyPem) throw new UnknownSenderError(sender);
    const signingKey = this.signingKeyFor(sender, signingKeyPem);
    if (!signingKey || !verifiesDataKey(signingKey, signedPart(sender, envelope.keyId, envelope.wrappedKey, envelope.sessionStart), envelope.signature)) {
      throw new BadSignatureError(sender);
    }

    let key: Buffer;
    try {
      key = unwrapDataKey(recipient, envelope.wrappedKey);
    } catch {
      throw new TamperedEnvelopeError(sender);
    }
    if (key.length !== 32) throw new TamperedEnvelopeError(sender);

    const verifiedKey = { sender, key };
    this.remember(sessionDigest, verifiedKey, wrappedDigest);
    return verifiedKey;
  }

  /** Undefined when the registered PEM is not an RSA public key: nothing can verify against it. */
  private signingKeyFor(sender: string, pem: string): KeyObject | undefined {
    const known = this.signingKeys.get(sender);
    if (known?.pem === pem) return known.key;
    let key: KeyObject;
    try {
      key = rsaPublicKey(pem);
    } catch {
      return undefined;
    }
    if (!known && this.signingKeys.size >= this.maxCachedDataKeys) {
      const oldest = this.signingKeys.keys().next().value;
      if (oldest !== undefined) this.signingKeys.delete(oldest);
    }
    this.signingKeys.set(sender, { pem, key });
    return key;
  }

  private remember(sessionDigest: string, dataKey: VerifiedDataKey, wrappedDigest: string): void {
    if (this.dataKeys.size >= this.maxCachedDataKeys) {
      const oldest = this.dataKeys.keys().next().value;
      if (oldest !== undefined) this.dataKeys.delete(oldest);
    }
    if (this.wrappedKeyOwners.size >= this.maxCachedDataKeys) {
      const oldest = this.wrappedKeyOwners.keys().next().value;
      if (oldest !== undefined) this.wrappedKeyOwners.delete(oldest);
    }
    this.dataKeys.set(sessionDigest, dataKey);
    this.wrappedKeyOwners.set(wrappedDigest, dataKey.sender);
  }
}

function decodeEnvelope(bytes: Uint8Array): vigil.v1.Envelope {
  let envelope: vigil.v1.Envelope;
  try {
    envelope = vigil.v1.Envelope.decode(bytes);
  } catch (error) {
    throw new MalformedEnvelopeError(`not an envelope (truncated or corrupt): ${(error as Error).message}`);
  }
  const problems: string[] = [];
  if (envelope.version !== 1) problems.push(`version ${envelope.version} is not 1`);
  if (!envelope.sender) problems.push('sender is empty');
  if (envelope.keyId.length !== 16) problems.push('key_id is not 16 bytes');
  if (envelope.wrappedKey.length === 0) problems.push('wrapped_key is empty');
  if (envelope.signature.length === 0) problems.push('signature is empty');
  if (envelope.iv.length !== 12) problems.push('iv is not 12 bytes');
  if (envelope.tag.length !== 16) problems.push('tag is not 16 bytes');
  if (problems.length > 0) throw new MalformedEnvelopeError(`incomplete envelope: ${problems.join(', ')}`);
  return envelope;
}

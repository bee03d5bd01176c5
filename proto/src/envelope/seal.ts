import { createCipheriv, type KeyObject, randomBytes } from 'node:crypto';
import { vigil } from '../wire.js';
import { additionalData, keyIdOf, rsaPrivateKey, rsaPublicKey, signDataKey, signedPart, wrapDataKey } from './keys.js';

export interface SealerOptions {
  /** Recorder id; must match the CN of the device certificate the agent connects with. */
  sender: string;
  /** The device's RSA signing key (PEM). */
  signingKeyPem: string;
  /** The ingestor's RSA envelope public key (PEM). */
  recipientPublicKeyPem: string;
  /** Data keys older than this are replaced before the next message. Default one hour. */
  maxKeyAgeMs?: number;
  now?: () => number;
}

interface DataKey {
  key: Buffer;
  wrappedKey: Uint8Array;
  signature: Uint8Array;
  sessionStart: number;
}

/**
 * Seals payloads for one agent. The RSA work (wrap + sign) happens once per data key; every
 * message after that costs one AES-256-GCM pass.
 */
export class EnvelopeSealer {
  readonly sender: string;
  private readonly signer: KeyObject;
  private recipient: KeyObject;
  private keyId: Buffer;
  private readonly maxKeyAgeMs: number;
  private readonly now: () => number;
  private current: DataKey | undefined;

  constructor(options: SealerOptions) {
    this.sender = options.sender;
    try {
      this.signer = rsaPrivateKey(options.signingKeyPem);
    } catch {
      throw new Error("signingKeyPem must be an RSA private key in PEM (the agent's signing.key)");
    }
    this.recipient = rsaPublicKey(options.recipientPublicKeyPem);
    this.keyId = keyIdOf(options.recipientPublicKeyPem);
    this.maxKeyAgeMs = options.maxKeyAgeMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
  }

  /** Hex id of the recipient key data keys are wrapped to. */
  get recipientKeyId(): string {
    return this.keyId.toString('hex');
  }

  /** Seals to another recipient key from the next message on, under a new data key (an envelope key rotation). */
  setRecipient(recipientPublicKeyPem: string): void {
    this.recipient = rsaPublicKey(recipientPublicKeyPem);
    this.keyId = keyIdOf(recipientPublicKeyPem);
    this.rotate();
  }

  /** Starts a new data key; call at every MQTT session start. */
  rotate(): void {
    const key = randomBytes(32);
    const sessionStart = this.now();
    const wrappedKey = wrapDataKey(this.recipient, key);
    const signature = signDataKey(this.signer, signedPart(this.sender, this.keyId, wrappedKey, sessionStart));
    this.current = { key, wrappedKey, signature, sessionStart };
  }

  seal(payload: vigil.v1.IPayload, seq: number): Uint8Array {
    if (!this.current || this.now() - this.current.sessionStart >= this.maxKeyAgeMs) this.rotate();
    const dataKey = this.current as DataKey;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey.key, iv);
    cipher.setAAD(additionalData(this.sender, this.keyId, seq));
    const plaintext = vigil.v1.Payload.encode(payload).finish();
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return vigil.v1.Envelope.encode({
      version: 1,
      sender: this.sender,
      keyId: this.keyId,
      wrappedKey: dataKey.wrappedKey,
      sessionStart: dataKey.sessionStart,
      signature: dataKey.signature,
      seq,
      iv,
      ciphertext,
      tag: cipher.getAuthTag(),
    }).finish();
  }
}

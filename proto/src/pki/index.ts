import 'reflect-metadata';
import { createHash, createPrivateKey, createPublicKey, generateKeyPair as generateKeyPairCb, type KeyObject, randomBytes, webcrypto } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { isRecorderId } from '../topics.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const subtle = webcrypto.subtle;
const generateKeyPair = promisify(generateKeyPairCb);

/** TLS identities use P-256: cheap to make, small, and fast to handshake for a 10,000-device fleet. */
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
/**
 * Certificates are valid from a week before they are issued: a recorder whose clock is days behind
 * (a dead CMOS battery, no NTP on an isolated network) must still accept today's broker
 * certificate and have its own accepted, or it could never report at all.
 */
const CLOCK_SKEW_ALLOWANCE_MS = 7 * DAY;
/** Tokens are stored hashed: the file alone does not let anyone enroll. */
const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');
/** How long a writer of enrollment.json waits for another's lock, and when a lock counts as left behind. */
const ENROLLMENT_LOCK_WAIT_MS = 5_000;
const ENROLLMENT_LOCK_STALE_MS = 30_000;
/** A synchronous sleep (Atomics.wait) between tries for the lock: the token methods are synchronous. */
const LOCK_SLEEP = new Int32Array(new SharedArrayBuffer(4));

export type IdentityRole = 'recorder' | 'service';

export interface TlsIdentityFiles {
  cert: string;
  key: string;
  ca: string;
}

export interface DeviceBundle extends TlsIdentityFiles {
  recorderId: string;
  dir: string;
  signingKey: string;
  recipientPublicKey: string;
}

/** An envelope key's id as the envelope carries it (proto's envelope keyIdOf), in hex: the first 16 bytes of SHA-256 over the SPKI DER. */
export function envelopeKeyIdOf(publicOrPrivatePem: string): string {
  const der = createPublicKey(publicOrPrivatePem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest().subarray(0, 16).toString('hex');
}

/** Writes a private key (or other secret) readable by its owner only. */
export function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function randomSerial(): string {
  // Positive, 16 bytes: RFC 5280 wants at most 20 octets and no sign surprises.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

async function newEcKeys(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportPrivate(key: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await subtle.exportKey('pkcs8', key));
}

/** Why a one-time enrollment token was not accepted (also the broker's metrics label). */
export type EnrollmentRefusal = 'unknown-token' | 'wrong-recorder' | 'used-token' | 'expired-token';

/**
 * Who a token was made for, beyond the recorder: set by the dashboard when a reseller makes a
 * token for one of its customers' installations. The broker does not read it; it is kept with
 * the token so the file says why each token exists.
 */
export interface EnrollmentTokenPurpose {
  /** The dashboard user (a reseller) who made it. */
  issuedBy: string;
  /** The installation (SLC) the recorder is to join. */
  installationSlc: string;
}

interface EnrollmentTokenFile {
  tokens: Record<string, { recorderId: string; expiresAt: string; spentAt?: string; purpose?: EnrollmentTokenPurpose }>;
}

/** What the broker records once a token has bought a certificate (enrollment-redeemed/<digest>.json). */
export interface EnrollmentRedemption {
  recorderId: string;
  redeemedAt: string;
}

/** How a token is known without being kept: the file names and the dashboard store only this. */
export const enrollmentTokenDigest = (token: string): string => tokenDigest(token);

/** What "vigil pki token" prints: vgl_ and 24 random bytes in base64url. */
export const isEnrollmentTokenShape = (token: string): boolean => /^vgl_[A-Za-z0-9_-]{32}$/.test(token);

/** A device's public key that cannot be used, with the request field it came in. */
export class DeviceKeyError extends Error {
  constructor(
    readonly field: 'recorderId' | 'tlsPublicKey' | 'signingPublicKey',
    message: string,
  ) {
    super(message);
    this.name = 'DeviceKeyError';
  }
}

function publicKeyFrom(field: 'tlsPublicKey' | 'signingPublicKey', pemText: string, expected: string): KeyObject {
  // A private key would parse (its public half is derived), but it must never have left the device.
  if (/PRIVATE KEY-----/.test(pemText)) {
    throw new DeviceKeyError(
      field,
      `${field} is a private key: send only the public half ("-----BEGIN PUBLIC KEY-----"), and make a new key pair, as this one is no longer secret`,
    );
  }
  try {
    return createPublicKey(pemText);
  } catch {
    throw new DeviceKeyError(field, `${field} must be ${expected} in PEM ("-----BEGIN PUBLIC KEY-----")`);
  }
}

/**
 * Checks the public keys a device sends to enroll, without side effects, so that a request that
 * would fail does so before its token is spent. Errors name the field and never echo the key.
 */
export function parseDeviceKeys(tlsPublicKeyPem: string, signingPublicKeyPem: string): { tls: KeyObject; signing: KeyObject } {
  const tls = parseTlsPublicKey(tlsPublicKeyPem);
  const signingExpected = 'an RSA public key of at least 2048 bits';
  const signing = publicKeyFrom('signingPublicKey', signingPublicKeyPem, signingExpected);
  if (signing.asymmetricKeyType !== 'rsa' || (signing.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new DeviceKeyError('signingPublicKey', `signingPublicKey must be ${signingExpected}, not ${describeKey(signing)}`);
  }
  return { tls, signing };
}

/** A device's TLS public key (enrolment and renewal): P-256 only. Errors name the field. */
export function parseTlsPublicKey(tlsPublicKeyPem: string): KeyObject {
  const expected = 'a P-256 (prime256v1) EC public key';
  const tls = publicKeyFrom('tlsPublicKey', tlsPublicKeyPem, expected);
  if (tls.asymmetricKeyType !== 'ec' || tls.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new DeviceKeyError('tlsPublicKey', `tlsPublicKey must be ${expected}, not ${describeKey(tls)}`);
  }
  return tls;
}

function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (details?.namedCurve) return `${key.asymmetricKeyType} ${details.namedCurve}`;
  if (details?.modulusLength) return `${key.asymmetricKeyType} ${details.modulusLength} bits`;
  return key.asymmetricKeyType ?? 'an unknown key type';
}

/**
 * The fleet's PKI in one directory: a CA, the broker's server certificate, service client
 * certificates, the ingestor's envelope key pair, and per-recorder bundles. Private keys are 0600.
 *
 *   ca.crt ca.key                          fleet CA
 *   broker.crt broker.key                  broker TLS server identity
 *   services/{name}.crt .key               ingestor, dashboard client identities (OU=service)
 *   envelope.key envelope.pub.pem          ingestor's RSA envelope key (docs/DESIGN.md "Envelope")
 *   envelope-previous/{keyId}.key .pub.pem keys replaced by a rotation, opened until retired
 *   signers/{recorderId}.pem               registered signing public keys, read by the ingestor
 *   devices/{recorderId}/                  the bundle an installer copies to the recorder host
 */
export interface FleetPkiOptions {
  /**
   * How long recorder certificates issued from now on are valid, in days (default 825): by
   * "vigil pki issue", enrolment and renewal alike (VIGIL_DEVICE_CERT_DAYS). Agents renew theirs
   * before it runs out (docs/DESIGN.md "Enrolment").
   */
  deviceCertificateDays?: number;
}

/** The default life of a recorder certificate: the most browsers ever accepted, long enough to forget, which renewal now covers. */
export const DEFAULT_DEVICE_CERTIFICATE_DAYS = 825;

export class FleetPki {
  constructor(
    readonly dir: string,
    private readonly options: FleetPkiOptions = {},
  ) {}

  get caCertPath(): string {
    return join(this.dir, 'ca.crt');
  }
  get envelopeKeyPath(): string {
    return join(this.dir, 'envelope.key');
  }
  get envelopePublicKeyPath(): string {
    return join(this.dir, 'envelope.pub.pem');
  }

  /** Envelope key pairs replaced by a rotation, kept until retired: `<key id>.key` (0600) and `<key id>.pub.pem`. */
  get previousEnvelopeKeysDir(): string {
    return join(this.dir, 'envelope-previous');
  }

  /** The current envelope key's id (docs/DESIGN.md "Envelope": SHA-256 of the SPKI DER, 16 bytes, hex). */
  envelopeKeyId(): string {
    return envelopeKeyIdOf(readFileSync(this.envelopePublicKeyPath, 'utf8'));
  }

  /** The previous envelope keys still kept, oldest rotation first. */
  previousEnvelopeKeys(): Array<{ keyId: string; path: string; replacedAt: Date }> {
    const dir = this.previousEnvelopeKeysDir;
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => /^[0-9a-f]{32}\.key$/.test(name))
      .map((name) => ({ keyId: name.slice(0, 32), path: join(dir, name), replacedAt: statSync(join(dir, name)).mtime }))
      .sort((a, b) => a.replacedAt.getTime() - b.replacedAt.getTime());
  }

  /** The private keys the ingestor opens envelopes with: the current one first, then every previous one. */
  envelopePrivateKeyPems(): string[] {
    return [readFileSync(this.envelopeKeyPath, 'utf8'), ...this.previousEnvelopeKeys().map((key) => readFileSync(key.path, 'utf8'))];
  }

  /**
   * A new envelope key pair becomes current; the old one moves to envelope-previous/ first (so it
   * is never lost between the two steps), where ingestors keep opening what was sealed to it.
   * New device bundles and enrolments hand out the new public key.
   */
  async rotateEnvelopeKey(): Promise<{ previousKeyId: string; currentKeyId: string }> {
    if (!existsSync(this.envelopeKeyPath)) throw new Error(`no envelope key in ${this.dir}: run "vigil pki init" first`);
    const previousKeyId = this.envelopeKeyId();
    mkdirSync(this.previousEnvelopeKeysDir, { recursive: true, mode: 0o700 });
    chmodSync(this.previousEnvelopeKeysDir, 0o700);
    writeSecret(join(this.previousEnvelopeKeysDir, `${previousKeyId}.key`), readFileSync(this.envelopeKeyPath, 'utf8'));
    writeFileSync(join(this.previousEnvelopeKeysDir, `${previousKeyId}.pub.pem`), readFileSync(this.envelopePublicKeyPath, 'utf8'));
    const { publicKey, privateKey } = await generateKeyPair('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    // Each file written aside and renamed: a reader sees the old key or the new one, never half of one.
    writeSecret(`${this.envelopeKeyPath}.tmp`, privateKey);
    writeFileSync(`${this.envelopePublicKeyPath}.tmp`, publicKey);
    renameSync(`${this.envelopeKeyPath}.tmp`, this.envelopeKeyPath);
    renameSync(`${this.envelopePublicKeyPath}.tmp`, this.envelopePublicKeyPath);
    return { previousKeyId, currentKeyId: envelopeKeyIdOf(publicKey) };
  }

  /** Deletes a previous envelope key pair; refuses the current one and ids it does not hold. */
  retireEnvelopeKey(keyId: string): void {
    const id = keyId.trim().toLowerCase();
    if (id === this.envelopeKeyId()) throw new Error(`${id} is the current envelope key; only previous keys can be retired`);
    const known = this.previousEnvelopeKeys();
    const key = known.find((one) => one.keyId === id);
    if (!key) {
      throw new Error(
        `no previous envelope key ${keyId}; previous keys: ${known.length > 0 ? known.map((one) => one.keyId).join(', ') : 'none'} ("vigil pki envelope-keys" lists them)`,
      );
    }
    unlinkSync(key.path);
    rmSync(join(this.previousEnvelopeKeysDir, `${id}.pub.pem`), { force: true });
  }

  isInitialised(): boolean {
    return existsSync(this.caCertPath) && existsSync(join(this.dir, 'ca.key')) && existsSync(this.envelopeKeyPath);
  }

  /**
   * Creates the CA, broker certificate, service identities and envelope key. Existing material
   * is kept, so running it twice is safe; returns what it created.
   */
  async init(options: { brokerHosts?: string[] } = {}): Promise<string[]> {
    const created: string[] = [];
    mkdirSync(join(this.dir, 'services'), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.dir, 'signers'), { recursive: true });
    mkdirSync(join(this.dir, 'devices'), { recursive: true, mode: 0o700 });
    if (!existsSync(this.caCertPath)) {
      const keys = await newEcKeys();
      const now = Date.now();
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerial(),
        name: 'CN=Vigil Fleet CA, O=Vigil',
        notBefore: new Date(now - CLOCK_SKEW_ALLOWANCE_MS),
        notAfter: new Date(now + 3650 * DAY),
        signingAlgorithm: EC,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      writeSecret(join(this.dir, 'ca.key'), await exportPrivate(keys.privateKey));
      writeFileSync(this.caCertPath, cert.toString('pem'));
      created.push('fleet CA');
    }
    if (!existsSync(join(this.dir, 'broker.crt'))) {
      const hosts = ['localhost', '127.0.0.1', ...(options.brokerHosts ?? [])];
      await this.issueTls('broker', 'service', join(this.dir, 'broker'), hosts);
      created.push(`broker certificate (${[...new Set(hosts)].join(', ')})`);
    } else {
      const added = await this.addBrokerNames(options.brokerHosts ?? []);
      if (added) created.push(added);
    }
    for (const service of ['ingestor', 'dashboard']) {
      if (!existsSync(join(this.dir, 'services', `${service}.crt`))) {
        await this.issueTls(service, 'service', join(this.dir, 'services', service));
        created.push(`${service} client certificate`);
      }
    }
    if (!existsSync(this.envelopeKeyPath)) {
      const { publicKey, privateKey } = await generateKeyPair('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      writeSecret(this.envelopeKeyPath, privateKey);
      writeFileSync(this.envelopePublicKeyPath, publicKey);
      created.push('ingestor envelope key pair');
    }
    return created;
  }

  /** The DNS names and IP addresses the broker's certificate is valid for, as written in it. */
  brokerNames(): string[] {
    const cert = new x509.X509Certificate(readFileSync(join(this.dir, 'broker.crt'), 'utf8'));
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
    return (san?.names.items ?? []).filter((name) => name.type === 'dns' || name.type === 'ip').map((name) => name.value);
  }

  /**
   * Reissues the broker certificate when it lacks some of `hosts`: same key, same CA, every name
   * it had plus the new ones, written aside and renamed, so a running broker (which polls the file
   * and swaps its TLS context) never reads half a file and never pairs it with another key.
   * Returns what changed, or undefined when every name was there already.
   */
  private async addBrokerNames(hosts: string[]): Promise<string | undefined> {
    const names = this.brokerNames();
    const missing = [...new Set(hosts.map((host) => host.trim()).filter((host) => host !== ''))].filter(
      (host) => !names.some((name) => name.toLowerCase() === host.toLowerCase()),
    );
    if (missing.length === 0) return undefined;
    const keyPath = join(this.dir, 'broker.key');
    const spki = createPublicKey(createPrivateKey(readFileSync(keyPath))).export({ type: 'spki', format: 'der' });
    const publicKey = await subtle.importKey('spki', spki, EC, true, ['verify']);
    const all = [...names, ...missing];
    const { pem } = await this.issueCertificate('broker', 'service', publicKey, all);
    const certPath = join(this.dir, 'broker.crt');
    const temporary = `${certPath}.${process.pid}.tmp`;
    writeFileSync(temporary, pem);
    renameSync(temporary, certPath);
    return `broker certificate reissued with ${missing.join(', ')} added (now ${all.join(', ')}; same key and CA; a running broker picks it up within seconds)`;
  }

  /** TLS client identity of a fleet service (ingestor, dashboard). */
  service(name: string): TlsIdentityFiles {
    return { cert: join(this.dir, 'services', `${name}.crt`), key: join(this.dir, 'services', `${name}.key`), ca: this.caCertPath };
  }

  broker(): TlsIdentityFiles {
    return { cert: join(this.dir, 'broker.crt'), key: join(this.dir, 'broker.key'), ca: this.caCertPath };
  }

  device(recorderId: string): DeviceBundle {
    const dir = join(this.dir, 'devices', recorderId);
    return {
      recorderId,
      dir,
      cert: join(dir, 'device.crt'),
      key: join(dir, 'device.key'),
      ca: join(dir, 'ca.crt'),
      signingKey: join(dir, 'signing.key'),
      recipientPublicKey: join(dir, 'recipient.pub.pem'),
    };
  }

  hasDevice(recorderId: string): boolean {
    return existsSync(this.device(recorderId).cert) && existsSync(this.signerPath(recorderId)) && this.registry().recorders[recorderId] !== undefined;
  }

  /**
   * Issues a recorder's device certificate (CN = recorder id) and signing key, registers the
   * signing public key for the ingestor, and writes the bundle the installer copies to the host.
   */
  async issueDevice(recorderId: string, validity: { notBefore?: Date; notAfter?: Date } = {}): Promise<DeviceBundle> {
    if (!isRecorderId(recorderId)) {
      throw new Error(`recorder id "${recorderId}" is not valid: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    }
    if (!this.isInitialised()) throw new Error(`no fleet PKI in ${this.dir}: run "vigil pki init" first`);
    const bundle = this.device(recorderId);
    mkdirSync(bundle.dir, { recursive: true, mode: 0o700 });
    const serial = await this.issueTls(recorderId, 'recorder', join(bundle.dir, 'device'), undefined, {
      ...validity,
      notAfter: validity.notAfter ?? this.deviceNotAfter(),
    });
    const { publicKey, privateKey } = await generateKeyPair('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeSecret(bundle.signingKey, privateKey);
    writeFileSync(this.signerPath(recorderId), publicKey);
    writeFileSync(bundle.ca, readFileSync(this.caCertPath));
    writeFileSync(bundle.recipientPublicKey, readFileSync(this.envelopePublicKeyPath));
    this.register(recorderId, serial);
    return bundle;
  }

  signerPath(recorderId: string): string {
    return join(this.dir, 'signers', `${recorderId}.pem`);
  }

  /** The registered signing public key of a recorder (PEM), or undefined. */
  signingKeyOf(recorderId: string): string | undefined {
    if (!isRecorderId(recorderId)) return undefined;
    try {
      return readFileSync(this.signerPath(recorderId), 'utf8');
    } catch {
      return undefined;
    }
  }

  private async caSigningKey(): Promise<{ key: CryptoKey; cert: x509.X509Certificate }> {
    const der = createPrivateKey(readFileSync(join(this.dir, 'ca.key'))).export({ type: 'pkcs8', format: 'der' });
    const key = await subtle.importKey('pkcs8', der, EC, false, ['sign']);
    return { key, cert: new x509.X509Certificate(readFileSync(this.caCertPath, 'utf8')) };
  }

  private async issueTls(
    commonName: string,
    role: IdentityRole,
    basePath: string,
    serverHosts?: string[],
    validity: { notBefore?: Date; notAfter?: Date } = {},
  ): Promise<string> {
    const keys = await newEcKeys();
    const { pem, serial } = await this.issueCertificate(commonName, role, keys.publicKey, serverHosts, validity);
    writeSecret(`${basePath}.key`, await exportPrivate(keys.privateKey));
    writeFileSync(`${basePath}.crt`, pem);
    return serial;
  }

  private async issueCertificate(
    commonName: string,
    role: IdentityRole,
    publicKey: CryptoKey,
    serverHosts?: string[],
    validity: { notBefore?: Date; notAfter?: Date } = {},
  ): Promise<{ pem: string; serial: string }> {
    const ca = await this.caSigningKey();
    const keys = { publicKey };
    const now = Date.now();
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(serverHosts ? [x509.ExtendedKeyUsage.serverAuth] : [x509.ExtendedKeyUsage.clientAuth]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ];
    if (serverHosts) {
      const names = [...new Set(serverHosts)].map((host) => (isIP(host) ? { type: 'ip' as const, value: host } : { type: 'dns' as const, value: host }));
      extensions.push(new x509.SubjectAlternativeNameExtension(names));
    }
    const serialNumber = randomSerial();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: `CN=${commonName}, OU=${role}, O=Vigil`,
      issuer: ca.cert.subject,
      notBefore: validity.notBefore ?? new Date(now - CLOCK_SKEW_ALLOWANCE_MS),
      notAfter: validity.notAfter ?? new Date(now + 825 * DAY),
      signingAlgorithm: EC,
      publicKey: keys.publicKey,
      signingKey: ca.key,
      extensions,
    });
    return { pem: cert.toString('pem'), serial: serialNumber };
  }

  /**
   * Issues a device certificate for keys the device made itself (enrollment: the private keys
   * never leave the recorder host). Registers the signing key and the serial like issueDevice.
   */
  async issueDeviceForKeys(
    recorderId: string,
    tlsPublicKeyPem: string,
    signingPublicKeyPem: string,
  ): Promise<{ certificate: string; ca: string; recipientPublicKey: string }> {
    if (!isRecorderId(recorderId)) throw new DeviceKeyError('recorderId', `recorder id "${recorderId}" is not valid`);
    const keys = parseDeviceKeys(tlsPublicKeyPem, signingPublicKeyPem);
    const publicKey = await subtle.importKey('spki', keys.tls.export({ type: 'spki', format: 'der' }), EC, true, ['verify']);
    const { pem, serial } = await this.issueCertificate(recorderId, 'recorder', publicKey, undefined, { notAfter: this.deviceNotAfter() });
    writeFileSync(this.signerPath(recorderId), keys.signing.export({ type: 'spki', format: 'pem' }));
    this.register(recorderId, serial);
    return { certificate: pem, ca: readFileSync(this.caCertPath, 'utf8'), recipientPublicKey: readFileSync(this.envelopePublicKeyPath, 'utf8') };
  }

  private deviceNotAfter(now = Date.now()): Date {
    return new Date(now + (this.options.deviceCertificateDays ?? DEFAULT_DEVICE_CERTIFICATE_DAYS) * DAY);
  }

  /**
   * Why a recorder presenting the certificate with `serial` may not renew it, or undefined when it
   * may: it must be in the registry, not revoked, and the certificate must be its current one or
   * the one a renewal not yet taken up replaces (see renewDevice). The caller has checked the
   * certificate itself (fleet CA, dates).
   */
  renewalRefusal(recorderId: string, serial: string): 'not-current' | 'revoked' | undefined {
    const entry = this.registry().recorders[recorderId];
    if (!entry) return 'not-current';
    if (entry.revokedAt) return 'revoked';
    return registrySerialStanding(entry, serial) === undefined ? 'not-current' : undefined;
  }

  /**
   * A new certificate for a recorder that proved it holds a valid one (`presentedSerial`), for a
   * TLS key it made itself; the signing key stays. The registry's current serial becomes the new
   * one and the presented one stays admitted as `previousSerial` until the new one is first seen
   * connecting (retirePreviousSerial): an agent that dies before it has saved the answer still
   * gets in with the certificate it has, and renews again.
   */
  async renewDevice(recorderId: string, presentedSerial: string, tlsPublicKeyPem: string): Promise<{ certificate: string; ca: string; serial: string }> {
    if (!isRecorderId(recorderId)) throw new DeviceKeyError('recorderId', `recorder id "${recorderId}" is not valid`);
    const tls = parseTlsPublicKey(tlsPublicKeyPem);
    const publicKey = await subtle.importKey('spki', tls.export({ type: 'spki', format: 'der' }), EC, true, ['verify']);
    const { pem, serial } = await this.issueCertificate(recorderId, 'recorder', publicKey, undefined, { notAfter: this.deviceNotAfter() });
    updateRegistryFile(this.registryPath, (registry) => {
      const entry = registry.recorders[recorderId];
      if (!entry) throw new Error(`recorder "${recorderId}" left the registry during its renewal`);
      registry.recorders[recorderId] = {
        serial: serial.toLowerCase(),
        issuedAt: new Date().toISOString(),
        previousSerial: normalSerial(presentedSerial),
        ...(entry.revokedAt ? { revokedAt: entry.revokedAt } : {}),
      };
    });
    return { certificate: pem, ca: readFileSync(this.caCertPath, 'utf8'), serial };
  }

  get enrollmentPath(): string {
    return join(this.dir, 'enrollment.json');
  }

  /** A one-time token an installer gives a new recorder, so it can enroll without access to the CA. */
  createEnrollmentToken(recorderId: string, ttlMs = 7 * 86_400_000, now = Date.now(), purpose?: EnrollmentTokenPurpose): string {
    if (!isRecorderId(recorderId))
      throw new Error(`recorder id "${recorderId}" is not valid: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    const token = `vgl_${randomBytes(24).toString('base64url')}`;
    this.updateEnrollmentTokens((file) => {
      file.tokens[tokenDigest(token)] = { recorderId, expiresAt: new Date(now + ttlMs).toISOString(), ...(purpose ? { purpose } : {}) };
    });
    return token;
  }

  /**
   * Withdraws a token that has not been spent, by its digest: the broker then answers it as
   * unknown. Returns false when it was spent already (too late) or is not there.
   */
  revokeEnrollmentToken(digest: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(digest) || existsSync(this.spentMarker(digest))) return false;
    let removed = false;
    this.updateEnrollmentTokens((file) => {
      removed = file.tokens[digest] !== undefined;
      delete file.tokens[digest];
    });
    // A broker that spent it in the meantime has enrolled the recorder: too late after all.
    return removed && !existsSync(this.spentMarker(digest));
  }

  /** Whether the token with this digest is still in the token file (neither revoked nor pruned). */
  hasEnrollmentToken(digest: string): boolean {
    return this.enrollmentTokens().tokens[digest] !== undefined;
  }

  private redemptionPath(digest: string): string {
    return join(this.dir, 'enrollment-redeemed', `${digest}.json`);
  }

  /**
   * Written by the broker once a token has bought a certificate (after the spend and the
   * issuing both succeeded), so another process sharing the data directory (the dashboard) can
   * learn which recorder a token enrolled and when, without a connection to the broker.
   */
  recordEnrollment(token: string, recorderId: string, now = Date.now()): void {
    const digest = tokenDigest(token);
    mkdirSync(join(this.dir, 'enrollment-redeemed'), { recursive: true, mode: 0o700 });
    const path = this.redemptionPath(digest);
    const temporary = `${path}.${process.pid}.tmp`;
    const record: EnrollmentRedemption = { recorderId, redeemedAt: new Date(now).toISOString() };
    writeSecret(temporary, JSON.stringify(record));
    renameSync(temporary, path);
  }

  /** The broker's record of the token with this digest having enrolled a recorder, or undefined. */
  enrollmentRedemption(digest: string): EnrollmentRedemption | undefined {
    if (!/^[0-9a-f]{64}$/.test(digest)) return undefined;
    try {
      return JSON.parse(readFileSync(this.redemptionPath(digest), 'utf8')) as EnrollmentRedemption;
    } catch {
      return undefined;
    }
  }

  /** Spent tokens: one file per token digest, created exclusively, so two redeemers cannot both win. */
  private spentMarker(digest: string): string {
    return join(this.dir, 'enrollment-spent', digest);
  }

  /**
   * Spends a token; returns why it cannot be used, or undefined when it was valid (and is now spent).
   * The spend is an exclusive file creation: atomic across processes, and not undone by "vigil pki
   * token" rewriting enrollment.json at the same moment (a spent flag inside that file could be).
   */
  redeemEnrollmentToken(token: string, recorderId: string, now = Date.now()): EnrollmentRefusal | undefined {
    const digest = tokenDigest(token);
    const entry = this.enrollmentTokens().tokens[digest];
    if (!entry) return 'unknown-token';
    if (entry.recorderId !== recorderId) return 'wrong-recorder';
    const marker = this.spentMarker(digest);
    if (entry.spentAt || existsSync(marker)) return 'used-token';
    if (Date.parse(entry.expiresAt) < now) return 'expired-token';
    mkdirSync(join(this.dir, 'enrollment-spent'), { recursive: true, mode: 0o700 });
    try {
      closeSync(openSync(marker, 'wx', 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'used-token';
      throw error;
    }
    return undefined;
  }

  /** Gives a spent token back, when the broker failed to issue what it was spent for. */
  refundEnrollmentToken(token: string): void {
    try {
      unlinkSync(this.spentMarker(tokenDigest(token)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  private enrollmentTokens(): EnrollmentTokenFile {
    try {
      return JSON.parse(readFileSync(this.enrollmentPath, 'utf8')) as EnrollmentTokenFile;
    } catch {
      return { tokens: {} };
    }
  }

  /**
   * Read, change and write the token file under a lock file, since "vigil pki token" and the
   * dashboard may both add tokens at once and a plain read-modify-write would lose one. Written
   * aside and renamed: a reader (the broker redeeming) never sees half a file, which it would take
   * for no tokens. A lock older than ENROLLMENT_LOCK_STALE_MS was left by a process that died.
   */
  private updateEnrollmentTokens(change: (file: EnrollmentTokenFile) => void): void {
    mkdirSync(this.dir, { recursive: true });
    const lock = `${this.enrollmentPath}.lock`;
    const deadline = Date.now() + ENROLLMENT_LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        try {
          if (Date.now() - statSync(lock).mtimeMs > ENROLLMENT_LOCK_STALE_MS) unlinkSync(lock);
        } catch {
          // gone in between: try again
        }
        if (Date.now() > deadline) throw new Error(`${lock} is held by another process; try again, or remove it if no "vigil" process is running`);
        Atomics.wait(LOCK_SLEEP, 0, 0, 10);
      }
    }
    try {
      const file = this.enrollmentTokens();
      change(file);
      const temporary = `${this.enrollmentPath}.${process.pid}.tmp`;
      writeSecret(temporary, JSON.stringify(file, null, 2));
      renameSync(temporary, this.enrollmentPath);
    } finally {
      unlinkSync(lock);
    }
  }

  get registryPath(): string {
    return join(this.dir, 'registry.json');
  }

  /** Every recorder this fleet has issued a certificate to, with its current serial and revocation. */
  registry(): DeviceRegistryFile {
    let file: DeviceRegistryFile;
    try {
      file = JSON.parse(readFileSync(this.registryPath, 'utf8')) as DeviceRegistryFile;
    } catch {
      file = { recorders: {} };
    }
    return file;
  }

  /** Revokes a recorder: the broker refuses it from now on and drops its live connection. */
  revoke(recorderId: string, now = Date.now()): void {
    const registry = this.registry();
    const entry = registry.recorders[recorderId];
    if (!entry) throw new Error(`no recorder "${recorderId}" in ${this.registryPath}: nothing to revoke`);
    entry.revokedAt = new Date(now).toISOString();
    this.writeRegistry(registry);
  }

  /** Issuing (or reissuing) from scratch: only the new certificate is admitted, no previous one. */
  private register(recorderId: string, serial: string): void {
    updateRegistryFile(this.registryPath, (registry) => {
      registry.recorders[recorderId] = { serial: serial.toLowerCase(), issuedAt: new Date().toISOString() };
    });
  }

  private writeRegistry(registry: DeviceRegistryFile): void {
    const tmp = `${this.registryPath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(registry, null, 2));
    renameSync(tmp, this.registryPath);
  }
}

const normalSerial = (serial: string) => serial.toLowerCase().replace(/^0+/, '');

/**
 * Whether a certificate serial is a recorder's current one, the previous one a renewal has not
 * yet replaced on the wire, or neither (undefined). Serials compare as hex numbers: Node prints
 * them in upper case and may keep or drop leading zeros.
 */
export function registrySerialStanding(entry: DeviceRegistryEntry, serial: string): 'current' | 'previous' | undefined {
  const presented = normalSerial(serial);
  if (normalSerial(entry.serial) === presented) return 'current';
  if (entry.previousSerial !== undefined && normalSerial(entry.previousSerial) === presented) return 'previous';
  return undefined;
}

/**
 * The registry changed in place, written aside and renamed (a reader never sees half a file).
 * Read and written back at once: the writers (vigil pki, the broker's enrolment, renewal and
 * admission) change one recorder each, so a lost race costs at most a previous serial kept a
 * little longer.
 */
function updateRegistryFile(path: string, change: (registry: DeviceRegistryFile) => void): void {
  let registry: DeviceRegistryFile;
  try {
    registry = JSON.parse(readFileSync(path, 'utf8')) as DeviceRegistryFile;
  } catch {
    registry = { recorders: {} };
  }
  change(registry);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(registry, null, 2));
  renameSync(tmp, path);
}

/**
 * Once a recorder has connected with its current certificate, the one its renewal replaced is no
 * longer admitted. Does nothing when the registry has moved on meanwhile (another renewal, a
 * reissue) or there is no previous serial. Returns whether it changed the file.
 */
export function retirePreviousSerial(registryPath: string, recorderId: string, currentSerial: string): boolean {
  let changed = false;
  updateRegistryFile(registryPath, (registry) => {
    const entry = registry.recorders[recorderId];
    if (!entry || entry.previousSerial === undefined || registrySerialStanding(entry, currentSerial) !== 'current') return;
    delete entry.previousSerial;
    changed = true;
  });
  return changed;
}

export interface DeviceRegistryEntry {
  /** Hex serial of the recorder's current certificate; older certificates of it are refused. */
  serial: string;
  issuedAt: string;
  /**
   * Set by a renewal: the serial of the certificate it replaced, still admitted until the current
   * one is first seen connecting (then removed), so an agent that lost the renewal's answer is not
   * locked out.
   */
  previousSerial?: string;
  revokedAt?: string;
}

export interface DeviceRegistryFile {
  recorders: Record<string, DeviceRegistryEntry>;
}

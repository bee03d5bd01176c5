import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { backoffDelay } from '@vigil/proto/backoff';
import type { AgentConfig } from './config.js';

const DAY_MS = 86_400_000;
/** The broker's enrolment port when the config names no renewal URL (VIGIL_ENROLL_PORT's default). */
export const DEFAULT_ENROLL_PORT = 8885;
/** Failed attempts are retried from a minute, doubling up to six hours (with jitter, so a fleet spreads out). */
const RETRY_POLICY = { minMs: 60_000, maxMs: 6 * 3_600_000, floorMs: 30_000 };
const REQUEST_TIMEOUT_MS = 30_000;

/** What the agent last knew of its certificate and its renewal, for `vigil agent check` (<dataDir>/renewal.json). */
export interface RenewalStatus {
  /** When the certificate in use runs out (ISO time). */
  expiresAt: string;
  /** From when the agent renews it: expiresAt minus tls.renewBeforeDays. */
  renewFrom: string;
  checkedAt: string;
  lastRenewedAt?: string;
  /** The last attempt's failure (what the broker or the network said; never a key). */
  lastError?: string;
  lastErrorAt?: string;
  nextCheckAt?: string;
}

export function renewalStatusPath(config: AgentConfig): string {
  return join(config.dataDir, 'renewal.json');
}

export function readRenewalStatus(config: AgentConfig): RenewalStatus | undefined {
  try {
    return JSON.parse(readFileSync(renewalStatusPath(config), 'utf8')) as RenewalStatus;
  } catch {
    return undefined;
  }
}

/**
 * Where renewal asks: tls.renewUrl, else the broker's host at the enrolment port's default (the
 * same endpoint `vigil agent enroll --url` names). A list of broker URLs gives its first host.
 */
export function renewalUrl(config: AgentConfig): URL {
  if (config.tls.renewUrl) return new URL('/renew', config.tls.renewUrl);
  const broker = new URL(config.broker.urls[0]!);
  return new URL(`https://${broker.hostname.includes(':') ? `[${broker.hostname}]` : broker.hostname}:${DEFAULT_ENROLL_PORT}/renew`);
}

/** The files a renewal writes before it installs them: the new key before the request, the certificate after. */
export function pendingRenewalPaths(config: AgentConfig): { key: string; cert: string } {
  return { key: `${config.tls.key}.next`, cert: `${config.tls.cert}.next` };
}

/** Written and on disk before it is named: a crash leaves the old file or the whole new one. */
function writeDurably(path: string, content: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncDirectory(dirname(path));
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; its renames are durable enough for this.
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function publicKeyDer(pem: string | Buffer, kind: 'private' | 'certificate'): Buffer {
  const key = kind === 'private' ? createPublicKey(createPrivateKey(pem)) : new X509Certificate(pem).publicKey;
  return key.export({ type: 'spki', format: 'der' });
}

/**
 * Finishes or undoes a renewal that a crash interrupted, before the credentials are loaded:
 * a new certificate saved (with its key still aside or already in place) is installed; a new key
 * without a certificate (the answer never saved) is thrown away. The broker keeps admitting the
 * certificate in use until the new one connects, so either way the agent gets in.
 */
export function finishPendingRenewal(config: AgentConfig, log?: Logger): 'installed' | 'discarded' | 'none' {
  const pending = pendingRenewalPaths(config);
  const haveKey = existsSync(pending.key);
  if (existsSync(pending.cert)) {
    const keyPath = haveKey ? pending.key : config.tls.key;
    let matches = false;
    try {
      matches = publicKeyDer(readFileSync(pending.cert), 'certificate').equals(publicKeyDer(readFileSync(keyPath), 'private'));
    } catch {
      matches = false;
    }
    if (matches) {
      if (haveKey) renameSync(pending.key, config.tls.key);
      renameSync(pending.cert, config.tls.cert);
      syncDirectory(dirname(config.tls.cert));
      log?.info('installed the renewed certificate an earlier run had saved');
      return 'installed';
    }
    removeIfThere(pending.cert);
    if (haveKey) removeIfThere(pending.key);
    log?.warn('discarded a renewed certificate that does not match its key; renewing again');
    return 'discarded';
  }
  if (haveKey) {
    removeIfThere(pending.key);
    log?.info('discarded the key of a renewal whose answer was not saved; renewing again');
    return 'discarded';
  }
  return 'none';
}

/** A refusal from the enrolment endpoint: `retryable` for 429 and 5xx, not for a 4xx about this certificate. */
export class RenewalError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RenewalError';
  }
}

export interface RenewedCredentials {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
  expires: Date;
}

export interface RenewerOptions {
  logger: Logger;
  /** Called with the new credentials once they are saved in place. */
  onRenewed: (credentials: RenewedCredentials) => void;
  /** How often the expiry is checked (default daily). */
  checkEveryMs?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Renews the agent's TLS certificate before it runs out, with no visit: at start and daily it
 * reads the certificate's end; within tls.renewBeforeDays it makes a new P-256 key, asks the
 * fleet's POST /renew with the current certificate, and saves key and certificate so that a crash
 * at any point leaves a usable pair (finishPendingRenewal). Failures are retried with backoff.
 */
export class CertificateRenewer {
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(
    private readonly config: AgentConfig,
    private readonly options: RenewerOptions,
  ) {
    this.log = options.logger;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops checking; a renewal under way finishes (its files are safe at any point). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.check().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private expiry(): Date {
    return new Date(new X509Certificate(readFileSync(this.config.tls.cert)).validTo);
  }

  /** One check: renews when due, then schedules the next check (or retry). Never throws. */
  async check(): Promise<void> {
    const daily = this.options.checkEveryMs ?? DAY_MS;
    let expires: Date;
    try {
      expires = this.expiry();
    } catch (error) {
      this.log.error({ err: (error as Error).message, file: this.config.tls.cert }, 'cannot read the certificate to check its expiry');
      this.schedule(daily);
      return;
    }
    const renewFrom = expires.getTime() - this.config.tls.renewBeforeDays * DAY_MS;
    const status: RenewalStatus = {
      ...readRenewalStatus(this.config),
      expiresAt: expires.toISOString(),
      renewFrom: new Date(renewFrom).toISOString(),
      checkedAt: new Date(this.now()).toISOString(),
    };
    if (this.now() < renewFrom) {
      this.failures = 0;
      // Not before it is due, and not later than a day from now.
      const next = Math.min(daily, Math.max(renewFrom - this.now(), 1_000));
      this.saveStatus({ ...status, nextCheckAt: new Date(this.now() + next).toISOString() });
      this.schedule(next);
      return;
    }
    const daysLeft = Math.floor((expires.getTime() - this.now()) / DAY_MS);
    this.log.info({ expiresAt: expires.toISOString(), daysLeft, url: renewalUrl(this.config).origin }, 'certificate due for renewal; renewing');
    try {
      const renewed = await this.renew();
      this.failures = 0;
      const renewedFrom = renewed.expires.getTime() - this.config.tls.renewBeforeDays * DAY_MS;
      const next = Math.min(daily, Math.max(renewedFrom - this.now(), 0));
      if (renewedFrom <= this.now()) {
        // The fleet issues certificates shorter than the renewal window: renewing again at once would never end.
        this.log.warn(
          { validDays: Math.floor((renewed.expires.getTime() - this.now()) / DAY_MS), renewBeforeDays: this.config.tls.renewBeforeDays },
          'the renewed certificate is already within tls.renewBeforeDays of its end; next renewal in a day (lower tls.renewBeforeDays)',
        );
      }
      this.saveStatus({
        expiresAt: renewed.expires.toISOString(),
        renewFrom: new Date(renewedFrom).toISOString(),
        checkedAt: new Date(this.now()).toISOString(),
        lastRenewedAt: new Date(this.now()).toISOString(),
        nextCheckAt: new Date(this.now() + (next > 0 ? next : daily)).toISOString(),
      });
      if (!this.stopped) this.options.onRenewed(renewed);
      this.schedule(next > 0 ? next : daily);
    } catch (error) {
      const message = (error as Error).message;
      const retryable = !(error instanceof RenewalError) || error.retryable;
      this.failures++;
      let delay = retryable ? backoffDelay(this.failures, RETRY_POLICY, this.options.random) : daily;
      if (error instanceof RenewalError && error.retryAfterMs !== undefined) delay = Math.max(delay, error.retryAfterMs);
      const fields = { err: message, attempt: this.failures, retryInMs: delay, expiresAt: expires.toISOString(), daysLeft };
      if (retryable) this.log.warn(fields, 'certificate renewal failed; retrying');
      else this.log.error(fields, 'certificate renewal refused; trying again in a day (see the message)');
      this.saveStatus({
        ...status,
        lastError: message,
        lastErrorAt: new Date(this.now()).toISOString(),
        nextCheckAt: new Date(this.now() + delay).toISOString(),
      });
      this.schedule(delay);
    }
  }

  private saveStatus(status: RenewalStatus): void {
    try {
      mkdirSync(this.config.dataDir, { recursive: true });
      writeDurably(renewalStatusPath(this.config), `${JSON.stringify(status, null, 2)}\n`, 0o644);
    } catch (error) {
      this.log.debug({ err: (error as Error).message }, 'renewal status not saved');
    }
  }

  /** One renewal: new key aside, request, certificate aside, both into place. */
  async renew(): Promise<RenewedCredentials> {
    const { config } = this;
    const pending = pendingRenewalPaths(config);
    const ca = readFileSync(config.tls.ca);
    const current = { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) };
    const fresh = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    // Saved before asking: once the broker has answered, the key for its certificate must not be lost.
    writeDurably(pending.key, fresh.privateKey, 0o600);
    let answer: { certificate: string };
    try {
      answer = await this.post(renewalUrl(config), { tlsPublicKey: fresh.publicKey }, { ...current, ca });
    } catch (error) {
      removeIfThere(pending.key);
      throw error;
    }
    const certificate = new X509Certificate(answer.certificate);
    const problem =
      /CN=([^,\n]+)/.exec(certificate.subject)?.[1] !== config.recorderId
        ? `it is issued to "${/CN=([^,\n]+)/.exec(certificate.subject)?.[1]}"`
        : !certificate.verify(new X509Certificate(ca).publicKey)
          ? 'it is not signed by the CA in tls.ca'
          : !certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(createPublicKey(fresh.publicKey).export({ type: 'spki', format: 'der' }))
            ? 'it is not for the key sent'
            : undefined;
    if (problem) {
      removeIfThere(pending.key);
      throw new RenewalError(`the renewed certificate cannot be used: ${problem}`, true);
    }
    writeDurably(pending.cert, answer.certificate, 0o644);
    // The key first: a crash between the two renames leaves the new key and the new certificate
    // still aside, which finishPendingRenewal installs at the next start.
    renameSync(pending.key, config.tls.key);
    renameSync(pending.cert, config.tls.cert);
    syncDirectory(dirname(config.tls.cert));
    this.log.info({ expiresAt: new Date(certificate.validTo).toISOString(), serial: certificate.serialNumber.toLowerCase() }, 'certificate renewed and saved');
    return { cert: Buffer.from(answer.certificate), key: Buffer.from(fresh.privateKey), ca, expires: new Date(certificate.validTo) };
  }

  private post(url: URL, body: object, tls: { cert: Buffer; key: Buffer; ca: Buffer }): Promise<{ certificate: string }> {
    if (url.protocol !== 'https:') return Promise.reject(new RenewalError(`tls.renewUrl must be https://, not ${url.protocol}`, false));
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          ...tls,
          // One request a month or so: no pooled connection kept on the old certificate.
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            let parsed: { error?: unknown; certificate?: unknown } = {};
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof parsed;
            } catch {
              // said below with the status
            }
            if (status === 200 && typeof parsed.certificate === 'string') return resolve({ certificate: parsed.certificate });
            const said = typeof parsed.error === 'string' ? parsed.error : `status ${status}`;
            const retryAfter = Number(res.headers['retry-after']);
            reject(
              new RenewalError(
                `${url.origin} answered ${status}: ${said}`,
                status === 429 || status >= 500 || status === 0,
                Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
              ),
            );
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (error) => reject(new RenewalError(`${url.origin}: ${error.message}`, true)));
      req.end(text);
    });
  }
}

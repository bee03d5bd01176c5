import { readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import type { NodemailerError } from 'nodemailer/lib/errors';
import { emailContent } from './email-message.js';
import { ChannelError, type ChannelSender, type Notification } from './types.js';

/** The operator's SMTP server (`VIGIL_SMTP_*`, parsed by the CLI). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (smtps://, usually port 465). */
  secure: boolean;
  /**
   * Without `secure`: `require` upgrades with STARTTLS or fails, `opportunistic` upgrades when
   * the server offers it, `off` never does (a local relay only).
   */
  startTls: 'require' | 'opportunistic' | 'off';
  user?: string;
  password?: string;
  /** The sender, e.g. `Vigil <vigil@example.com>`. */
  from: string;
  /** A server that stops answering (connecting, greeting, after DATA) fails a send within this. */
  timeoutMs: number;
  /** PEM file of the CA that issued the server's certificate, when it is not a public one. */
  tlsCaFile?: string;
  rejectUnauthorized: boolean;
}

export const SMTP_STARTTLS_MODES = ['require', 'opportunistic', 'off'] as const;
export const EMAIL_MAX_RECIPIENTS = 50;

/** Plain addresses only (`noc@example.com`): a display name or a list in one entry is a mistake here. */
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

export function isEmailAddress(text: string): boolean {
  return text.length <= 254 && ADDRESS.test(text);
}

export interface EmailConfig {
  to: string[];
}

/** A channel's e-mail settings as stored (`{to: [...]}`), checked; the message names the field. */
export function checkEmailConfig(input: unknown): { ok: true; config: EmailConfig } | { ok: false; field: string; message: string } {
  const fail = (field: string, expected: string) => ({ ok: false as const, field, message: `${field}: ${expected}` });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('config', 'expected an object {to: [addresses]}');
  for (const key of Object.keys(input)) if (key !== 'to') return fail(key, 'unknown field (an e-mail channel has only to)');
  const { to } = input as { to?: unknown };
  if (!Array.isArray(to) || to.length === 0 || to.length > EMAIL_MAX_RECIPIENTS) {
    return fail('to', `expected a list of 1 to ${EMAIL_MAX_RECIPIENTS} e-mail addresses, e.g. ["noc@example.com"]`);
  }
  for (const [index, address] of to.entries()) {
    if (typeof address !== 'string' || !isEmailAddress(address.trim())) {
      return fail(`to[${index}]`, 'expected an e-mail address such as noc@example.com');
    }
  }
  return { ok: true, config: { to: [...new Set(to.map((address: string) => address.trim()))] } };
}

/**
 * Whom an e-mail channel reaches now: its addresses and its users' contact e-mails as they are at
 * send time (`contacts`: user name -> contact e-mail, null when none is set). A user without one,
 * or no longer there, is skipped and said so in `skipped`.
 */
export function channelRecipients(
  config: { to: readonly string[]; users: readonly string[] },
  contacts: ReadonlyMap<string, string | null>,
): { to: string[]; skipped: string[] } {
  const to = new Set(config.to);
  const skipped: string[] = [];
  for (const user of config.users) {
    const address = contacts.get(user);
    if (!contacts.has(user)) skipped.push(`user "${user}" no longer exists`);
    else if (address === null || address === undefined || !isEmailAddress(address)) skipped.push(`user "${user}" has no contact e-mail`);
    else to.add(address);
  }
  return { to: [...to], skipped };
}

/** What a message may not show of the settings: the password, also as the SASL PLAIN and LOGIN exchanges encode it. */
function redactor(settings: SmtpSettings): (text: string) => string {
  const secrets: string[] = [];
  if (settings.password) {
    secrets.push(settings.password, Buffer.from(settings.password).toString('base64'));
    secrets.push(Buffer.from(`\u0000${settings.user ?? ''}\u0000${settings.password}`).toString('base64'));
  }
  const sorted = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** One line, short: server replies are shown in the dashboard. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 300);

const TIMEOUT_WAITS: Record<string, string> = {
  CONNECT_TIMEOUT: 'no connection',
  GREETING_TIMEOUT: 'no greeting from the server',
  UPGRADE_TIMEOUT: 'no TLS handshake',
  SOCKET_TIMEOUT: 'the server stopped answering',
};

const TLS_HINTS: Record<string, string> = {
  ERR_SSL_WRONG_VERSION_NUMBER:
    ': the server does not speak TLS at once on this port; smtps:// is for implicit TLS (usually port 465), use smtp:// with STARTTLS for 587 or 25',
};

/**
 * The operator's SMTP server as the e-mail channels share it: one nodemailer transport, one
 * connection per message (alerts are few; a pooled connection left idle by a server only
 * fails the next send).
 */
export class SmtpTransport {
  /** `smtp mail.example.com:587`, for messages. */
  readonly description: string;
  readonly from: string;
  readonly timeoutMs: number;
  private readonly mailer: ReturnType<typeof createSmtpMailer>;
  private readonly redact: (text: string) => string;

  constructor(readonly settings: SmtpSettings) {
    this.description = `smtp ${settings.host}:${settings.port}`;
    this.from = settings.from;
    this.timeoutMs = settings.timeoutMs;
    this.redact = redactor(settings);
    this.mailer = createSmtpMailer(settings);
  }

  /**
   * Sends one message; resolves once the server accepted it for at least one recipient.
   * Rejects with a ChannelError within `timeoutMs` whatever the server does.
   */
  async deliver(
    message: {
      to: string[];
      subject: string;
      text: string;
      html: string;
      messageId: string;
      headers: Record<string, string>;
      /** Files sent with it (the dashboard's monthly report PDF). */
      attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
    },
    signal: AbortSignal,
  ): Promise<void> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const stop = AbortSignal.any([signal, deadline]);
    if (stop.aborted) throw this.stopped(deadline);
    const sending = this.mailer.sendMail({ ...message, from: this.from, signal: stop });
    // nodemailer's own abort covers the SMTP session; the race makes the deadline hold even
    // where it would not (a stage it does not cancel), and the socket timeout closes what is left.
    let onStop: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      onStop = () => reject(this.stopped(deadline));
      stop.addEventListener('abort', onStop, { once: true });
    });
    sending.catch(() => undefined);
    stopped.catch(() => undefined);
    try {
      await Promise.race([sending, stopped]);
    } catch (error) {
      if (error instanceof ChannelError) throw error;
      if (stop.aborted) throw this.stopped(deadline);
      throw this.failure(error as NodemailerError);
    } finally {
      if (onStop) stop.removeEventListener('abort', onStop);
    }
  }

  close(): void {
    this.mailer.close();
  }

  private stopped(deadline: AbortSignal): ChannelError {
    return deadline.aborted
      ? new ChannelError(`${this.description}: not sent within ${this.timeoutMs} ms`, true, 'timeout')
      : new ChannelError(`${this.description}: sending stopped (shutting down)`, true, 'aborted');
  }

  /** nodemailer's error as a ChannelError: what failed, the server's reply (redacted), and whether to try again. */
  private failure(error: NodemailerError): ChannelError {
    const at = this.description;
    const reply = error.response ? `: the server said "${oneLine(this.redact(error.response))}"` : '';
    const cause = error.originalCode ?? '';
    switch (error.code) {
      case 'EAUTH':
        // Not retried: repeating a refused login can lock the account.
        return new ChannelError(
          `${at}: login refused for user ${this.settings.user ?? '(none)'}${reply}; check VIGIL_SMTP_USER and VIGIL_SMTP_PASSWORD`,
          false,
          'auth',
        );
      case 'ENOAUTH':
        return new ChannelError(`${at}: the server wants a login: set VIGIL_SMTP_USER and VIGIL_SMTP_PASSWORD`, false, 'auth');
      case 'ETIMEDOUT':
        return new ChannelError(`${at}: ${TIMEOUT_WAITS[error.timeoutType ?? ''] ?? 'timed out'} within ${this.timeoutMs} ms`, true, 'timeout');
      case 'ETLS':
      case 'ESOCKET':
      case 'ECONNECTION':
      case 'EDNS':
      case 'EPROXY': {
        const tls = error.code === 'ETLS' || /CERT|SSL|TLS|SELF_SIGNED|VERIFY/i.test(cause);
        // A certificate or STARTTLS problem is the operator's to fix, but one fixed later should
        // still deliver what waited; so retried like a server that is down.
        // OpenSSL's own text ("80CC...:error:0A00010B:SSL routines:...") means nothing to a reader; its code does.
        const detail = /routines:/.test(error.message) ? '' : oneLine(this.redact(error.message));
        const what = tls
          ? `TLS failed (${[detail, cause].filter(Boolean).join(', ')})${TLS_HINTS[cause] ?? "; check the server's certificate, VIGIL_SMTP_CA_FILE and VIGIL_SMTP_STARTTLS"}`
          : `${detail || 'connection failed'}${cause ? ` (${cause})` : ''}`;
        return new ChannelError(`${at}: ${what}${error.code === 'ETLS' ? reply : ''}`, true, tls ? 'tls' : 'network');
      }
    }
    if (error.responseCode !== undefined) {
      const refused = error.permanent === true;
      const what = error.code === 'EENVELOPE' ? 'recipient or sender refused' : 'message refused';
      return new ChannelError(`${at}: ${what} (${error.responseCode})${reply}`, !refused, refused ? 'smtp-5xx' : 'smtp-4xx');
    }
    if (error.code === 'ECONFIG' || error.code === 'EENVELOPE') return new ChannelError(`${at}: ${oneLine(this.redact(error.message))}`, false, 'config');
    return new ChannelError(`${at}: ${oneLine(this.redact(error.message ?? String(error)))}`, true, 'error');
  }
}

function createSmtpMailer(settings: SmtpSettings) {
  let ca: Buffer | undefined;
  if (settings.tlsCaFile) {
    try {
      ca = readFileSync(settings.tlsCaFile);
    } catch (error) {
      throw new ChannelError(`SMTP CA file ${settings.tlsCaFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, false, 'config');
    }
  }
  return createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && settings.startTls === 'require',
    ignoreTLS: !settings.secure && settings.startTls === 'off',
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    dnsTimeout: settings.timeoutMs,
    tls: { ca, rejectUnauthorized: settings.rejectUnauthorized, minVersion: 'TLSv1.2' },
    // nodemailer logs nothing unless given a logger, and its debug output would carry the AUTH exchange.
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

export function smtpTransportFrom(settings: SmtpSettings): SmtpTransport {
  return new SmtpTransport(settings);
}

/** The domain of the sender address, for Message-IDs. */
function senderDomain(from: string): string {
  const match = /@([^\s<>@]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'vigil.invalid';
}

/**
 * Sends each notification as one e-mail (plain text and HTML) to the channel's recipients.
 * A retry has the same Message-ID, so mail clients show a notification sent twice once.
 */
export function emailSender(transport: SmtpTransport, config: EmailConfig): ChannelSender {
  const checked = checkEmailConfig(config);
  if (!checked.ok) throw new ChannelError(`e-mail settings: ${checked.message}`, false, 'config');
  const { to } = checked.config;
  const domain = senderDomain(transport.from);
  return {
    async send(notification: Notification, signal: AbortSignal) {
      const content = emailContent(notification);
      await transport.deliver(
        {
          to,
          ...content,
          messageId: `<vigil.${notification.id}.${notification.createdAt}@${domain}>`,
          // RFC 3834: no out-of-office replies to a machine.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Vigil-Delivery': String(notification.id), 'X-Vigil-Kind': notification.kind },
        },
        signal,
      );
    },
  };
}

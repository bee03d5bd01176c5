import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import * as z from 'zod';
import { SMTP_STARTTLS_MODES, isEmailAddress, type SmtpSettings } from '@vigil/ingestor';
import { setting, SettingsError } from './setting.js';
import { textValue, type Value } from './values.js';

/** The mail server's address: scheme, host and port only; the login has variables of its own. */
interface SmtpServer {
  secure: boolean;
  host: string;
  port: number;
}

function issue(context: z.RefinementCtx<string>, message: string): never {
  context.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

export const smtpUrlValue: Value<SmtpServer> = z.string().transform((text, context): SmtpServer => {
  const url = URL.parse(text.trim());
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
    return issue(context, 'smtp://host:port (STARTTLS, usually port 587) or smtps://host:port (TLS from the start, usually 465)');
  }
  if (url.username || url.password) {
    return issue(context, 'a URL without a login: put it in VIGIL_SMTP_USER and VIGIL_SMTP_PASSWORD');
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    return issue(context, 'smtp://host:port or smtps://host:port and nothing after the port');
  }
  const secure = url.protocol === 'smtps:';
  // URL keeps IPv6 literals in brackets; sockets want them without.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { secure, host, port: url.port ? Number(url.port) : secure ? 465 : 587 };
});

type StartTls = SmtpSettings['startTls'];
export const startTlsValue: Value<StartTls> = z.string().transform((text, context): StartTls => {
  const mode = SMTP_STARTTLS_MODES.find((one) => one === text.trim());
  return mode ?? issue(context, 'require (STARTTLS or no mail), opportunistic (STARTTLS when the server offers it) or off');
});

/** `vigil@example.com` or `Vigil <vigil@example.com>`. */
export const mailboxValue: Value<string> = z.string().transform((text, context): string => {
  const trimmed = text.trim();
  const match = /^(?:([^<>\r\n]*?)\s*<([^<>\s]+)>|([^<>\s]+))$/.exec(trimmed);
  const address = match?.[2] ?? match?.[3];
  if (!address || !isEmailAddress(address)) return issue(context, 'an e-mail address, with a name if you like');
  return trimmed;
});

export const SMTP_TIMEOUT_MS = { min: 1_000, max: 120_000, default: 15_000 } as const;
export const smtpTimeoutValue: Value<number> = z.string().transform((text, context): number => {
  const value = Number(text.trim());
  return /^\d+$/.test(text.trim()) && value >= SMTP_TIMEOUT_MS.min && value <= SMTP_TIMEOUT_MS.max
    ? value
    : issue(context, `milliseconds from ${SMTP_TIMEOUT_MS.min} to ${SMTP_TIMEOUT_MS.max}`);
});

export const readableFileValue: Value<string> = z.string().transform((text, context): string => {
  const path = resolve(text.trim());
  try {
    accessSync(path, constants.R_OK);
    return path;
  } catch {
    return issue(context, 'a PEM file this process can read');
  }
});

/** The URL as it may be shown in an error: a login typed into it stays out of messages and logs. */
const withoutLogin = (text: string) => text.replace(/\/\/[^/@]*@/, '//***@');

/** The operator's mail server for e-mail channels (`vigil up`, `vigil ingestor`). */
export const smtpSettingSources = {
  smtpUrl: setting(smtpUrlValue, { env: 'VIGIL_SMTP_URL', example: 'smtp://mail.example.com:587', shown: withoutLogin }),
  smtpUser: setting(textValue, { env: 'VIGIL_SMTP_USER', example: 'vigil@example.com' }),
  smtpPassword: setting(textValue, { env: 'VIGIL_SMTP_PASSWORD', secret: true }),
  smtpFrom: setting(mailboxValue, { env: 'VIGIL_SMTP_FROM', example: 'Vigil <vigil@example.com>' }),
  smtpStartTls: setting(startTlsValue, { env: 'VIGIL_SMTP_STARTTLS', example: 'require' }),
  smtpTimeoutMs: setting(smtpTimeoutValue, { env: 'VIGIL_SMTP_TIMEOUT_MS', example: String(SMTP_TIMEOUT_MS.default) }),
  smtpCaFile: setting(readableFileValue, { env: 'VIGIL_SMTP_CA_FILE', example: '/etc/vigil/mail-ca.pem' }),
};

export interface SmtpValues {
  smtpUrl?: SmtpServer;
  smtpUser?: string;
  smtpPassword?: string;
  smtpFrom?: string;
  smtpStartTls?: StartTls;
  smtpTimeoutMs?: number;
  smtpCaFile?: string;
}

const isLoopback = (host: string) => host === 'localhost' || (isIP(host) === 4 ? host.startsWith('127.') : host === '::1');

/**
 * The values that only make sense together, checked together. Unset VIGIL_SMTP_URL means no mail
 * server: e-mail channels then report "no SMTP server configured".
 */
export function smtpOf(values: SmtpValues): SmtpSettings | undefined {
  const server = values.smtpUrl;
  const problems: string[] = [];
  if (!server) {
    const stray = (
      [
        ['VIGIL_SMTP_USER', values.smtpUser],
        ['VIGIL_SMTP_PASSWORD', values.smtpPassword],
        ['VIGIL_SMTP_FROM', values.smtpFrom],
        ['VIGIL_SMTP_STARTTLS', values.smtpStartTls],
        ['VIGIL_SMTP_TIMEOUT_MS', values.smtpTimeoutMs],
        ['VIGIL_SMTP_CA_FILE', values.smtpCaFile],
      ] as const
    ).filter(([, value]) => value !== undefined);
    if (stray.length === 0) return undefined;
    const names = stray.map(([name]) => name).join(', ');
    throw new SettingsError(
      `${names} ${stray.length === 1 ? 'is' : 'are'} set but VIGIL_SMTP_URL is not: set VIGIL_SMTP_URL to your mail server, e.g. smtp://mail.example.com:587, or unset ${names}`,
    );
  }
  if (values.smtpFrom === undefined)
    problems.push('VIGIL_SMTP_FROM is not set: e-mail needs a sender address the mail server accepts, e.g. Vigil <vigil@example.com>');
  if (values.smtpUser !== undefined && values.smtpPassword === undefined) {
    problems.push('VIGIL_SMTP_USER is set but VIGIL_SMTP_PASSWORD is not: set both for a server that wants a login, or neither');
  }
  if (values.smtpPassword !== undefined && values.smtpUser === undefined) {
    problems.push('VIGIL_SMTP_PASSWORD is set but VIGIL_SMTP_USER is not: set both for a server that wants a login, or neither');
  }
  if (server.secure && values.smtpStartTls !== undefined && values.smtpStartTls !== 'require') {
    problems.push(
      `VIGIL_SMTP_STARTTLS is "${values.smtpStartTls}" but VIGIL_SMTP_URL is smtps://, which is TLS from the first byte: unset VIGIL_SMTP_STARTTLS, or use smtp:// for a server without TLS`,
    );
  }
  const startTls = values.smtpStartTls ?? 'require';
  if (!server.secure && startTls === 'off' && values.smtpUser !== undefined && !isLoopback(server.host)) {
    problems.push(
      `VIGIL_SMTP_STARTTLS is "off" with VIGIL_SMTP_USER set: the password would cross the network to ${server.host} unencrypted; use require (or smtps://)`,
    );
  }
  if (problems.length > 0) throw new SettingsError(problems.join('\nvigil: '));
  return {
    host: server.host,
    port: server.port,
    secure: server.secure,
    startTls,
    ...(values.smtpUser === undefined ? {} : { user: values.smtpUser, password: values.smtpPassword }),
    from: values.smtpFrom as string,
    timeoutMs: values.smtpTimeoutMs ?? SMTP_TIMEOUT_MS.default,
    ...(values.smtpCaFile === undefined ? {} : { tlsCaFile: values.smtpCaFile }),
    rejectUnauthorized: true,
  };
}

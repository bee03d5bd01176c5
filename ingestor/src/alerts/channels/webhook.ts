import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChannelError, problemName, type AlertNotice, type ChannelSender, type Notification } from './types.js';

export interface WebhookConfig {
  url: string;
  /** Key of the HMAC-SHA256 signature over the body; at least 16 characters. */
  secret: string;
  timeoutMs: number;
}

export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_TIMEOUT_MS = { min: 1_000, max: 60_000, default: 10_000 } as const;
export const WEBHOOK_SCHEMA_VERSION = 1;

/**
 * A channel's webhook settings as stored (`{url, secret, timeoutMs}`), checked. Returns the
 * problem naming its field, e.g. `secret: at least 16 characters ...`, or the typed settings.
 * Shared by the dashboard (a 400 that names the field) and the notifier (a row that somehow holds
 * a bad one). The message never repeats the secret or the URL's credentials and query.
 */
export function checkWebhookConfig(input: unknown): { ok: true; config: WebhookConfig } | { ok: false; field: string; message: string } {
  const fail = (field: string, expected: string) => ({ ok: false as const, field, message: `${field}: ${expected}` });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('config', 'expected an object {url, secret, timeoutMs}');
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'url' && key !== 'secret' && key !== 'timeoutMs') return fail(key, 'unknown field (a webhook has url, secret and timeoutMs)');
  }
  const { url, secret, timeoutMs = WEBHOOK_TIMEOUT_MS.default } = record;
  const parsed = typeof url === 'string' ? URL.parse(url) : null;
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !parsed.hostname) {
    return fail('url', 'expected an https:// or http:// URL, e.g. https://hooks.example.com/vigil');
  }
  if (typeof secret !== 'string' || secret.length < WEBHOOK_SECRET_MIN_LENGTH) {
    return fail('secret', `expected at least ${WEBHOOK_SECRET_MIN_LENGTH} characters, shared with the receiver, which checks X-Vigil-Signature with it`);
  }
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < WEBHOOK_TIMEOUT_MS.min || timeoutMs > WEBHOOK_TIMEOUT_MS.max) {
    return fail(
      'timeoutMs',
      `expected whole milliseconds from ${WEBHOOK_TIMEOUT_MS.min} to ${WEBHOOK_TIMEOUT_MS.max} (1-60 s), e.g. ${WEBHOOK_TIMEOUT_MS.default}`,
    );
  }
  return { ok: true, config: { url: parsed.href, secret, timeoutMs } };
}

/** What a receiver gets for one alert (docs/CHANNELS.md). */
export interface WebhookAlert {
  id: number;
  state: 'firing' | 'resolved';
  severity: AlertNotice['severity'];
  rule: { id: number; name: string };
  problem: { key: string; name: string; summary: string };
  target: AlertNotice['target'];
  recorder: AlertNotice['recorder'];
  site: AlertNotice['site'];
  installation: AlertNotice['installation'];
  /** ISO 8601, UTC. */
  since: string;
  resolvedAt: string | null;
  links: { dashboard: string | null };
}

export interface WebhookBody {
  version: typeof WEBHOOK_SCHEMA_VERSION;
  /** The notification's id, also in X-Vigil-Delivery: the same on every retry. */
  delivery: number;
  kind: Notification['kind'];
  createdAt: string;
  /** When this attempt was made; also in X-Vigil-Timestamp, but here it is covered by the signature. */
  sentAt: string;
  alerts: WebhookAlert[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function webhookBody(notification: Notification, sentAt: number): WebhookBody {
  return {
    version: WEBHOOK_SCHEMA_VERSION,
    delivery: notification.id,
    kind: notification.kind,
    createdAt: iso(notification.createdAt),
    sentAt: iso(sentAt),
    alerts: notification.alerts.map((alert) => ({
      id: alert.id,
      state: alert.state,
      severity: alert.severity,
      rule: { id: alert.ruleId, name: alert.ruleName },
      problem: { key: alert.conditionKey, name: problemName(alert.conditionKey), summary: alert.summary },
      target: alert.target,
      recorder: alert.recorder,
      site: alert.site,
      installation: alert.installation,
      since: iso(alert.since),
      resolvedAt: alert.resolvedAt === null ? null : iso(alert.resolvedAt),
      links: { dashboard: alert.link },
    })),
  };
}

/** `sha256=<hex>`: the value of X-Vigil-Signature for these exact body bytes. */
export function webhookSignature(rawBody: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** What a receiver does: recompute over the raw bytes received and compare in constant time. */
export function verifyWebhookSignature(rawBody: string | Uint8Array, header: string | undefined | null, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(webhookSignature(rawBody, secret));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The URL as it may be shown: scheme, host and port only, since paths and queries often carry tokens. */
export function shownUrl(url: string): string {
  const parsed = URL.parse(url);
  return parsed ? parsed.origin : 'an invalid URL';
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Node's network error codes in words people search for. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed for now',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'no answer in time',
};

/** The first `code` down an error's cause chain (undici wraps the socket's error in "fetch failed"). */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * POSTs each notification as JSON (`webhookBody`), signed with the channel's secret. 2xx is
 * delivered; 408, 429, 5xx, network errors and timeouts are worth retrying; any other answer
 * means the receiver refuses it (a wrong URL or secret), which retrying will not change.
 * Redirects are not followed: the signed body would go to an address nobody configured.
 */
export function webhookSender(config: WebhookConfig, options: { now?: () => number } = {}): ChannelSender {
  const checked = checkWebhookConfig(config);
  if (!checked.ok) throw new ChannelError(`webhook settings: ${checked.message}`, false, 'config');
  const { secret, timeoutMs } = checked.config;
  const where = `webhook ${shownUrl(checked.config.url)}`;
  // fetch refuses URLs with credentials: they travel as Basic authentication instead.
  const target = new URL(checked.config.url);
  const basic = target.username || target.password ? `${decoded(target.username)}:${decoded(target.password)}` : undefined;
  target.username = '';
  target.password = '';
  const url = target.href;
  const now = options.now ?? Date.now;
  return {
    async send(notification, signal) {
      const sentAt = now();
      const body = JSON.stringify(webhookBody(notification, sentAt));
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          body,
          redirect: 'manual',
          signal: AbortSignal.any([signal, timeout]),
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Vigil-Webhook/1',
            'x-vigil-signature': webhookSignature(body, secret),
            'x-vigil-timestamp': String(Math.floor(sentAt / 1000)),
            'x-vigil-delivery': String(notification.id),
            ...(basic === undefined ? {} : { authorization: `Basic ${Buffer.from(basic).toString('base64')}` }),
          },
        });
      } catch (error) {
        if (timeout.aborted) throw new ChannelError(`${where}: no answer within ${timeoutMs} ms`, true, 'timeout');
        if (signal.aborted) throw new ChannelError(`${where}: sending stopped (shutting down)`, true, 'aborted');
        const code = errorCode(error);
        const words = code ? (NETWORK_CODES[code] ?? (code.startsWith('ERR_TLS') || code.includes('CERT') ? 'TLS certificate refused' : undefined)) : undefined;
        // A certificate the receiver will not fix by itself (expired, wrong name, unknown CA) still gets retried: renewals happen.
        throw new ChannelError(`${where}: ${words ?? 'request failed'}${code ? ` (${code})` : ''}`, true, 'network');
      }
      // The answer's body is not needed (and not shown: a receiver may echo what it got).
      await response.body?.cancel().catch(() => undefined);
      const status = response.status;
      if (status >= 200 && status < 300) return;
      const answered = `${where} answered ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (status >= 500 || status === 429 || status === 408) throw new ChannelError(answered, true, status === 429 ? 'http-429' : 'http-5xx');
      if (status >= 300 && status < 400)
        throw new ChannelError(`${answered} (a redirect, not followed): set the channel's URL to the final address`, false, 'http-3xx');
      const hint = status === 401 || status === 403 ? ': does the receiver have the same secret?' : status === 404 ? ': is the URL right?' : '';
      throw new ChannelError(`${answered}${hint}`, false, 'http-4xx');
    },
  };
}

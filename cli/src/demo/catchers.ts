import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer } from 'smtp-server';
import { verifyWebhookSignature, type SmtpSettings } from '@vigil/ingestor';
import { writeSecret } from '@vigil/proto/pki';
import { fleetPaths } from '../settings/paths.js';

/** How many of each kind the page shows; the log file keeps everything. */
export const CATCHER_KEEP = 200;
/** Larger messages are refused: a notification is a few kilobytes. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface CaughtEmail {
  /** Numbers the e-mail's HTML page: `/email/<seq>.html`. */
  seq: number;
  at: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

export interface CaughtWebhook {
  seq: number;
  at: number;
  delivery: string | null;
  kind: string | null;
  signatureValid: boolean;
  /** The body, pretty-printed when it is JSON. */
  body: string;
}

export interface DemoCatchers {
  /** A local mail server that accepts every message (no TLS, no login needed). */
  smtp: { host: string; port: number };
  /** The same as SmtpSettings, ready for the notifier. */
  smtpSettings: SmtpSettings;
  webhookUrl: string;
  webhookSecret: string;
  /** The page listing what arrived, newest first. */
  inboxUrl: string;
  /** `<dataDir>/demo/notifications.log`. */
  logFile: string;
  /** Newest first. */
  emails(): CaughtEmail[];
  webhooks(): CaughtWebhook[];
  close(): Promise<void>;
}

/** Recorder and site names come from agents: no escape sequences into a terminal that tails the log. */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu, (c) => (c === '\n' || c === '\t' ? c : ' '));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The demo's webhook secret, kept so a channel configured once still verifies after a restart. */
function webhookSecretIn(demoDir: string): string {
  const file = join(demoDir, 'webhook-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  }
  const secret = randomBytes(24).toString('base64url');
  writeSecret(file, `${secret}\n`);
  return secret;
}

/**
 * What `vigil up --demo` sends its notifications to, so a new user sees them within minutes
 * without a mail server or a webhook receiver of their own: a mail server and a webhook receiver
 * on loopback, a page listing what both received, and a log file with every message.
 */
export async function startDemoCatchers(options: { dataDir: string; logger: Logger }): Promise<DemoCatchers> {
  const demoDir = fleetPaths(options.dataDir).demo;
  mkdirSync(demoDir, { recursive: true, mode: 0o700 });
  const logFile = join(demoDir, 'notifications.log');
  const logger = options.logger.child({ part: 'demo-catchers' });
  const webhookSecret = webhookSecretIn(demoDir);
  const emails: CaughtEmail[] = [];
  const webhooks: CaughtWebhook[] = [];
  let seq = 0;
  // Appends in arrival order, one block at a time.
  let writing: Promise<void> = Promise.resolve();
  const record = (block: string) => {
    writing = writing
      .then(() => appendFile(logFile, printable(block), { mode: 0o600 }))
      .catch((error: unknown) => logger.warn({ err: error }, 'demo catcher: cannot write the log'));
  };
  const keep = <T>(list: T[], item: T) => {
    list.unshift(item);
    if (list.length > CATCHER_KEEP) list.length = CATCHER_KEEP;
  };

  const smtp = new SMTPServer({
    logger: false,
    banner: 'Vigil demo mail catcher',
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: MAX_MESSAGE_BYTES,
    closeTimeout: 1_000,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'demo' }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error('Message too large for the demo catcher'), { responseCode: 552 }));
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            const caught: CaughtEmail = {
              seq: ++seq,
              at: Date.now(),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : null,
            };
            keep(emails, caught);
            record(`==== ${iso(caught.at)}  e-mail from ${caught.from} to ${caught.to.join(', ')}\nSubject: ${caught.subject}\n\n${caught.text.trimEnd()}\n\n`);
            logger.info({ subject: caught.subject, to: caught.to }, 'demo catcher: e-mail received');
            callback();
          },
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  smtp.on('error', (error) => logger.warn({ err: error }, 'demo mail catcher: connection error'));
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const http = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.warn({ err: error }, 'demo webhook catcher: request failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const allowedHosts = () => {
    const port = (http.address() as AddressInfo).port;
    return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Loopback only, and only under its own name: a web page cannot read the inbox by DNS rebinding.
    if (!allowedHosts().has(request.headers.host ?? '')) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('wrong Host\n');
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'POST' && path === '/webhook') return receiveWebhook(request, response);
    if (request.method === 'GET' && path === '/') return page(response, inboxPage(emails, webhooks, logFile), 'text/html');
    const emailPage = request.method === 'GET' ? /^\/email\/(\d+)\.html$/.exec(path ?? '') : null;
    const email = emailPage ? emails.find((one) => one.seq === Number(emailPage[1])) : undefined;
    if (email?.html) return page(response, email.html, 'text/html', true);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }

  async function receiveWebhook(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_MESSAGE_BYTES) {
        response.writeHead(413, { connection: 'close' }).end();
        request.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    const header = request.headers['x-vigil-signature'];
    const signatureValid = verifyWebhookSignature(raw, typeof header === 'string' ? header : undefined, webhookSecret);
    let body = raw.toString('utf8');
    let kind: string | null = null;
    try {
      const parsed = JSON.parse(body) as { kind?: unknown };
      body = JSON.stringify(parsed, null, 2);
      kind = typeof parsed.kind === 'string' ? parsed.kind : null;
    } catch {
      // Shown as it came.
    }
    const delivery = request.headers['x-vigil-delivery'];
    const caught: CaughtWebhook = { seq: ++seq, at: Date.now(), delivery: typeof delivery === 'string' ? delivery : null, kind, signatureValid, body };
    keep(webhooks, caught);
    record(
      `==== ${iso(caught.at)}  webhook delivery ${caught.delivery ?? '(none)'} (${caught.kind ?? 'unknown kind'}), signature ${signatureValid ? 'valid' : 'INVALID'}\n${body}\n\n`,
    );
    logger.info({ delivery: caught.delivery, kind, signatureValid }, 'demo catcher: webhook received');
    // As a real receiver would: a wrong signature is refused, so the channel shows the error.
    response.writeHead(signatureValid ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: signatureValid }));
  }

  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const httpPort = (http.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${httpPort}`;
  logger.debug({ smtpPort, httpPort }, 'demo catchers listening');

  return {
    smtp: { host: '127.0.0.1', port: smtpPort },
    smtpSettings: {
      host: '127.0.0.1',
      port: smtpPort,
      secure: false,
      startTls: 'off',
      from: 'Vigil demo <vigil@demo.vigil.invalid>',
      timeoutMs: 10_000,
      rejectUnauthorized: true,
    },
    webhookUrl: `${base}/webhook`,
    webhookSecret,
    inboxUrl: `${base}/`,
    logFile,
    emails: () => [...emails],
    webhooks: () => [...webhooks],
    async close() {
      http.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), new Promise<void>((resolve) => http.close(() => resolve()))]);
      await writing;
    },
  };
}

function page(response: ServerResponse, body: string, type: string, untrusted = false): void {
  response.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    // The page has no script; an e-mail's HTML is someone else's and runs in a sandbox with nothing allowed.
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'${untrusted ? '; sandbox' : ''}`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  response.end(body);
}

const time = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function inboxPage(emails: CaughtEmail[], webhooks: CaughtWebhook[], logFile: string): string {
  const mail = emails
    .map(
      (one) => `<article>
<h3>${escapeHtml(one.subject || '(no subject)')}</h3>
<p class="meta">${time(one.at)} · from ${escapeHtml(one.from)} to ${escapeHtml(one.to.join(', '))}${one.html ? ` · <a href="/email/${one.seq}.html">HTML version</a>` : ''}</p>
<pre>${escapeHtml(one.text)}</pre>
</article>`,
    )
    .join('\n');
  const hooks = webhooks
    .map(
      (one) => `<article>
<h3>${escapeHtml(one.kind ?? 'webhook')} · delivery ${escapeHtml(one.delivery ?? '(none)')} · ${one.signatureValid ? '<span class="ok">signature valid</span>' : '<span class="bad">signature INVALID</span>'}</h3>
<p class="meta">${time(one.at)}</p>
<pre>${escapeHtml(one.body)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10"><title>Vigil demo: notifications</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem;color:#1f2937}
section{margin-bottom:2rem}article{border:1px solid #d1d5db;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
h3{font-size:1rem;margin:.25rem 0}.meta{color:#6b7280;font-size:.85rem;margin:.25rem 0}
pre{white-space:pre-wrap;background:#f9fafb;padding:.5rem;font-size:.85rem;max-height:24rem;overflow:auto}
.ok{color:#15803d}.bad{color:#b91c1c}
</style></head><body>
<h1>Vigil demo: notifications</h1>
<p>What the demo's alert channels sent, newest first (the last ${CATCHER_KEEP} of each; all of them in <code>${escapeHtml(logFile)}</code>). This page reloads every 10 s.</p>
<section><h2>E-mails (${emails.length})</h2>
${mail || '<p>None yet.</p>'}
</section>
<section><h2>Webhooks (${webhooks.length})</h2>
${hooks || '<p>None yet.</p>'}
</section>
</body></html>
`;
}

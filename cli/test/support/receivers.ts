import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { verifyWebhookSignature, type SmtpSettings } from '@vigil/ingestor';

export interface ReceivedMail {
  at: number;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

/** A real SMTP server on loopback (smtp-server) that keeps every message it is given. */
export interface Mailbox {
  settings: SmtpSettings;
  mails: ReceivedMail[];
  /** The messages one address received. */
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push({
            at: Date.now(),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : null,
          });
          callback();
        },
        (error: unknown) => callback(error as Error),
      );
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    settings: {
      host: '127.0.0.1',
      port,
      secure: false,
      startTls: 'off',
      from: 'Vigil <vigil@vigil-test.invalid>',
      timeoutMs: 10_000,
      rejectUnauthorized: true,
    },
    mails,
    to: (address) => mails.filter((mail) => mail.to.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedHook {
  at: number;
  signatureValid: boolean;
  body: { kind?: string; [field: string]: unknown };
}

/** A real webhook receiver on loopback that checks signatures; `hold()` keeps answers back until `release()`. */
export interface HookReceiver {
  url: string;
  secret: string;
  hooks: ReceivedHook[];
  /** Requests arriving from now on get no answer until release(). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startHookReceiver(secret: string): Promise<HookReceiver> {
  const hooks: ReceivedHook[] = [];
  let held: ServerResponse[] | undefined;
  const answer = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const header = request.headers['x-vigil-signature'];
      hooks.push({
        at: Date.now(),
        signatureValid: verifyWebhookSignature(raw, typeof header === 'string' ? header : undefined, secret),
        body: JSON.parse(raw.toString('utf8')) as ReceivedHook['body'],
      });
      if (held) held.push(response);
      else answer(response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/vigil-hook`,
    secret,
    hooks,
    hold() {
      held ??= [];
    },
    release() {
      for (const response of held ?? []) answer(response);
      held = undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on (it was free a moment ago): a channel pointed there fails with ECONNREFUSED. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetPki } from '@vigil/proto/pki';
import { ChannelError, checkEmailConfig, emailSender, smtpTransportFrom, type SmtpSettings, type SmtpTransport } from '../../../src/index.js';
import { driveFull, hostileNames, notification, threeDown } from './fixtures.js';

interface Delivered {
  from: string;
  to: string[];
  raw: Buffer;
  mail: ParsedMail;
  secure: boolean;
  user: string | undefined;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A real SMTP server on loopback (smtp-server, as mail relays behave), keeping what it accepted. */
async function smtpServer(options: Partial<SMTPServerOptions> = {}) {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    logger: false,
    closeTimeout: 200,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then((mail) => {
          delivered.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            mail,
            secure: session.secure,
            user: session.user as string | undefined,
          });
          callback();
        }, callback);
      });
    },
    ...options,
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as { port: number }).port;
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port, delivered };
}

/** A TCP server that accepts connections and never says a word (no SMTP greeting). */
async function silentServer(): Promise<number> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

const settings = (port: number, overrides: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  secure: false,
  startTls: 'off',
  from: 'Vigil <vigil@noc.example.com>',
  timeoutMs: 5_000,
  rejectUnauthorized: true,
  ...overrides,
});

function transport(options: SmtpSettings): SmtpTransport {
  const made = smtpTransportFrom(options);
  closers.push(async () => made.close());
  return made;
}

const live = () => new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

/** The fleet's own PKI issues the test server's certificate (localhost and 127.0.0.1). */
let pkiDir: string;
let tls: { key: Buffer; cert: Buffer; caFile: string };
beforeAll(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'vigil-smtp-pki-'));
  const pki = new FleetPki(pkiDir);
  await pki.init();
  const broker = pki.broker();
  tls = { key: readFileSync(broker.key), cert: readFileSync(broker.cert), caFile: broker.ca };
});
afterAll(() => rmSync(pkiDir, { recursive: true, force: true }));

describe('e-mail channel against a real SMTP server', () => {
  it('sends plain text and HTML, with a subject naming customer, site and problem', async () => {
    const smtp = await smtpServer();
    const sender = emailSender(transport(settings(smtp.port)), { to: ['noc@example.com', 'oncall@example.com'] });
    await sender.send(notification([driveFull()]), live());
    await sender.send(threeDown(), live());

    expect(smtp.delivered).toHaveLength(2);
    const [single, grouped] = smtp.delivered;
    if (!single || !grouped) throw new Error('not delivered');
    expect(single.from).toBe('vigil@noc.example.com');
    expect(single.to).toEqual(['noc@example.com', 'oncall@example.com']);
    expect(single.mail.subject).toBe('[Vigil] FIRING critical: drive-full — Acme Retail / Store 12 / rec-001');
    expect(single.mail.from?.text).toBe('"Vigil" <vigil@noc.example.com>');
    expect(single.mail.messageId).toBe(`<vigil.42.${Date.UTC(2025, 5, 1, 12, 0, 5)}@noc.example.com>`);
    expect(single.mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(single.mail.headers.get('x-vigil-delivery')).toBe('42');
    expect(single.mail.text).toContain('FIRING critical: drive-full — Acme Retail / Store 12 / rec-001');
    expect(single.mail.text).toContain('Customer:  Acme Retail (SLC M01-C01-111-11-111111)');
    expect(single.mail.text).toContain('Problem:   drive-full on D:\\ (96.1 %)');
    expect(single.mail.text).toContain('Since:     2025-06-01 12:00:00 UTC');
    expect(single.mail.text).toContain('Open:      https://vigil.example.com/#/recorders/rec-001');
    expect(single.mail.html).toContain('<a href="https://vigil.example.com/#/recorders/rec-001">');
    expect(single.mail.html).toContain('drive-full on D:\\ (96.1 %)');

    expect(grouped.mail.subject).toBe('[Vigil] FIRING error: 3 recorders at Acme Retail / Store 12: recorder-unavailable');
    for (const name of ['Till 1 (rec-001)', 'Till 2 (rec-002)', 'Till 3 (rec-003)']) {
      expect(grouped.mail.text).toContain(name);
      expect(grouped.mail.html).toContain(name);
    }
  });

  it('escapes what the fleet names in the HTML and keeps it out of the headers', async () => {
    const smtp = await smtpServer();
    await emailSender(transport(settings(smtp.port)), { to: ['noc@example.com'] }).send(hostileNames(), live());
    const [got] = smtp.delivered;
    if (!got) throw new Error('not delivered');
    const html = String(got.mail.html);
    // Every tag the fleet sent is text now (onerror= among it is shown, not run).
    expect(html).not.toMatch(/<script|<img|<b>|javascript:/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('O&#39;Brien &#60;img src=x onerror=alert(2)&#62;');
    expect(html).not.toContain('href=');
    // The CR LF in the site's name forged no header and no recipient.
    expect(got.to).toEqual(['noc@example.com']);
    expect(got.mail.headers.has('bcc')).toBe(false);
    expect(got.mail.subject).toBe(
      `[Vigil] FIRING critical: drive-full — O'Brien <img src=x onerror=alert(2)> / Store "12" & <b>co</b> Bcc: victim@example.com / <script>alert(1)</script>`,
    );
    expect(got.mail.text).not.toContain('javascript:');
  });

  it('STARTTLS (required) to a server offering it, with a certificate from our CA and a login the server checks', async () => {
    const logins: Array<{ user: string | undefined; secure: boolean }> = [];
    const smtp = await smtpServer({
      key: tls.key,
      cert: tls.cert,
      disabledCommands: [],
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, session, callback) {
        logins.push({ user: auth.username, secure: session.secure });
        if (auth.username === 'vigil' && auth.password === 'c0rrect horse') return callback(null, { user: 'vigil' });
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
    });
    const good = settings(smtp.port, { startTls: 'require', user: 'vigil', password: 'c0rrect horse', tlsCaFile: tls.caFile });
    await emailSender(transport(good), { to: ['noc@example.com'] }).send(notification([driveFull()]), live());
    expect(smtp.delivered.map((d) => [d.secure, d.user])).toEqual([[true, 'vigil']]);
    expect(logins).toEqual([{ user: 'vigil', secure: true }]);

    // A wrong password: refused, not retried (that could lock the account), and not repeated in the error.
    const wrong = await failure(
      emailSender(transport({ ...good, password: 'WR0NG-pa55word' }), { to: ['noc@example.com'] }).send(notification([driveFull()]), live()),
    );
    expect(wrong.retryable).toBe(false);
    expect(wrong.reason).toBe('auth');
    expect(wrong.message).toContain('535');
    const shown = `${wrong.message}\n${wrong.stack}\n${JSON.stringify(wrong)}`;
    for (const secret of ['WR0NG-pa55word', Buffer.from('WR0NG-pa55word').toString('base64'), Buffer.from('\0vigil\0WR0NG-pa55word').toString('base64')]) {
      expect(shown).not.toContain(secret);
    }
    expect(smtp.delivered).toHaveLength(1);
  });

  it('implicit TLS (smtps) with our CA', async () => {
    const smtp = await smtpServer({ secure: true, key: tls.key, cert: tls.cert });
    await emailSender(transport(settings(smtp.port, { secure: true, tlsCaFile: tls.caFile })), { to: ['noc@example.com'] }).send(
      notification([driveFull()]),
      live(),
    );
    expect(smtp.delivered.map((d) => d.secure)).toEqual([true]);
  });

  it('refuses to send when STARTTLS is required but not offered, or the certificate is not trusted', async () => {
    const plain = await smtpServer();
    const notOffered = await failure(
      emailSender(transport(settings(plain.port, { startTls: 'require' })), { to: ['noc@example.com'] }).send(notification([driveFull()]), live()),
    );
    expect(notOffered.reason).toBe('tls');
    expect(plain.delivered).toHaveLength(0);

    const offered = await smtpServer({ key: tls.key, cert: tls.cert, disabledCommands: ['AUTH'] });
    const untrusted = await failure(
      emailSender(transport(settings(offered.port, { startTls: 'require' })), { to: ['noc@example.com'] }).send(notification([driveFull()]), live()),
    );
    expect(untrusted.reason).toBe('tls');
    expect(untrusted.message).toMatch(/certificate/i);
    expect(offered.delivered).toHaveLength(0);
  });

  it('a server that accepts the connection and never greets fails within timeoutMs, retryable', async () => {
    const port = await silentServer();
    const started = Date.now();
    const error = await failure(
      emailSender(transport(settings(port, { timeoutMs: 1_000 })), { to: ['noc@example.com'] }).send(notification([driveFull()]), live()),
    );
    const took = Date.now() - started;
    expect(error.retryable).toBe(true);
    expect(error.reason).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(900);
    // Room for a loaded machine, far below nodemailer's own 30 s greeting timeout.
    expect(took).toBeLessThan(10_000);
  });

  it('a server that hangs after DATA fails within timeoutMs, retryable', async () => {
    let messageBytes = 0;
    const smtp = await smtpServer({
      // Takes the whole message and never answers it.
      onData(stream) {
        stream.on('data', (chunk: Buffer) => {
          messageBytes += chunk.length;
        });
      },
    });
    const started = Date.now();
    const error = await failure(
      emailSender(transport(settings(smtp.port, { timeoutMs: 2_000 })), { to: ['noc@example.com'] }).send(notification([driveFull()]), live()),
    );
    const took = Date.now() - started;
    expect(messageBytes).toBeGreaterThan(1_000);
    expect(smtp.delivered).toHaveLength(0);
    expect(error.retryable).toBe(true);
    expect(error.reason).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(1_900);
    // Room for a loaded machine, far below nodemailer's own 10 min idle-socket timeout.
    expect(took).toBeLessThan(12_000);
  });

  it('a recipient refused for good is not retried; one refused for now is', async () => {
    let code = 550;
    const smtp = await smtpServer({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error(code === 550 ? 'No such user here' : 'Try again later'), { responseCode: code }));
      },
    });
    const sender = emailSender(transport(settings(smtp.port)), { to: ['nobody@example.com'] });
    const permanent = await failure(sender.send(notification([driveFull()]), live()));
    expect([permanent.retryable, permanent.reason]).toEqual([false, 'smtp-5xx']);
    expect(permanent.message).toContain('No such user here');
    code = 451;
    const transient = await failure(sender.send(notification([driveFull()]), live()));
    expect([transient.retryable, transient.reason]).toEqual([true, 'smtp-4xx']);
  });

  it('nothing listening is a retryable network error', async () => {
    const port = await silentServer();
    for (const close of closers.splice(0)) await close();
    const error = await failure(emailSender(transport(settings(port)), { to: ['noc@example.com'] }).send(notification([driveFull()]), live()));
    expect([error.retryable, error.reason]).toEqual([true, 'network']);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('checks recipients, naming the field', () => {
    expect(checkEmailConfig({ to: [' noc@example.com', 'noc@example.com'] })).toEqual({ ok: true, config: { to: ['noc@example.com'] } });
    const fields = [
      { to: [] },
      { to: 'noc@example.com' },
      { to: ['noc@example.com', 'Bob <bob@example.com>'] },
      { to: ['a@b', 'x'] },
      { to: ['a@b'], cc: [] },
      null,
    ].map((config) => {
      const checked = checkEmailConfig(config);
      return checked.ok ? 'accepted' : checked.field;
    });
    expect(fields).toEqual(['to', 'to', 'to[1]', 'to[1]', 'cc', 'config']);
  });
});

import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetFacts } from '../../src/alerts/fleet-facts.js';
import { Notifier } from '../../src/alerts/notifier.js';
import { channelSenders } from '../../src/alerts/senders.js';
import { alertingFixture } from './support.js';

// An e-mail channel that names users (docs/CHANNELS.md): the notifier sends to their contact
// e-mails as dashboard.db's read_v1_user_contacts says at send time, through a real SMTP server.

type Fixture = ReturnType<typeof alertingFixture>;
let f: Fixture | undefined;
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  f?.close();
  f = undefined;
});

const until = async (check: () => boolean, what: string, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A real SMTP server on loopback keeping each accepted message's envelope recipients and subject. */
async function smtpServer() {
  const delivered: Array<{ to: string[]; subject: string }> = [];
  const server = new SMTPServer({
    logger: false,
    closeTimeout: 200,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        delivered.push({ to: session.envelope.rcptTo.map((r) => r.address).sort(), subject: mail.subject ?? '' });
        callback();
      }, callback);
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as { port: number }).port, delivered };
}

describe('e-mail channel addressed to users', () => {
  it('sends to the contact e-mail each user has when the notification goes out, and skips a user without one', async () => {
    const smtp = await smtpServer();
    f = alertingFixture();
    const fx = f;
    // The dashboard's side: its views as plain tables (see support.ts), with the user contacts of version 2.
    const dashboard = new Database(join(fx.dir, 'dashboard.db'));
    closers.push(() => {
      dashboard.close();
    });
    dashboard.exec('CREATE TABLE read_v1_user_contacts (username TEXT PRIMARY KEY, contact_email TEXT)');
    const contact = dashboard.prepare('INSERT OR REPLACE INTO read_v1_user_contacts VALUES (?, ?)');
    contact.run('alice', 'alice@alpha.example');
    contact.run('bob', null);
    const channel = dashboard.prepare("INSERT INTO read_v1_alert_channels VALUES (?, ?, NULL, 'email', ?, 1)");
    channel.run(1, 'people', JSON.stringify({ to: ['desk@noc.example'], users: ['alice', 'bob'] }));
    channel.run(2, 'bob alone', JSON.stringify({ to: [], users: ['bob'] }));
    fx.rule({ name: 'Down', condition: { kind: 'state', states: ['offline'] }, channels: [1] });
    fx.rule({ name: 'Down for Bob', condition: { kind: 'state', states: ['offline'] }, scope: { recorders: ['rec-2'] }, channels: [2] });

    const fleet = new Database(join(fx.dir, 'fleet.db'), { readonly: true });
    closers.push(() => {
      fleet.close();
    });
    const startedAt = Date.now();
    const notifier = new Notifier({
      db: fx.db,
      facts: new FleetFacts(fleet),
      config: () => fx.engine.configuration,
      senderFor: channelSenders({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        startTls: 'off',
        from: 'Vigil <vigil@noc.example>',
        timeoutMs: 10_000,
        rejectUnauthorized: true,
      }).senderFor,
      logger: pino({ level: 'silent' }),
      retry: { minMs: 20, maxMs: 40 },
      now: () => fx.now + (Date.now() - startedAt),
    });
    notifier.start();
    closers.push(() => notifier.close());

    fx.recorder('rec-1', { state: 'offline', name: 'Front gate NVR' });
    fx.tick();
    notifier.wake();
    await until(() => smtp.delivered.length === 1, 'the first e-mail');
    // Alice by her contact e-mail, the channel's own address; Bob, without one, skipped.
    expect(smtp.delivered[0]?.to).toEqual(['alice@alpha.example', 'desk@noc.example']);

    // Alice changes her contact e-mail: the next notification goes to the new one, with no change to the channel.
    contact.run('alice', 'alice.oncall@alpha.example');
    contact.run('bob', null);
    fx.recorder('rec-3', { state: 'offline' });
    fx.tick();
    notifier.wake();
    await until(() => smtp.delivered.length === 2, 'the second e-mail');
    expect(smtp.delivered[1]?.to).toEqual(['alice.oncall@alpha.example', 'desk@noc.example']);

    // A channel whose only user has no contact e-mail: nothing to send, said on the channel, nothing crashes.
    fx.recorder('rec-2', { state: 'offline' });
    fx.tick();
    notifier.wake();
    const statusOf = (id: number) =>
      fx.db.db.prepare('SELECT last_error AS lastError FROM read_v1_channel_status WHERE channel_id = ?').get(id) as { lastError: string | null } | undefined;
    await until(() => statusOf(2)?.lastError != null, 'the failure of the channel without recipients');
    expect(statusOf(2)?.lastError).toMatch(/no recipient: user "bob" has no contact e-mail/);
    expect(
      fx
        .notifications()
        .filter((n) => n.channelId === 2)
        .map((n) => n.status),
    ).toEqual(['failed']);
    // Channel 1 still delivers rec-2's alert to Alice.
    await until(() => smtp.delivered.length === 3, 'the third e-mail');
    expect(smtp.delivered[2]?.to).toEqual(['alice.oncall@alpha.example', 'desk@noc.example']);
  });
});

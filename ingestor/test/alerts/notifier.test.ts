import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ChannelError, type ChannelSender, type Notification } from '../../src/alerts/channels/types.js';
import type { AlertConfig } from '../../src/alerts/config-source.js';
import { FleetFacts } from '../../src/alerts/fleet-facts.js';
import type { AlertChannel } from '../../src/alerts/model.js';
import { Notifier } from '../../src/alerts/notifier.js';
import { alertingFixture } from './support.js';

// The notifier's queue behaviour, with senders that stand in for a channel at its interface (the
// real webhook and SMTP senders are tested against real servers in channels/).

type Fixture = ReturnType<typeof alertingFixture>;
let f: Fixture;
let notifier: Notifier | undefined;
afterEach(async () => {
  await notifier?.close();
  f?.close();
});

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

function channel(id: number): AlertChannel {
  return {
    id,
    name: `c${id}`,
    ownerResellerId: null,
    enabled: true,
    config: { type: 'webhook', url: 'http://127.0.0.1:9/', secret: 'x'.repeat(32), timeoutMs: 1000 },
  };
}

function start(senders: Record<number, ChannelSender>, fleetDb: import('better-sqlite3').Database) {
  const config: AlertConfig = {
    rules: new Map(),
    channels: new Map(Object.keys(senders).map((id) => [Number(id), channel(Number(id))])),
    silences: [],
    acknowledged: new Set(),
    holders: new Map(),
    testRequests: [],
    contacts: new Map(),
  };
  const startedAt = Date.now();
  notifier = new Notifier({
    db: f.db,
    facts: new FleetFacts(fleetDb),
    config: () => config,
    senderFor: (c) => senders[c.id] as ChannelSender,
    logger: pino({ level: 'silent' }),
    retry: { minMs: 20, maxMs: 40 },
    // The queue's times are the fixture's clock (a day's notifications are given up after 24 h), running.
    now: () => f.now + (Date.now() - startedAt),
    dashboardUrl: 'https://vigil.example/',
  });
  notifier.start();
  return notifier;
}

async function fleetConnection() {
  const { default: Database } = await import('better-sqlite3');
  return new Database(`${f.dir}/fleet.db`, { readonly: true });
}

describe('notifier', () => {
  it('sends a queued notification with names and a link, and marks it sent', async () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: { kind: 'state', states: ['offline'] }, channels: [1], name: 'Recorder down' });
    f.recorder('rec-1', { state: 'offline', name: 'Front gate NVR' });
    f.tick();
    const got: Notification[] = [];
    start({ 1: { send: async (n) => void got.push(n) } }, await fleetConnection());
    await until(() => got.length === 1);
    const [alert] = got[0]?.alerts ?? [];
    expect(alert).toMatchObject({
      state: 'firing',
      severity: 'critical',
      recorder: { id: 'rec-1', name: 'Front gate NVR' },
      installation: { slc: 'SLC-A', name: 'Customer SLC-A' },
      site: { id: 'SLC-A/main', name: 'Site main' },
      link: 'https://vigil.example/#/recorder/rec-1',
    });
    await until(() => f.notifications()[0]?.status === 'sent');
  });

  it('retries a failing channel with backoff while another channel is served, and gives up on a refusal', async () => {
    f = alertingFixture();
    f.channel(1);
    f.channel(2);
    f.channel(3);
    f.rule({ condition: { kind: 'state', states: ['offline'] }, channels: [1, 2, 3] });
    f.recorder('rec-1', { state: 'offline' });
    f.tick();
    let flakyCalls = 0;
    let goodCalls = 0;
    const hanging = new Promise<void>(() => undefined);
    start(
      {
        // 1 fails twice then works; 2 hangs for ever; 3 refuses (not retryable).
        1: {
          send: async () => {
            flakyCalls++;
            if (flakyCalls <= 2) throw new ChannelError('HTTP 503', true);
          },
        },
        2: { send: (_n, signal) => Promise.race([hanging, new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))]) },
        3: {
          send: async () => {
            goodCalls++;
            throw new ChannelError('HTTP 400: bad request', false);
          },
        },
      },
      await fleetConnection(),
    );
    await until(() => f.notifications().find((n) => n.channelId === 1)?.status === 'sent');
    expect(flakyCalls).toBe(3);
    await until(() => f.notifications().find((n) => n.channelId === 3)?.status === 'failed');
    expect(goodCalls).toBe(1);
    expect(f.notifications().find((n) => n.channelId === 2)?.status).toBe('queued');
    const status = f.db.db.prepare('SELECT channel_id, last_error, last_success_at FROM read_v1_channel_status ORDER BY channel_id').all();
    expect(status).toMatchObject([
      { channel_id: 1, last_error: 'HTTP 503' },
      { channel_id: 3, last_error: 'HTTP 400: bad request', last_success_at: null },
    ]);
  });

  it('sends again after a restart what was in flight when it stopped (at least once)', async () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: { kind: 'state', states: ['offline'] }, channels: [1] });
    f.recorder('rec-1', { state: 'offline' });
    f.tick();
    let started = 0;
    start(
      { 1: { send: (_n, signal) => new Promise((_, reject) => (started++, signal.addEventListener('abort', () => reject(signal.reason)))) } },
      await fleetConnection(),
    );
    await until(() => started === 1);
    await notifier?.close();
    f.restart();
    const got: Notification[] = [];
    start({ 1: { send: async (n) => void got.push(n) } }, await fleetConnection());
    await until(() => got.length === 1);
    expect(f.notifications().map((n) => n.status)).toEqual(['sent']);
  });
});

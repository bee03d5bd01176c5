import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Channel, DashboardStore, type Rule, type RuleInput, type User } from '@vigil/dashboard';
import type { WebhookBody } from '@vigil/ingestor';
import { type Fleet, waitFor } from './fleet.js';

/** The engine's grouping window (10 s) and tick (1 s), and slack: a spell this long with nothing new proves nothing else is on its way. */
export const QUIET_SPELL_MS = 15_000;

/**
 * The alerting side of the fault suite: the real dashboard store writing rules and channels into
 * the fleet's data directory (where every `vigil ingestor` reads them), a real webhook receiver
 * and a mail server that never greets, and read-only looks at the engine's alerts.db.
 */

/** One POST the receiver took, as a webhook consumer would see it. */
export interface ReceivedWebhook {
  at: number;
  /** X-Vigil-Delivery: the same on every retry of one notification. */
  delivery: string;
  signatureValid: boolean;
  body: WebhookBody;
}

/** A node:http receiver on loopback that checks X-Vigil-Signature and answers 200. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly secret = 'fault-suite-webhook-secret-0123456789';
  private readonly server: HttpServer;
  port = 0;

  constructor() {
    this.server = createHttpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const expected = Buffer.from(`sha256=${createHmac('sha256', this.secret).update(raw).digest('hex')}`);
        const given = Buffer.from(String(request.headers['x-vigil-signature'] ?? ''));
        let body: WebhookBody;
        try {
          body = JSON.parse(raw.toString('utf8')) as WebhookBody;
        } catch {
          response.writeHead(400).end();
          return;
        }
        this.received.push({
          at: Date.now(),
          delivery: String(request.headers['x-vigil-delivery'] ?? ''),
          signatureValid: given.length === expected.length && timingSafeEqual(given, expected),
          body,
        });
        response.writeHead(200).end();
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/vigil-hook`;
  }

  /**
   * Waits for a quiet spell: QUIET_SPELL_MS with nothing new, or returns at the first arrival (the
   * caller's assertions then say whether it was expected). Absence can only be watched for.
   */
  async quietSpell(): Promise<void> {
    const seen = this.received.length;
    const until = Date.now() + QUIET_SPELL_MS;
    await waitFor(
      'a quiet spell',
      () => Date.now(),
      (now) => now >= until || this.received.length > seen,
      QUIET_SPELL_MS + 5_000,
    );
  }

  /** Notifications of one kind (`firing`, `resolved`, `repeat`), each delivery once (a retry is the same notification). */
  of(kind: string): ReceivedWebhook[] {
    const seen = new Set<string>();
    return this.received.filter((r) => r.body.kind === kind && !seen.has(r.delivery) && seen.add(r.delivery));
  }

  /** When each notification arrived, relative to `since`, with what it listed (for failure messages). */
  timeline(since: number): string[] {
    return this.received.map((r, i) => `${this.summary()[i]} received at ${((r.at - since) / 1000).toFixed(1)} s`);
  }

  /** One short line per notification: kind and its alerts' targets, for assertions and failure messages. */
  summary(): string[] {
    return this.received.map((r) => `${r.body.kind}#${r.delivery}:${r.body.alerts.map((a) => `${a.target.kind}=${a.target.id}/${a.state}`).join(',')}`);
  }

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.port = (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/**
 * An SMTP server that hangs: it accepts the TCP connection and never sends its greeting, as a
 * wedged mail relay or a firewall that swallows the session does. It remembers each connection:
 * when it came and when the client gave up on it.
 */
export class HangingSmtpServer {
  readonly connections: Array<{ openedAt: number; closedAt: number | null }> = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((socket) => {
      const entry = { openedAt: Date.now(), closedAt: null as number | null };
      this.connections.push(entry);
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        entry.closedAt = Date.now();
        this.sockets.delete(socket);
      });
      // Read and drop whatever arrives; never answer.
      socket.resume();
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    this.port = (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

/** The ingestor's environment for an SMTP server on loopback without TLS (the hanging one). */
export function plainSmtpEnv(port: number, timeoutMs: number): NodeJS.ProcessEnv {
  return {
    VIGIL_SMTP_URL: `smtp://127.0.0.1:${port}`,
    VIGIL_SMTP_FROM: 'Vigil faults <vigil@faults.example>',
    VIGIL_SMTP_STARTTLS: 'off',
    VIGIL_SMTP_TIMEOUT_MS: String(timeoutMs),
  };
}

/** A row of alerts.db's read_v1_alerts (the columns the scenarios look at). */
export interface AlertRow {
  id: number;
  rule_id: number;
  target_kind: 'recorder' | 'site';
  target_id: string;
  recorder_id: string | null;
  condition_key: string;
  state: 'pending' | 'firing' | 'resolved';
  pending_since: number;
  firing_since: number | null;
  resolved_at: number | null;
  inhibited: number;
  notified_count: number;
}

export interface ChannelStatusRow {
  channel_id: number;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_failure_at: number | null;
  last_error: string | null;
}

/**
 * What people decide, written as the dashboard writes it: a DashboardStore on the data
 * directory's dashboard.db (the file every `vigil ingestor` of that directory reads rules from),
 * and a NOC user making rules and channels. Also reads alerts.db, read-only, as the dashboard does.
 */
export class AlertingDesk {
  private constructor(
    readonly fleet: Fleet,
    readonly store: DashboardStore,
    readonly noc: User,
  ) {}

  static async open(fleet: Fleet): Promise<AlertingDesk> {
    const store = await DashboardStore.open(join(fleet.dataDir, 'dashboard.db'), join(fleet.dataDir, 'fleet.db'), {
      log: { warn: () => undefined, info: () => undefined },
      settleEveryMs: 0,
    });
    const noc = await store.createUser('noc', 'noc', 'fault-suite-noc-password');
    return new AlertingDesk(fleet, store, noc);
  }

  webhook(name: string, receiver: WebhookReceiver): Channel {
    return this.store.createChannel(this.noc, { name, type: 'webhook', config: { url: receiver.url, secret: receiver.secret, timeoutMs: 5_000 } });
  }

  email(name: string, to: string[]): Channel {
    return this.store.createChannel(this.noc, { name, type: 'email', config: { to } });
  }

  rule(input: RuleInput): Rule {
    return this.store.createRule(this.noc, input);
  }

  /** alerts.db, read-only, for one question (the ingestor's engine owns it); undefined until it exists. */
  private readAlertsDb<T>(question: (db: Database.Database) => T): T | undefined {
    const path = join(this.fleet.dataDir, 'alerts.db');
    if (!existsSync(path)) return undefined;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return question(db);
    } finally {
      db.close();
    }
  }

  alerts(): AlertRow[] {
    return this.readAlertsDb((db) => db.prepare('SELECT * FROM read_v1_alerts ORDER BY id').all() as AlertRow[]) ?? [];
  }

  /** Every transition in alerts.db, oldest first: `alert <id> (<target>) <state> at <t>`, times relative to `since`. */
  timeline(since: number): string[] {
    return (
      this.readAlertsDb((db) =>
        (
          db
            .prepare(
              `SELECT t.alert_id AS id, a.target_id AS target, t.state AS state, t.at AS at
                 FROM read_v1_alert_transitions t JOIN read_v1_alerts a ON a.id = t.alert_id ORDER BY t.at, t.alert_id`,
            )
            .all() as Array<{ id: number; target: string; state: string; at: number }>
        ).map((t) => `alert ${t.id} (${t.target}) ${t.state} at ${((t.at - since) / 1000).toFixed(1)} s`),
      ) ?? []
    );
  }

  channelStatus(channelId: number): ChannelStatusRow | undefined {
    return this.readAlertsDb((db) => db.prepare('SELECT * FROM read_v1_channel_status WHERE channel_id = ?').get(channelId) as ChannelStatusRow | undefined);
  }

  close(): void {
    this.store.close();
  }
}

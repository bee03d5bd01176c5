import { type SmtpSettings, SmtpTransport, isEmailAddress, EMAIL_MAX_RECIPIENTS } from '@vigil/ingestor';
import type Database from 'better-sqlite3';
import { buildReport, percentText, previousMonth, reportFileName, type ServiceReport } from './report.js';
import { reportPdf } from './report-pdf.js';
import { BadRequest, type DashboardStore, NotFound, type User } from './store.js';

/**
 * Monthly report subscriptions (docs/DESIGN.md "Service report"): a reseller, NOC or admin has an
 * installation's report e-mailed as a PDF to addresses or to one of its e-mail alert channels.
 * On the 1st of each month (UTC) the previous month's report goes out once: each send is recorded
 * in dashboard.db (report_sends) before the next is considered, so a restart never sends twice and
 * a dashboard that was down at midnight catches up at its next tick. A failure is kept on the
 * subscription (last error) and tried again after RETRY_MS; it never stops the others.
 */

export const REPORT_SUBSCRIPTIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS report_subscriptions (
  id              INTEGER PRIMARY KEY,
  slc             TEXT NOT NULL,
  owner_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  recipients      TEXT NOT NULL DEFAULT '[]',
  channel_id      INTEGER,
  created_at      INTEGER NOT NULL,
  last_attempt_at INTEGER,
  last_error      TEXT,
  last_sent_at    INTEGER,
  last_sent_month TEXT
);
CREATE TABLE IF NOT EXISTS report_sends (
  subscription_id INTEGER NOT NULL REFERENCES report_subscriptions(id) ON DELETE CASCADE,
  month           TEXT NOT NULL,
  sent_at         INTEGER NOT NULL,
  PRIMARY KEY (subscription_id, month)
);
`;

export interface ReportSubscription {
  id: number;
  slc: string;
  owner: string;
  /** Addresses, when not sent to a channel. */
  to: string[];
  /** An e-mail alert channel of the owner's, whose recipients get it. */
  channelId: number | null;
  createdAt: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  lastSentAt: number | null;
  lastSentMonth: string | null;
}

export interface SubscriptionInput {
  slc: string;
  to?: string[];
  channelId?: number;
}

interface Row {
  id: number;
  slc: string;
  owner_id: number;
  owner: string;
  role: User['role'];
  recipients: string;
  channel_id: number | null;
  created_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  last_sent_at: number | null;
  last_sent_month: string | null;
}

/** A failed monthly send is tried again this long after. */
export const RETRY_MS = 15 * 60_000;
const TICK_MS = 60_000;

export interface ReportMailerOptions {
  smtp?: SmtpSettings;
  /** The clock the schedule follows (tests move it to the 1st of a month). */
  now?: () => number;
  tickMs?: number;
  retryMs?: number;
  log: { warn(details: object, message: string): void; info(details: object, message: string): void };
}

export class ReportMailer {
  private readonly db: Database.Database;
  private readonly transport: SmtpTransport | undefined;
  private readonly now: () => number;
  private readonly retryMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly store: DashboardStore,
    private readonly options: ReportMailerOptions,
  ) {
    this.db = store.db;
    this.db.exec(REPORT_SUBSCRIPTIONS_SCHEMA);
    this.now = options.now ?? Date.now;
    this.retryMs = options.retryMs ?? RETRY_MS;
    this.transport = options.smtp ? new SmtpTransport(options.smtp) : undefined;
  }

  /** Whether a mail server is set; without one every send fails saying so. */
  get mailConfigured(): boolean {
    return this.transport !== undefined;
  }

  start(): void {
    const tickMs = this.options.tickMs ?? TICK_MS;
    if (tickMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
    void this.tick();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
    this.transport?.close();
  }

  // ---- what callers see and change ----------------------------------------------------------

  listFor(user: User, slc?: string): ReportSubscription[] {
    const rows = this.rows().filter((row) => (user.role === 'reseller' ? row.owner_id === user.id : true) && (slc === undefined || row.slc === slc));
    return rows.map(view);
  }

  create(user: User, input: SubscriptionInput): ReportSubscription {
    if (!this.store.installationsFor(user).some((i) => i.slc === input.slc)) throw new NotFound(`no installation "${input.slc}"`);
    const to = [...new Set((input.to ?? []).map((address) => address.trim()))];
    if ((to.length === 0) === (input.channelId === undefined)) {
      throw new BadRequest('body: give either to (e-mail addresses) or channelId (one of your e-mail alert channels), not both');
    }
    if (to.length > EMAIL_MAX_RECIPIENTS) throw new BadRequest(`body/to: at most ${EMAIL_MAX_RECIPIENTS} addresses`);
    for (const [index, address] of to.entries()) {
      if (!isEmailAddress(address)) throw new BadRequest(`body/to/${index}: expected an e-mail address such as customer@example.com`);
    }
    if (input.channelId !== undefined) this.channelRecipients(user, input.channelId);
    const id = Number(
      this.db
        .prepare('INSERT INTO report_subscriptions (slc, owner_id, recipients, channel_id, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(input.slc, user.id, JSON.stringify(to), input.channelId ?? null, this.now()).lastInsertRowid,
    );
    return this.one(user, id);
  }

  remove(user: User, id: number): void {
    this.one(user, id);
    this.db.prepare('DELETE FROM report_subscriptions WHERE id = ?').run(id);
  }

  /** "Send now": the previous month's report, at once; recorded as the last attempt but not as the month's scheduled send. */
  async sendNow(user: User, id: number, month?: string): Promise<ReportSubscription> {
    this.one(user, id);
    const row = this.rows().find((r) => r.id === id)!;
    await this.attempt(row, month ?? previousMonth(this.now()), false);
    return this.one(user, id);
  }

  /** Sends every subscription's previous-month report not sent yet (and not failed too recently). */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      const now = this.now();
      const month = previousMonth(now);
      const sent = this.db.prepare('SELECT 1 FROM report_sends WHERE subscription_id = ? AND month = ?');
      for (const row of this.rows()) {
        if (this.abort.signal.aborted) return;
        if (sent.get(row.id, month)) continue;
        // Subscribed after this month's send fell due: its first report is next month's.
        if (row.created_at >= firstOfMonth(now)) continue;
        if (row.last_error !== null && row.last_attempt_at !== null && now - row.last_attempt_at < this.retryMs) continue;
        await this.attempt(row, month, true);
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  // ---- sending --------------------------------------------------------------------------------

  private async attempt(row: Row, month: string, scheduled: boolean): Promise<void> {
    const now = this.now();
    const owner: User = { id: row.owner_id, username: row.owner, role: row.role };
    try {
      if (!this.transport) throw new Error('no mail server is set for the dashboard (VIGIL_SMTP_HOST and the other VIGIL_SMTP_* settings)');
      const to = row.channel_id === null ? (JSON.parse(row.recipients) as string[]) : this.channelRecipients(owner, row.channel_id);
      const report = await buildReport(this.store, owner, row.slc, month, now).catch((error: unknown) => {
        if (error instanceof NotFound) throw new Error(`installation ${row.slc} is no longer visible to ${row.owner}`);
        throw error;
      });
      const pdf = await reportPdf(report);
      const domain = /@([^\s<>@]+)>?\s*$/.exec(this.transport.from)?.[1] ?? 'vigil.invalid';
      await this.transport.deliver(
        {
          to,
          ...mailContent(report),
          // The same report resent has the same Message-ID, so a mail client shows it once.
          messageId: `<vigil.report.${row.id}.${month}${scheduled ? '' : `.${now}`}@${domain}>`,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Vigil-Kind': 'service-report' },
          attachments: [{ filename: reportFileName(report, 'pdf'), content: pdf, contentType: 'application/pdf' }],
        },
        this.abort.signal,
      );
      this.db.transaction(() => {
        if (scheduled) this.db.prepare('INSERT OR IGNORE INTO report_sends (subscription_id, month, sent_at) VALUES (?, ?, ?)').run(row.id, month, now);
        this.db
          .prepare('UPDATE report_subscriptions SET last_attempt_at = ?, last_error = NULL, last_sent_at = ?, last_sent_month = ? WHERE id = ?')
          .run(now, now, month, row.id);
      })();
      this.options.log.info({ subscription: row.id, slc: row.slc, month, recipients: to.length, scheduled }, 'service report sent');
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      this.db.prepare('UPDATE report_subscriptions SET last_attempt_at = ?, last_error = ? WHERE id = ?').run(now, message, row.id);
      this.options.log.warn({ subscription: row.id, slc: row.slc, month, err: message }, 'service report not sent (tried again later)');
    }
  }

  private channelRecipients(user: User, channelId: number): string[] {
    const channel = this.store.channelsFor(user).find((c) => c.id === channelId);
    if (channel?.type !== 'email' || !('to' in channel.config)) throw new NotFound(`no e-mail channel ${channelId}`);
    return channel.config.to;
  }

  private rows(): Row[] {
    return this.db
      .prepare(`SELECT s.*, u.username AS owner, u.role FROM report_subscriptions s JOIN users u ON u.id = s.owner_id ORDER BY s.slc, s.id`)
      .all() as Row[];
  }

  /** One subscription the caller may see (a reseller its own; NOC and admin every one); another's answers like nonexistent. */
  private one(user: User, id: number): ReportSubscription {
    const found = this.listFor(user).find((s) => s.id === id);
    if (!found) throw new NotFound(`no report subscription ${id}`);
    return found;
  }
}

function view(row: Row): ReportSubscription {
  return {
    id: row.id,
    slc: row.slc,
    owner: row.owner,
    to: JSON.parse(row.recipients) as string[],
    channelId: row.channel_id,
    createdAt: row.created_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    lastSentAt: row.last_sent_at,
    lastSentMonth: row.last_sent_month,
  };
}

function firstOfMonth(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function mailContent(report: ServiceReport): { subject: string; text: string; html: string } {
  const subject = `Vigil service report: ${report.installationName} (${report.slc}), ${report.monthLabel}`;
  const lines = [
    `Service report for ${report.installationName} (${report.slc}), ${report.monthLabel}${report.partial ? ' (to date)' : ''}.`,
    `Availability: ${percentText(report.availability.availablePercent)}; outages: ${report.outages.length}.`,
    'The full report is attached as a PDF. Times are in UTC.',
    report.reseller ? `Provided by ${report.reseller}.` : '',
  ].filter(Boolean);
  return { subject, text: lines.join('\n'), html: lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('') };
}

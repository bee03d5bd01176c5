import { backoffDelay } from '@vigil/proto/backoff';
import type { Logger } from 'pino';
import type { AlertsDb, QueuedNotification } from './alerts-db.js';
import { channelRecipients } from './channels/email.js';
import { type AlertNotice, ChannelError, type ChannelSender, type Notification } from './channels/types.js';
import type { AlertConfig } from './config-source.js';
import type { FleetFacts } from './fleet-facts.js';
import type { AlertChannel } from './model.js';

export interface NotifierOptions {
  db: AlertsDb;
  facts: FleetFacts;
  /** The configuration the engine last read: channels and rule names. */
  config: () => AlertConfig | undefined;
  senderFor: (channel: AlertChannel) => ChannelSender;
  logger: Logger;
  now?: () => number;
  /** Links in notifications point here (the dashboard's address as users reach it). */
  dashboardUrl?: string;
  /** A notification still failing after this long is given up (and shown as failed). */
  giveUpAfterMs?: number;
  /** Retry delays: exponential with jitter between these. */
  retry?: { minMs: number; maxMs: number };
  onOutcome?: (channelId: number, outcome: 'sent' | 'retry' | 'failed', at: number) => void;
  /** An alert was left out of a notification (a site outage inhibited it meanwhile): the channel never heard of it. */
  onLeftOut?: (alertId: number, channelId: number) => void;
}

/** A test is a question someone waits for: answer it after a few tries, not after a day. */
const TEST_ATTEMPTS = 3;

/**
 * The notifier stage: sends the queue in alerts.db, each channel on its own (one delivery in flight
 * per channel, in order; channels in parallel), so a hanging SMTP server delays only its own mail,
 * never another channel and never ingestion, which only ever inserts rows. A row leaves the queue
 * only once its channel accepted it: after a crash it is sent again (at least once).
 */
export class Notifier {
  private readonly busy = new Set<number>();
  private readonly inFlight = new Map<number, AbortController>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private woken = false;
  private closed = false;

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.wake();
  }

  /** Something new may be due: look at the queue soon. */
  wake(): void {
    if (this.woken || this.closed) return;
    this.woken = true;
    setImmediate(() => {
      this.woken = false;
      this.pump();
    });
  }

  /** Stops sending; what is in flight is aborted and stays queued for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const controller of this.inFlight.values()) controller.abort(new Error('the notifier is stopping'));
  }

  /** Deliveries under way (tests wait for none). */
  get sending(): number {
    return this.inFlight.size;
  }

  private pump(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    let due: QueuedNotification[] = [];
    try {
      due = this.options.db.due(now, 500);
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message }, 'notification queue unreadable');
    }
    for (const row of due) {
      if (this.busy.has(row.channelId)) continue;
      this.busy.add(row.channelId);
      void this.deliver(row).finally(() => {
        this.busy.delete(row.channelId);
        this.wake();
      });
    }
    // The engine wakes us for new rows; this catches retries and gathering windows coming due.
    let next = 1_000;
    try {
      const at = this.options.db.nextDueAt();
      if (at !== null) next = Math.min(next, Math.max(10, at - now));
    } catch {
      // read again next time
    }
    this.timer = setTimeout(() => this.pump(), next);
    this.timer.unref();
  }

  private async deliver(row: QueuedNotification): Promise<void> {
    const { db, logger } = this.options;
    const channel = this.options.config()?.channels.get(row.channelId);
    if (!channel) {
      db.markFailed(row.id, null, this.now(), 'the channel no longer exists');
      return;
    }
    if (!channel.enabled && row.kind !== 'test') {
      db.markFailed(row.id, null, this.now(), 'the channel is disabled');
      return;
    }
    const controller = new AbortController();
    this.inFlight.set(row.id, controller);
    try {
      const notification = this.build(row);
      if (notification.alerts.length === 0 && row.kind !== 'test') {
        db.markSkipped(row.id, this.now(), 'not sent: by the time it was due, a site outage covered every alert in it');
        return;
      }
      await this.options.senderFor(this.addressed(channel)).send(notification, controller.signal);
      const at = this.now();
      db.markSent(row.id, row.channelId, at);
      this.options.onOutcome?.(row.channelId, 'sent', at);
      logger.info({ notification: row.id, channelId: row.channelId, kind: row.kind, alerts: row.alertIds.length }, 'notification sent');
    } catch (error) {
      if (this.closed) return;
      const at = this.now();
      const message = error instanceof Error ? error.message : String(error);
      const retryable = error instanceof ChannelError ? error.retryable : true;
      const attempts = row.attempts + 1;
      const giveUp = !retryable || (row.kind === 'test' ? attempts >= TEST_ATTEMPTS : at - row.createdAt >= (this.options.giveUpAfterMs ?? 24 * 3_600_000));
      if (giveUp) {
        db.markFailed(row.id, row.channelId, at, message);
        this.options.onOutcome?.(row.channelId, 'failed', at);
        logger.error({ notification: row.id, channelId: row.channelId, attempts, err: message }, 'notification given up');
      } else {
        const policy = this.options.retry ?? { minMs: 1_000, maxMs: 300_000 };
        const delay = backoffDelay(attempts, { ...policy, floorMs: policy.minMs / 2 });
        db.markRetry(row.id, row.channelId, at, at + delay, message);
        this.options.onOutcome?.(row.channelId, 'retry', at);
        logger.warn({ notification: row.id, channelId: row.channelId, attempts, retryInMs: delay, err: message }, 'notification failed; will retry');
      }
    } finally {
      this.inFlight.delete(row.id);
    }
  }

  /**
   * An e-mail channel with its users resolved to their contact e-mails as they are now (docs/CHANNELS.md).
   * Users without one are skipped and logged; with nobody left to send to, the delivery fails with
   * that reason, shown on the channel (not retried: a contact e-mail set later reaches the next one).
   */
  private addressed(channel: AlertChannel): AlertChannel {
    const config = channel.config;
    if (config.type !== 'email' || config.users.length === 0) return channel;
    const { to, skipped } = channelRecipients(config, this.options.config()?.contacts ?? new Map());
    if (skipped.length > 0) this.options.logger.warn({ channelId: channel.id, skipped }, 'e-mail channel: users skipped');
    if (to.length === 0) {
      throw new ChannelError(`no recipient: ${skipped.join('; ')} (a user sets it on the Account page)`, false, 'no-recipient');
    }
    return { ...channel, config: { type: 'email', to, users: [] } };
  }

  private build(row: QueuedNotification): Notification {
    const { db, facts } = this.options;
    const rules = this.options.config()?.rules;
    const base = this.options.dashboardUrl?.replace(/\/+$/, '');
    let rows = db.alertsByIds(row.alertIds);
    if (row.kind === 'firing' || row.kind === 'repeat') {
      // The first recorder of a site to go down fires before the site is known to be down; within the
      // grouping window the site alert says it for all of them, so the recorder's own is left out.
      for (const alert of rows.filter((a) => a.inhibited === 1)) {
        db.forgetNotice(alert.id, row.channelId);
        this.options.onLeftOut?.(alert.id, row.channelId);
      }
      rows = rows.filter((a) => a.inhibited !== 1);
    }
    const alerts: AlertNotice[] = rows.map((alert) => {
      const names = alert.recorder_id !== null ? facts.namesOf(alert.recorder_id) : facts.siteNames(alert.installation_slc, alert.site_id);
      const siteKey = `${alert.installation_slc}/${alert.site_id}`;
      return {
        id: alert.id,
        ruleId: alert.rule_id,
        ruleName: rules?.get(alert.rule_id)?.name ?? `rule ${alert.rule_id}`,
        // A resolution says resolved even if the same alert was queued firing moments before.
        state: row.kind === 'resolved' ? 'resolved' : 'firing',
        severity: alert.severity,
        summary: alert.summary,
        conditionKey: alert.condition_key,
        target: { kind: alert.target_kind, id: alert.target_id },
        recorder: alert.recorder_id !== null ? { id: alert.recorder_id, name: (names as { name?: string } | undefined)?.name || alert.recorder_id } : null,
        site: alert.site_id !== '' ? { id: siteKey, name: names?.siteName || alert.site_id } : null,
        installation: alert.installation_slc !== '' ? { slc: alert.installation_slc, name: names?.installationName || alert.installation_slc } : null,
        since: alert.firing_since ?? alert.pending_since,
        resolvedAt: alert.resolved_at,
        link: base
          ? alert.target_kind === 'recorder'
            ? `${base}/#/recorder/${encodeURIComponent(alert.target_id)}`
            : `${base}/#/site/${encodeURIComponent(alert.target_id)}`
          : null,
      };
    });
    return { id: row.id, kind: row.kind, createdAt: row.createdAt, alerts };
  }
}

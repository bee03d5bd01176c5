import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { AlertsDb } from './alerts-db.js';
import type { ChannelSender } from './channels/types.js';
import { DashboardConfigSource } from './config-source.js';
import { AlertEngine } from './engine.js';
import { FleetFacts } from './fleet-facts.js';
import type { StoredChanges } from '../pipeline/effects.js';
import type { AlertChannel } from './model.js';
import { Notifier } from './notifier.js';
import { channelSenders } from './senders.js';
import type { SmtpSettings } from './channels/email.js';

export { AlertsDb, ALERTS_READ_MODEL_VERSION } from './alerts-db.js';
export { AlertEngine } from './engine.js';
export { Notifier } from './notifier.js';
export { DashboardConfigSource, type AlertConfig } from './config-source.js';
export { FleetFacts } from './fleet-facts.js';
export { channelSenders } from './senders.js';
export * from './model.js';
export * from './channels/index.js';

export interface AlertingOptions {
  /** alerts.db: the engine's own store (created). */
  alertsDbPath: string;
  /** dashboard.db: rules, channels, silences, acknowledgements, read through its read_v1 views. */
  dashboardDbPath: string;
  /** fleet.db, read on a connection of the engine's own (a file), or the pipeline's connection (in memory). */
  fleet: string | Database.Database;
  /** The operator's SMTP server for e-mail channels (VIGIL_SMTP_*); without it e-mail channels report that none is set. */
  smtp?: SmtpSettings;
  /** How to reach a channel; default: webhooks as configured, e-mail through `smtp`. */
  senderFor?: (channel: AlertChannel) => ChannelSender;
  logger: Logger;
  registry?: Registry;
  now?: () => number;
  /** How often `for` durations, silences, repeats and configuration changes are looked at. */
  tickMs?: number;
  groupWindowMs?: number;
  catchUpQuietMs?: number;
  dashboardUrl?: string;
  retry?: { minMs: number; maxMs: number };
}

export interface RunningAlerting {
  engine: AlertEngine;
  notifier: Notifier;
  db: AlertsDb;
  touchRecorder(recorderId: string): void;
  touchSite(installationSlc: string, siteId: string): void;
  batchStored(recorderId: string, historical: boolean, changed?: StoredChanges): void;
  close(): Promise<void>;
}

/** The alerts stage of the ingestor: the engine judging fleet changes, and the notifier sending what it queues. */
export function startAlerting(options: AlertingOptions): RunningAlerting {
  const logger = options.logger.child({ part: 'alerting' });
  const db = new AlertsDb(options.alertsDbPath);
  const fleetDb = typeof options.fleet === 'string' ? new Database(options.fleet, { readonly: true, fileMustExist: true }) : options.fleet;
  if (typeof options.fleet === 'string') fleetDb.pragma('busy_timeout = 5000');
  const facts = new FleetFacts(fleetDb);
  const config = new DashboardConfigSource(options.dashboardDbPath, logger);
  // The gauges read the engine and the queue when scraped.
  let engineRef: AlertEngine | undefined;
  const metrics = options.registry
    ? alertMetrics(
        options.registry,
        () => engineRef?.counts() ?? { pending: 0, firing: 0 },
        () => db.pendingNotifications(),
      )
    : undefined;
  let notifier: Notifier | undefined;
  const engine = new AlertEngine({
    db,
    facts,
    config,
    logger,
    now: options.now,
    groupWindowMs: options.groupWindowMs,
    catchUpQuietMs: options.catchUpQuietMs,
    onQueued: () => notifier?.wake(),
    onEvaluated: (seconds) => metrics?.evaluation.observe(seconds),
  });
  engineRef = engine;
  notifier = new Notifier({
    db,
    facts,
    // What the engine last read: reading the source here would take its news of a change from the engine.
    config: () => engine.configuration,
    senderFor: options.senderFor ?? channelSenders(options.smtp).senderFor,
    logger,
    now: options.now,
    dashboardUrl: options.dashboardUrl,
    retry: options.retry,
    onLeftOut: (alertId, channelId) => engine.forgetNotice(alertId, channelId),
    onOutcome: (channelId, outcome, at) => {
      if (!metrics) return;
      metrics.notifications.inc({ channel: String(channelId), outcome });
      if (outcome === 'sent') metrics.lastSuccess.set({ channel: String(channelId) }, at / 1000);
      else metrics.lastFailure.set({ channel: String(channelId) }, at / 1000);
    },
  });
  engine.tick();
  notifier.start();
  const timer = setInterval(() => engine.tick(), options.tickMs ?? 1_000);
  timer.unref();
  return {
    engine,
    notifier,
    db,
    touchRecorder: (id) => engine.touchRecorder(id),
    touchSite: (slc, siteId) => engine.touchSite(slc, siteId),
    batchStored: (id, historical, changed) => engine.batchStored(id, historical, changed),
    async close() {
      clearInterval(timer);
      engine.close();
      await notifier?.close();
      config.close();
      if (typeof options.fleet === 'string') fleetDb.close();
      db.close();
    },
  };
}

function alertMetrics(registry: Registry, counts: () => { pending: number; firing: number }, queued: () => number) {
  return {
    evaluation: new Histogram({
      name: 'vigil_alert_evaluation_seconds',
      help: 'Time to judge one changed recorder or site against the rules that can apply to it',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'vigil_alert_notifications_total',
      help: 'Notification deliveries by channel id and outcome (sent, retry: failed and queued again, failed: given up)',
      labelNames: ['channel', 'outcome'],
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'vigil_alert_channel_last_success_seconds',
      help: 'When a channel last accepted a notification (unix seconds)',
      labelNames: ['channel'],
      registers: [registry],
    }),
    lastFailure: new Gauge({
      name: 'vigil_alert_channel_last_failure_seconds',
      help: 'When a delivery to a channel last failed (unix seconds); its error is on the dashboard',
      labelNames: ['channel'],
      registers: [registry],
    }),
    open: new Gauge({
      name: 'vigil_alerts_open',
      help: 'Open alerts by state (pending, firing)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const now = counts();
        this.set({ state: 'pending' }, now.pending);
        this.set({ state: 'firing' }, now.firing);
      },
    }),
    queued: new Gauge({
      name: 'vigil_alert_notifications_queued',
      help: 'Notifications waiting to be sent (incl. retries)',
      registers: [registry],
      collect() {
        this.set(queued());
      },
    }),
  };
}

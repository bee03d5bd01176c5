import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { publishViews } from '../read-model/views.js';
import type { AlertSeverity, OpenAlert, TargetKind } from './model.js';

/** The read model version alerts.db publishes (docs/DESIGN.md "Alerting"). */
export const ALERTS_READ_MODEL_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  id               INTEGER PRIMARY KEY,
  rule_id          INTEGER NOT NULL,
  target_kind      TEXT NOT NULL CHECK (target_kind IN ('recorder', 'site')),
  target_id        TEXT NOT NULL,
  recorder_id      TEXT,
  installation_slc TEXT NOT NULL,
  site_id          TEXT NOT NULL,
  condition_key    TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  severity         TEXT NOT NULL,
  summary          TEXT NOT NULL,
  details          TEXT NOT NULL DEFAULT '{}',
  pending_since    INTEGER NOT NULL,
  firing_since     INTEGER,
  resolved_at      INTEGER,
  inhibited        INTEGER NOT NULL DEFAULT 0,
  held             INTEGER NOT NULL DEFAULT 0,
  last_notified_at INTEGER,
  notified_count   INTEGER NOT NULL DEFAULT 0
);
-- One open alert per rule and target; an episode that ended stays as history.
CREATE UNIQUE INDEX IF NOT EXISTS alerts_open ON alerts (rule_id, target_kind, target_id) WHERE state != 'resolved';
CREATE INDEX IF NOT EXISTS alerts_recorder ON alerts (recorder_id, pending_since);
CREATE INDEX IF NOT EXISTS alerts_target ON alerts (target_kind, target_id, pending_since);
CREATE INDEX IF NOT EXISTS alerts_resolved ON alerts (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS alert_transitions (
  alert_id INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  state    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_transitions_alert ON alert_transitions (alert_id, at);
-- Which channels an alert was put on: resolutions go to them, and another rule's alert on the same
-- problem is not sent to a channel that already has it.
CREATE TABLE IF NOT EXISTS alert_notices (
  alert_id   INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  PRIMARY KEY (alert_id, channel_id)
);
-- The durable queue: a row is sent at least once. 'gathering' rows still take alerts of their group.
CREATE TABLE IF NOT EXISTS notifications (
  id              INTEGER PRIMARY KEY,
  channel_id      INTEGER NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('firing', 'resolved', 'repeat', 'test')),
  group_key       TEXT,
  alert_ids       TEXT NOT NULL DEFAULT '[]',
  test_id         INTEGER,
  created_at      INTEGER NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('gathering', 'queued', 'sent', 'failed', 'skipped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  sent_at         INTEGER,
  last_error      TEXT
);
CREATE INDEX IF NOT EXISTS notifications_due ON notifications (next_attempt_at) WHERE status IN ('gathering', 'queued');
CREATE UNIQUE INDEX IF NOT EXISTS notifications_test ON notifications (test_id) WHERE test_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS channel_status (
  channel_id      INTEGER PRIMARY KEY,
  last_attempt_at INTEGER,
  last_success_at INTEGER,
  last_failure_at INTEGER,
  last_error      TEXT
);
`;

/** The views the dashboard reads (docs/DESIGN.md "Alerting"): columns are only ever added. */
const VIEWS: Record<string, string> = {
  read_v1_alerts: `SELECT id, rule_id, target_kind, target_id, recorder_id, installation_slc, site_id, condition_key, state, severity,
    summary, details, pending_since, firing_since, resolved_at, inhibited, last_notified_at, notified_count FROM alerts`,
  read_v1_alert_transitions: 'SELECT alert_id, at, state FROM alert_transitions',
  read_v1_channel_status: 'SELECT channel_id, last_attempt_at, last_success_at, last_failure_at, last_error FROM channel_status',
  read_v1_channel_test_results: `SELECT test_id, channel_id, CASE status WHEN 'gathering' THEN 'queued' ELSE status END AS status, attempts, sent_at, last_error
    FROM notifications WHERE test_id IS NOT NULL`,
};

interface AlertRow {
  id: number;
  rule_id: number;
  target_kind: TargetKind;
  target_id: string;
  recorder_id: string | null;
  installation_slc: string;
  site_id: string;
  condition_key: string;
  state: 'pending' | 'firing';
  severity: AlertSeverity;
  summary: string;
  details: string;
  pending_since: number;
  firing_since: number | null;
  inhibited: number;
  held: number;
  last_notified_at: number | null;
  notified_count: number;
}

export interface QueuedNotification {
  id: number;
  channelId: number;
  kind: 'firing' | 'resolved' | 'repeat' | 'test';
  alertIds: number[];
  testId: number | null;
  createdAt: number;
  attempts: number;
}

/** alerts.db: the alert engine is its only writer (docs/DESIGN.md "Stores and their owners"). */
export class AlertsDb {
  readonly db: Database.Database;
  private readonly q;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const created = path !== ':memory:' && !existsSync(path);
    this.db = new Database(path);
    // Webhook payloads name customers and sites: nobody else on the host reads them.
    if (created) chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    publishViews(this.db, VIEWS, ALERTS_READ_MODEL_VERSION);
    const db = this.db;
    this.q = {
      open: db.prepare(`SELECT * FROM alerts WHERE state != 'resolved'`),
      notices: db.prepare(
        `SELECT n.alert_id AS alertId, n.channel_id AS channelId FROM alert_notices n JOIN alerts a ON a.id = n.alert_id WHERE a.state != 'resolved'`,
      ),
      insert: db.prepare(`INSERT INTO alerts (rule_id, target_kind, target_id, recorder_id, installation_slc, site_id, condition_key, state,
          severity, summary, details, pending_since, firing_since, inhibited, held)
        VALUES (@ruleId, @targetKind, @targetId, @recorderId, @installationSlc, @siteId, @conditionKey, @state,
          @severity, @summary, @details, @pendingSince, @firingSince, @inhibited, @held)`),
      update: db.prepare(`UPDATE alerts SET state = @state, severity = @severity, summary = @summary, details = @details,
          firing_since = @firingSince, inhibited = @inhibited, held = @held, last_notified_at = @lastNotifiedAt, notified_count = @notifiedCount
        WHERE id = @id`),
      resolve: db.prepare(`UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE id = ?`),
      transition: db.prepare('INSERT INTO alert_transitions (alert_id, at, state) VALUES (?, ?, ?)'),
      notice: db.prepare('INSERT OR IGNORE INTO alert_notices (alert_id, channel_id) VALUES (?, ?)'),
      enqueue: db.prepare(`INSERT INTO notifications (channel_id, kind, group_key, alert_ids, test_id, created_at, status, next_attempt_at)
        VALUES (@channelId, @kind, @groupKey, @alertIds, @testId, @createdAt, @status, @nextAttemptAt)`),
      gatherInto: db.prepare(`UPDATE notifications SET alert_ids = ? WHERE id = ? AND status = 'gathering'`),
      alertIdsOf: db.prepare('SELECT alert_ids AS alertIds FROM notifications WHERE id = ?'),
      gatheringIds: db.prepare(`SELECT alert_ids AS alertIds FROM notifications WHERE id = ? AND status = 'gathering' AND next_attempt_at > ?`),
      gathering: db.prepare(`SELECT id, group_key AS groupKey, next_attempt_at AS dueAt FROM notifications WHERE status = 'gathering'`),
      knownTests: db.prepare('SELECT test_id AS testId FROM notifications WHERE test_id IS NOT NULL'),
      due: db.prepare(`SELECT id, channel_id AS channelId, kind, alert_ids AS alertIds, test_id AS testId, created_at AS createdAt, attempts
        FROM notifications WHERE status IN ('gathering', 'queued') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`),
      nextDue: db.prepare(`SELECT min(next_attempt_at) AS at FROM notifications WHERE status IN ('gathering', 'queued')`),
      sent: db.prepare(`UPDATE notifications SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?`),
      retry: db.prepare(`UPDATE notifications SET status = 'queued', attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`),
      failed: db.prepare(`UPDATE notifications SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?`),
      skipped: db.prepare(`UPDATE notifications SET status = 'skipped', sent_at = ?, last_error = ? WHERE id = ?`),
      forgetNotice: db.prepare('DELETE FROM alert_notices WHERE alert_id = ? AND channel_id = ?'),
      channelOk: db.prepare(`INSERT INTO channel_status (channel_id, last_attempt_at, last_success_at) VALUES (?, ?, ?)
        ON CONFLICT (channel_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at`),
      channelFailed: db.prepare(`INSERT INTO channel_status (channel_id, last_attempt_at, last_failure_at, last_error) VALUES (?, ?, ?, ?)
        ON CONFLICT (channel_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_failure_at = excluded.last_failure_at,
          last_error = excluded.last_error`),
      alertsByIds: db.prepare('SELECT * FROM alerts WHERE id IN (SELECT value FROM json_each(?))'),
      pendingCount: db.prepare(`SELECT count(*) AS n FROM notifications WHERE status IN ('gathering', 'queued')`),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  openAlerts(): OpenAlert[] {
    return (this.q.open.all() as AlertRow[]).map((row) => ({
      id: row.id,
      ruleId: row.rule_id,
      targetKind: row.target_kind,
      targetId: row.target_id,
      recorderId: row.recorder_id,
      installationSlc: row.installation_slc,
      siteId: row.site_id,
      conditionKey: row.condition_key,
      state: row.state,
      severity: row.severity,
      summary: row.summary,
      subjects: (JSON.parse(row.details) as { subjects?: string[] }).subjects ?? [],
      inhibited: row.inhibited === 1,
      held: row.held === 1,
      pendingSince: row.pending_since,
      firingSince: row.firing_since,
      lastNotifiedAt: row.last_notified_at,
      notifiedCount: row.notified_count,
    }));
  }

  openNotices(): Array<{ alertId: number; channelId: number }> {
    return this.q.notices.all() as Array<{ alertId: number; channelId: number }>;
  }

  insertAlert(alert: Omit<OpenAlert, 'id'>): number {
    const info = this.q.insert.run({ ...this.row(alert) });
    const id = Number(info.lastInsertRowid);
    this.q.transition.run(id, alert.pendingSince, 'pending');
    if (alert.state === 'firing') this.q.transition.run(id, alert.firingSince, 'firing');
    return id;
  }

  updateAlert(alert: OpenAlert, transitionAt?: number): void {
    this.q.update.run({ id: alert.id, ...this.row(alert) });
    if (transitionAt !== undefined) this.q.transition.run(alert.id, transitionAt, alert.state);
  }

  resolveAlert(id: number, at: number): void {
    this.q.resolve.run(at, id);
    this.q.transition.run(id, at, 'resolved');
  }

  recordNotice(alertId: number, channelId: number): void {
    this.q.notice.run(alertId, channelId);
  }

  enqueue(row: {
    channelId: number;
    kind: QueuedNotification['kind'];
    groupKey: string | null;
    alertIds: number[];
    testId: number | null;
    createdAt: number;
    dueAt: number;
    gathering: boolean;
  }): number {
    const info = this.q.enqueue.run({
      channelId: row.channelId,
      kind: row.kind,
      groupKey: row.groupKey,
      alertIds: JSON.stringify(row.alertIds),
      testId: row.testId,
      createdAt: row.createdAt,
      status: row.gathering ? 'gathering' : 'queued',
      nextAttemptAt: row.dueAt,
    });
    return Number(info.lastInsertRowid);
  }

  /**
   * Takes an alert out of a row still gathering (it ended before the row was due); a row left with
   * none is skipped. False when the row has left (due, being sent, or sent).
   */
  withdraw(notificationId: number, alertId: number, at: number): boolean {
    const row = this.q.gatheringIds.get(notificationId, at) as { alertIds: string } | undefined;
    if (!row) return false;
    const ids = (JSON.parse(row.alertIds) as number[]).filter((id) => id !== alertId);
    if (ids.length === 0) this.q.skipped.run(at, 'not sent: every alert in it ended within the grouping window', notificationId);
    else this.q.gatherInto.run(JSON.stringify(ids), notificationId);
    return true;
  }

  /** Adds an alert to a group still gathering; false when the group has left (sent or being sent). */
  gatherInto(notificationId: number, alertId: number): boolean {
    const row = this.q.alertIdsOf.get(notificationId) as { alertIds: string } | undefined;
    if (!row) return false;
    const ids = JSON.parse(row.alertIds) as number[];
    if (!ids.includes(alertId)) ids.push(alertId);
    return this.q.gatherInto.run(JSON.stringify(ids), notificationId).changes === 1;
  }

  gatheringGroups(): Array<{ id: number; groupKey: string; dueAt: number }> {
    return this.q.gathering.all() as Array<{ id: number; groupKey: string; dueAt: number }>;
  }

  knownTestIds(): Set<number> {
    return new Set((this.q.knownTests.all() as Array<{ testId: number }>).map((row) => row.testId));
  }

  due(now: number, limit: number): QueuedNotification[] {
    return (this.q.due.all(now, limit) as Array<Omit<QueuedNotification, 'alertIds'> & { alertIds: string }>).map((row) => ({
      ...row,
      alertIds: JSON.parse(row.alertIds) as number[],
    }));
  }

  nextDueAt(): number | null {
    return (this.q.nextDue.get() as { at: number | null }).at;
  }

  pendingNotifications(): number {
    return (this.q.pendingCount.get() as { n: number }).n;
  }

  markSent(id: number, channelId: number, at: number): void {
    this.transaction(() => {
      this.q.sent.run(at, id);
      this.q.channelOk.run(channelId, at, at);
    });
  }

  markRetry(id: number, channelId: number, at: number, nextAttemptAt: number, error: string): void {
    this.transaction(() => {
      this.q.retry.run(nextAttemptAt, error, id);
      this.q.channelFailed.run(channelId, at, at, error);
    });
  }

  /** Nothing left to say by the time it was due (every alert in it inhibited): not sent, and why. */
  markSkipped(id: number, at: number, why: string): void {
    this.q.skipped.run(at, why, id);
  }

  forgetNotice(alertId: number, channelId: number): void {
    this.q.forgetNotice.run(alertId, channelId);
  }

  markFailed(id: number, channelId: number | null, at: number, error: string): void {
    this.transaction(() => {
      this.q.failed.run(error, id);
      if (channelId !== null) this.q.channelFailed.run(channelId, at, at, error);
    });
  }

  alertsByIds(ids: number[]): Array<{
    id: number;
    inhibited: number;
    rule_id: number;
    target_kind: TargetKind;
    target_id: string;
    recorder_id: string | null;
    installation_slc: string;
    site_id: string;
    condition_key: string;
    state: string;
    severity: AlertSeverity;
    summary: string;
    pending_since: number;
    firing_since: number | null;
    resolved_at: number | null;
  }> {
    return this.q.alertsByIds.all(JSON.stringify(ids)) as never;
  }

  close(): void {
    this.db.close();
  }

  private row(alert: Omit<OpenAlert, 'id'>) {
    return {
      ruleId: alert.ruleId,
      targetKind: alert.targetKind,
      targetId: alert.targetId,
      recorderId: alert.recorderId,
      installationSlc: alert.installationSlc,
      siteId: alert.siteId,
      conditionKey: alert.conditionKey,
      state: alert.state,
      severity: alert.severity,
      summary: alert.summary,
      details: JSON.stringify({ subjects: alert.subjects }),
      pendingSince: alert.pendingSince,
      firingSince: alert.firingSince,
      inhibited: alert.inhibited ? 1 : 0,
      held: alert.held ? 1 : 0,
      lastNotifiedAt: alert.lastNotifiedAt,
      notifiedCount: alert.notifiedCount,
    };
  }
}

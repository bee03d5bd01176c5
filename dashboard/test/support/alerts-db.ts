import Database from 'better-sqlite3';

/**
 * alerts.db as the ingestor's alert engine publishes it (docs/DESIGN.md "Alerting", "The two
 * stores' views"): tables of our own behind views with exactly the documented columns, so the
 * dashboard's reads are checked against the contract, not against the engine's tables.
 */
export interface AlertFixtureRow {
  id: number;
  rule_id: number;
  target_kind: 'recorder' | 'site';
  target_id: string;
  recorder_id: string | null;
  installation_slc: string;
  site_id: string;
  condition_key: string;
  state: 'pending' | 'firing' | 'resolved';
  severity: string;
  summary: string;
  details?: string;
  pending_since: number;
  firing_since: number | null;
  resolved_at: number | null;
  inhibited?: 0 | 1;
  last_notified_at?: number | null;
  notified_count?: number;
}

export class AlertsDbWriter {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS t_alerts (id INTEGER PRIMARY KEY, rule_id INTEGER, target_kind TEXT, target_id TEXT, recorder_id TEXT,
        installation_slc TEXT, site_id TEXT, condition_key TEXT, state TEXT, severity TEXT, summary TEXT, details TEXT, pending_since INTEGER,
        firing_since INTEGER, resolved_at INTEGER, inhibited INTEGER, last_notified_at INTEGER, notified_count INTEGER);
      CREATE TABLE IF NOT EXISTS t_transitions (alert_id INTEGER, at INTEGER, state TEXT);
      CREATE TABLE IF NOT EXISTS t_channel_status (channel_id INTEGER PRIMARY KEY, last_attempt_at INTEGER, last_success_at INTEGER, last_failure_at INTEGER, last_error TEXT);
      CREATE TABLE IF NOT EXISTS t_test_results (test_id INTEGER PRIMARY KEY, channel_id INTEGER, status TEXT, attempts INTEGER, sent_at INTEGER, last_error TEXT);
      CREATE VIEW IF NOT EXISTS read_v1_alerts AS SELECT id, rule_id, target_kind, target_id, recorder_id, installation_slc, site_id, condition_key, state,
        severity, summary, details, pending_since, firing_since, resolved_at, inhibited, last_notified_at, notified_count FROM t_alerts;
      CREATE VIEW IF NOT EXISTS read_v1_alert_transitions AS SELECT alert_id, at, state FROM t_transitions;
      CREATE VIEW IF NOT EXISTS read_v1_channel_status AS SELECT channel_id, last_attempt_at, last_success_at, last_failure_at, last_error FROM t_channel_status;
      CREATE VIEW IF NOT EXISTS read_v1_channel_test_results AS SELECT test_id, channel_id, status, attempts, sent_at, last_error FROM t_test_results;
    `);
  }

  /** Writes (or replaces) an alert, with a transition for each time it has. */
  alert(row: AlertFixtureRow): void {
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT OR REPLACE INTO t_alerts VALUES (@id, @rule_id, @target_kind, @target_id, @recorder_id, @installation_slc, @site_id, @condition_key,
          @state, @severity, @summary, @details, @pending_since, @firing_since, @resolved_at, @inhibited, @last_notified_at, @notified_count)`)
        .run({ details: '{}', inhibited: 0, last_notified_at: null, notified_count: 0, ...row });
      this.db.prepare('DELETE FROM t_transitions WHERE alert_id = ?').run(row.id);
      const add = this.db.prepare('INSERT INTO t_transitions VALUES (?, ?, ?)');
      add.run(row.id, row.pending_since, 'pending');
      if (row.firing_since !== null) add.run(row.id, row.firing_since, 'firing');
      if (row.resolved_at !== null) add.run(row.id, row.resolved_at, 'resolved');
    })();
  }

  channelStatus(channelId: number, status: { lastSuccessAt?: number | null; lastFailureAt?: number | null; lastError?: string | null }): void {
    this.db
      .prepare('INSERT OR REPLACE INTO t_channel_status VALUES (?, ?, ?, ?, ?)')
      .run(channelId, Date.now(), status.lastSuccessAt ?? null, status.lastFailureAt ?? null, status.lastError ?? null);
  }

  testResult(testId: number, channelId: number, status: 'queued' | 'sent' | 'failed', sentAt: number | null, lastError: string | null = null): void {
    this.db.prepare('INSERT OR REPLACE INTO t_test_results VALUES (?, ?, ?, 1, ?, ?)').run(testId, channelId, status, sentAt, lastError);
  }

  close(): void {
    this.db.close();
  }
}

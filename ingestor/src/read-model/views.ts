import type Database from 'better-sqlite3';

/**
 * The read model: the only part of fleet.db that another process (the dashboard) may read.
 * fleet.db's tables belong to the ingestor and change with it; these views are a published
 * contract. A view of a published version only ever gains columns (a reader names the columns it
 * reads, so one it does not know changes nothing for it); a column is never renamed, removed or
 * given another meaning: a reader that needs that gets a new version (read_v2_*), published beside
 * the old one until no reader uses it.
 */
export const READ_MODEL_VERSION = 1;

/** The views of READ_MODEL_VERSION, by name: what the dashboard needs, nothing more. */
export const READ_MODEL_VIEWS = {
  /**
   * Every recorder with its inventory, derived state and cover; `clock_offset_ms`: how far behind
   * ours its agent's clock is (ms, negative when ahead) while the ingestor corrects its times, NULL
   * when its clock is within tolerance or not known.
   */
  recorders: 'read_v1_recorders',
  /** Sites unreachable as a whole right now, since when (site correlation). */
  unreachableSites: 'read_v1_unreachable_sites',
  /** Conditions raised and not yet cleared. */
  conditions: 'read_v1_conditions',
  /** Recent events, folded per (recorder, code, subject); readers pick their own window on last_seen. */
  events: 'read_v1_events',
  /** The latest reading of every drive. */
  disks: 'read_v1_disks',
  /** The latest reading of every watched service (running: 0 or 1). */
  services: 'read_v1_services',
  /** Every state change, for availability timelines. */
  stateChanges: 'read_v1_state_changes',
  /**
   * Events that are active problems: since the episode's first occurrence, until `expires_at`
   * (its last occurrence plus its code's lifetime) unless it happens again.
   */
  eventProblems: 'read_v1_event_problems',
  /** Problems raised and cleared (kind condition or event): started_at, ended_at, count (events). */
  problemHistory: 'read_v1_problem_history',
  /**
   * The ingestor's health, at most one row: `outbox_stalled_since` (ms; NULL while the telemetry
   * outbox drains), `outbox_points` and `outbox_last_error` as of then, `updated_at`.
   */
  ingestorHealth: 'read_v1_ingestor_health',
} as const;

const V = READ_MODEL_VIEWS;

const VIEW_SELECTS: Record<(typeof V)[keyof typeof V], string> = {
  // Plain projections only: SQLite flattens them into the reader's query, so the reader's plans
  // (and the dashboard's list, docs/BENCHMARKS.md "Dashboard") are those of the tables themselves.
  [V.recorders]: `SELECT id, name, installation_slc, installation_name, site_id, site_name, latitude, longitude,
  failover_partner, agent_version, vms_product, vms_version, hostname, camera_count, licensed_cameras,
  state, state_since, last_seen, covered_by, clock_offset_ms FROM recorders`,
  [V.unreachableSites]: `SELECT installation_slc, site_id, unreachable_since FROM site_states`,
  [V.conditions]: `SELECT recorder_id, code, subject, severity, message, since FROM conditions WHERE active = 1`,
  [V.events]: `SELECT recorder_id, code, subject, severity, message, first_seen, last_seen, count FROM events`,
  [V.disks]: `SELECT recorder_id, path, total_bytes, free_bytes, at FROM latest_disks`,
  [V.services]: `SELECT recorder_id, name, running, at FROM latest_services`,
  [V.stateChanges]: `SELECT recorder_id, since, state FROM state_changes`,
  [V.eventProblems]: `SELECT recorder_id, code, subject, severity, message, since, last_seen, count, expires_at FROM event_problems`,
  [V.problemHistory]: `SELECT recorder_id, kind, code, subject, severity, message, started_at, ended_at, count FROM problem_history`,
  [V.ingestorHealth]: `SELECT outbox_stalled_since, outbox_points, outbox_last_error, updated_at FROM ingestor_health`,
};

/**
 * Creates (or brings up to date) the read model's views and records its version, in one
 * transaction: a reader that sees the version sees every view. Called by FleetDb's migration,
 * after the tables exist; it writes nothing when everything is in place already.
 */
export function publishReadModel(db: Database.Database): void {
  publishViews(db, VIEW_SELECTS, READ_MODEL_VERSION);
}

/**
 * How every Vigil store publishes the views other processes read (fleet.db, dashboard.db,
 * alerts.db): each view created, or replaced if this build defines it otherwise, and the version
 * recorded in `read_model`, in one transaction.
 */
export function publishViews(db: Database.Database, selects: Record<string, string>, version: number): void {
  const existingView = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?").pluck();
  db.transaction(() => {
    for (const [name, select] of Object.entries(selects)) {
      const sql = `CREATE VIEW ${name} AS ${select}`;
      const existing = existingView.get(name) as string | undefined;
      if (existing === sql) continue;
      // A view edited during development: the file must serve the definition of this build.
      if (existing !== undefined) db.exec(`DROP VIEW ${name}`);
      db.exec(sql);
    }
    db.exec('CREATE TABLE IF NOT EXISTS read_model (version INTEGER PRIMARY KEY)');
    db.prepare('INSERT OR IGNORE INTO read_model (version) VALUES (?)').run(version);
  })();
}

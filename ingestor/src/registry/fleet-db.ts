import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { publishReadModel } from '../read-model/views.js';
import { DEFAULT_EVENT_LIFETIMES_MS, DEFAULT_LIFETIME_MS, DEGRADING_EVENT_SEVERITIES } from '../state/problem-lifetimes.js';

export type RecorderStateName = 'online' | 'degraded' | 'unavailable' | 'offline' | 'stopped';

export const RECORDER_STATES: readonly RecorderStateName[] = ['online', 'degraded', 'unavailable', 'offline', 'stopped'];

export interface RecorderRow {
  id: string;
  name: string;
  installationSlc: string;
  installationName: string;
  siteId: string;
  siteName: string;
  latitude: number | null;
  longitude: number | null;
  failoverPartner: string;
  agentVersion: string;
  vmsProduct: string;
  vmsVersion: string;
  hostname: string;
  cameraCount: number;
  licensedCameras: number;
  heartbeatSeconds: number;
  bdSeq: number;
  /** The spool epoch of the agent instance whose session bdSeq numbers ('' when not known). */
  sessionEpoch: string;
  /** Epochs of the recorder's earlier agent instances, newest first (JSON array): their sessions are over. */
  earlierEpochs: string;
  state: RecorderStateName;
  stateSince: number;
  lastSeen: number | null;
  lastSeq: number;
  /** The failover partner's id while that partner is online or degraded (still recording), else null. */
  coveredBy: string | null;
}

/** A site whose every recorder went unavailable within one window: most likely its network, not its recorders. */
export interface UnreachableSite {
  installationSlc: string;
  siteId: string;
  since: number;
}

export interface StateChangeRow {
  state: RecorderStateName;
  since: number;
}

export interface ConditionRow {
  recorderId: string;
  code: string;
  subject: string;
  severity: string;
  message: string;
  since: number;
}

export interface ConditionChangeRow {
  recorderId: string;
  code: string;
  subject: string;
  active: boolean;
  at: number;
  severity: string;
  message: string;
}

export interface EventRow {
  recorderId: string;
  code: string;
  subject: string;
  severity: string;
  message: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

/** A problem that was raised and has cleared: a condition cleared, or an event past its lifetime. */
export interface ProblemHistoryRow {
  recorderId: string;
  kind: 'condition' | 'event';
  code: string;
  subject: string;
  severity: string;
  message: string;
  startedAt: number;
  endedAt: number;
  /** Events: how many occurrences the episode held; conditions: null. */
  count: number | null;
}

/** An event that is an active problem: since its first occurrence, until expiresAt unless it happens again. */
export interface EventProblemRow {
  code: string;
  subject: string;
  severity: string;
  message: string;
  since: number;
  lastSeen: number;
  count: number;
  expiresAt: number;
}

/** What recording an event did to the recorder's active problems. */
export type EventOutcome = 'raised' | 'extended' | 'past';

/** A drive's latest reading; `path` as the time series tags it (no trailing backslash). */
export interface DiskRow {
  path: string;
  totalBytes: number;
  freeBytes: number;
  at: number;
}

export interface ServiceRow {
  name: string;
  running: boolean;
  at: number;
}

/** What a birth tells us about a recorder: its registry row minus what we derive ourselves. */
export type BirthFacts = Omit<
  RecorderRow,
  'state' | 'stateSince' | 'lastSeen' | 'lastSeq' | 'latitude' | 'longitude' | 'coveredBy' | 'sessionEpoch' | 'earlierEpochs'
> & {
  latitude: number;
  longitude: number;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS recorders (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL DEFAULT '',
  installation_slc  TEXT NOT NULL DEFAULT '',
  installation_name TEXT NOT NULL DEFAULT '',
  site_id           TEXT NOT NULL DEFAULT '',
  site_name         TEXT NOT NULL DEFAULT '',
  latitude          REAL,
  longitude         REAL,
  failover_partner  TEXT NOT NULL DEFAULT '',
  agent_version     TEXT NOT NULL DEFAULT '',
  vms_product       TEXT NOT NULL DEFAULT '',
  vms_version       TEXT NOT NULL DEFAULT '',
  hostname          TEXT NOT NULL DEFAULT '',
  camera_count      INTEGER NOT NULL DEFAULT 0,
  licensed_cameras  INTEGER NOT NULL DEFAULT 0,
  heartbeat_seconds INTEGER NOT NULL DEFAULT 30,
  bd_seq            INTEGER NOT NULL DEFAULT 0,
  state             TEXT NOT NULL DEFAULT 'offline',
  state_since       INTEGER NOT NULL DEFAULT 0,
  last_seen         INTEGER,
  last_seq          INTEGER NOT NULL DEFAULT 0,
  spool_epoch       TEXT NOT NULL DEFAULT '',
  acked_seq         INTEGER NOT NULL DEFAULT 0,
  covered_by        TEXT
);
CREATE INDEX IF NOT EXISTS recorders_installation ON recorders (installation_slc);
-- Every state change updates the cover of the recorders its recorder covers (bench/alerts: a scan cost 1 ms at 10,000 recorders).
CREATE INDEX IF NOT EXISTS recorders_failover_partner ON recorders (failover_partner) WHERE failover_partner != '';
-- Every state change, for availability timelines (also written to the time series).
CREATE TABLE IF NOT EXISTS state_changes (
  recorder_id TEXT NOT NULL,
  since       INTEGER NOT NULL,
  state       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS state_changes_recorder ON state_changes (recorder_id, since);
-- Sites currently unreachable as a whole (site correlation); a row is removed when the site recovers.
CREATE TABLE IF NOT EXISTS site_states (
  installation_slc TEXT NOT NULL,
  site_id          TEXT NOT NULL,
  unreachable_since INTEGER NOT NULL,
  PRIMARY KEY (installation_slc, site_id)
);
-- The latest change of every (recorder, code, subject) condition, active or cleared: a change
-- older than the stored one is ignored, so late or re-sent batches never undo a newer state.
CREATE TABLE IF NOT EXISTS conditions (
  recorder_id TEXT NOT NULL,
  code        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  severity    TEXT NOT NULL,
  message     TEXT NOT NULL,
  since       INTEGER NOT NULL,
  active      INTEGER NOT NULL DEFAULT 1,
  changed_at  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (recorder_id, code, subject)
);
-- Recent events, folded per (recorder, code, subject): they age out of the problem list.
CREATE TABLE IF NOT EXISTS events (
  recorder_id TEXT NOT NULL,
  code        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  severity    TEXT NOT NULL,
  message     TEXT NOT NULL,
  first_seen  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  count       INTEGER NOT NULL,
  PRIMARY KEY (recorder_id, code, subject)
);
-- Events as problems with a lifetime: one episode per (recorder, code, subject), active from its
-- first occurrence until its lifetime after the last one (expires_at), then moved to problem_history.
CREATE TABLE IF NOT EXISTS event_problems (
  recorder_id TEXT NOT NULL,
  code        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  severity    TEXT NOT NULL,
  message     TEXT NOT NULL,
  since       INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  count       INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (recorder_id, code, subject)
);
CREATE INDEX IF NOT EXISTS event_problems_expiry ON event_problems (expires_at);
-- Every problem that was raised and has cleared, with its start and end ("what happened overnight").
CREATE TABLE IF NOT EXISTS problem_history (
  recorder_id TEXT NOT NULL,
  kind        TEXT NOT NULL,
  code        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  severity    TEXT NOT NULL,
  message     TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER NOT NULL,
  count       INTEGER
);
CREATE INDEX IF NOT EXISTS problem_history_recorder ON problem_history (recorder_id, ended_at);
-- The latest reading of every drive and service, so readers need not scan the time series.
CREATE TABLE IF NOT EXISTS latest_disks (
  recorder_id TEXT NOT NULL,
  path        TEXT NOT NULL,  -- as a tag value: no trailing backslash (pipeline/points.ts drivePathTag)
  total_bytes INTEGER NOT NULL,
  free_bytes  INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (recorder_id, path)
);
CREATE TABLE IF NOT EXISTS latest_services (
  recorder_id TEXT NOT NULL,
  name        TEXT NOT NULL,
  running     INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (recorder_id, name)
);
-- The ingestor's own health as other processes (the dashboard) need it: one row, written when
-- the telemetry outbox starts or stops being stalled (pipeline/outbox-drain.ts).
CREATE TABLE IF NOT EXISTS ingestor_health (
  id                   INTEGER PRIMARY KEY CHECK (id = 1),
  outbox_stalled_since INTEGER,  -- NULL: draining (or empty)
  outbox_points        INTEGER NOT NULL,
  outbox_last_error    TEXT,
  updated_at           INTEGER NOT NULL
);
`;

/** Columns added after the first release, for databases created before them (and how to fill them in). */
const ADDED_COLUMNS: Array<[table: string, column: string, definition: string, fill?: string]> = [
  ['recorders', 'spool_epoch', "TEXT NOT NULL DEFAULT ''"],
  ['recorders', 'acked_seq', 'INTEGER NOT NULL DEFAULT 0'],
  ['conditions', 'active', 'INTEGER NOT NULL DEFAULT 1'],
  ['conditions', 'changed_at', 'INTEGER NOT NULL DEFAULT 0'],
  ['recorders', 'covered_by', 'TEXT'],
  ['recorders', 'licence_at', 'INTEGER NOT NULL DEFAULT 0'],
  ['recorders', 'discards_seen', 'TEXT'],
  ['recorders', 'clock_offset_ms', 'INTEGER'],
  // The spool acknowledged last is the agent instance's whose session bd_seq numbers, as far as we know.
  ['recorders', 'session_epoch', "TEXT NOT NULL DEFAULT ''", 'UPDATE recorders SET session_epoch = spool_epoch'],
  ['recorders', 'earlier_epochs', "TEXT NOT NULL DEFAULT '[]'"],
];

const RECORDER_COLUMNS = `
  id, name, installation_slc AS installationSlc, installation_name AS installationName,
  site_id AS siteId, site_name AS siteName, latitude, longitude, failover_partner AS failoverPartner,
  agent_version AS agentVersion, vms_product AS vmsProduct, vms_version AS vmsVersion, hostname,
  camera_count AS cameraCount, licensed_cameras AS licensedCameras, heartbeat_seconds AS heartbeatSeconds,
  bd_seq AS bdSeq, session_epoch AS sessionEpoch, earlier_epochs AS earlierEpochs, state, state_since AS stateSince, last_seen AS lastSeen, last_seq AS lastSeq, covered_by AS coveredBy`;

/**
 * The fleet registry: every recorder the ingestor has heard of, its inventory, derived state and
 * active conditions. Written by the ingestor only; other processes (the dashboard) read only its
 * read model (../read-model/), through a read-only connection (WAL mode lets readers run beside
 * the writer).
 */
export class FleetDb {
  readonly db: Database.Database;
  private readonly statements;

  constructor(path: string, options: { readonly?: boolean } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    if (!options.readonly) this.migrate();
    const db = this.db;
    this.statements = {
      upsertBirth: db.prepare(`
        INSERT INTO recorders (id, name, installation_slc, installation_name, site_id, site_name, latitude, longitude,
          failover_partner, agent_version, vms_product, vms_version, hostname, camera_count, licensed_cameras,
          heartbeat_seconds, bd_seq, state, state_since, last_seen)
        VALUES (@id, @name, @installationSlc, @installationName, @siteId, @siteName, @latitude, @longitude,
          @failoverPartner, @agentVersion, @vmsProduct, @vmsVersion, @hostname, @cameraCount, @licensedCameras,
          @heartbeatSeconds, @bdSeq, 'offline', 0, NULL)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, installation_slc = excluded.installation_slc,
          installation_name = excluded.installation_name, site_id = excluded.site_id, site_name = excluded.site_name,
          latitude = excluded.latitude, longitude = excluded.longitude, failover_partner = excluded.failover_partner,
          agent_version = excluded.agent_version, vms_product = excluded.vms_product, vms_version = excluded.vms_version,
          hostname = excluded.hostname, camera_count = excluded.camera_count, licensed_cameras = excluded.licensed_cameras,
          heartbeat_seconds = excluded.heartbeat_seconds`),
      ensure: db.prepare(`INSERT INTO recorders (id, state_since) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`),
      setState: db.prepare(`UPDATE recorders SET state = ?, state_since = ? WHERE id = ?`),
      logStateChange: db.prepare('INSERT INTO state_changes (recorder_id, since, state) VALUES (?, ?, ?)'),
      stateChangesOf: db.prepare(`
        SELECT state, since FROM state_changes WHERE recorder_id = @id AND since BETWEEN @from AND @to
        UNION ALL
        SELECT * FROM (SELECT state, since FROM state_changes WHERE recorder_id = @id AND since < @from ORDER BY since DESC LIMIT 1)
        ORDER BY since`),
      // A recorder is covered while its failover partner still talks to us (online or degraded).
      coverByPartner: db.prepare(
        `UPDATE recorders SET covered_by = CASE WHEN @state IN ('online', 'degraded') THEN @id ELSE NULL END WHERE failover_partner = @id AND failover_partner <> ''`,
      ),
      coverFromPartner: db.prepare(
        `UPDATE recorders SET covered_by = (SELECT p.id FROM recorders p WHERE p.id = recorders.failover_partner AND p.state IN ('online', 'degraded')) WHERE id = ?`,
      ),
      unreachableSites: db.prepare(
        'SELECT installation_slc AS installationSlc, site_id AS siteId, unreachable_since AS since FROM site_states ORDER BY unreachable_since',
      ),
      markSiteUnreachable: db.prepare('INSERT INTO site_states (installation_slc, site_id, unreachable_since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      clearSiteUnreachable: db.prepare('DELETE FROM site_states WHERE installation_slc = ? AND site_id = ?'),
      setSession: db.prepare(`UPDATE recorders SET bd_seq = ?, session_epoch = ?, earlier_epochs = ? WHERE id = ?`),
      touch: db.prepare(`UPDATE recorders SET last_seen = ?, last_seq = MAX(last_seq, ?) WHERE id = ?`),
      discardsSeen: db.prepare('SELECT discards_seen FROM recorders WHERE id = ?').pluck(),
      setDiscardsSeen: db.prepare('UPDATE recorders SET discards_seen = ? WHERE id = ?'),
      clockOffset: db.prepare('SELECT clock_offset_ms FROM recorders WHERE id = ?').pluck(),
      setClockOffset: db.prepare('UPDATE recorders SET clock_offset_ms = ? WHERE id = ?'),
      touchWithSpool: db.prepare(`UPDATE recorders SET last_seen = ?, last_seq = MAX(last_seq, ?), spool_epoch = ?, acked_seq = ? WHERE id = ?`),
      all: db.prepare(`SELECT ${RECORDER_COLUMNS} FROM recorders ORDER BY id`),
      one: db.prepare(`SELECT ${RECORDER_COLUMNS} FROM recorders WHERE id = ?`),
      condition: db.prepare(
        'SELECT active, changed_at AS changedAt, since, severity, message FROM conditions WHERE recorder_id = ? AND code = ? AND subject = ?',
      ),
      putHistory: db.prepare(`INSERT INTO problem_history (recorder_id, kind, code, subject, severity, message, started_at, ended_at, count)
        VALUES (@recorderId, @kind, @code, @subject, @severity, @message, @startedAt, @endedAt, @count)`),
      historyOf: db.prepare(`SELECT recorder_id AS recorderId, kind, code, subject, severity, message, started_at AS startedAt, ended_at AS endedAt, count
        FROM problem_history WHERE recorder_id = ? AND ended_at >= ? AND started_at <= ? ORDER BY started_at, code, subject`),
      eventProblem: db.prepare(
        'SELECT since, last_seen AS lastSeen, expires_at AS expiresAt FROM event_problems WHERE recorder_id = ? AND code = ? AND subject = ?',
      ),
      putEventProblem: db.prepare(`
        INSERT INTO event_problems (recorder_id, code, subject, severity, message, since, last_seen, count, expires_at)
        VALUES (@recorderId, @code, @subject, @severity, @message, @firstSeen, @lastSeen, @count, @expiresAt)
        ON CONFLICT (recorder_id, code, subject) DO UPDATE SET severity = excluded.severity, message = excluded.message,
          since = MIN(event_problems.since, excluded.since), last_seen = MAX(event_problems.last_seen, excluded.last_seen),
          count = event_problems.count + excluded.count, expires_at = MAX(event_problems.expires_at, excluded.expires_at)`),
      expiredEventProblems: db.prepare(`SELECT recorder_id AS recorderId, 'event' AS kind, code, subject, severity, message, since AS startedAt,
        expires_at AS endedAt, count FROM event_problems WHERE expires_at <= ? ORDER BY recorder_id`),
      deleteEventProblem: db.prepare('DELETE FROM event_problems WHERE recorder_id = ? AND code = ? AND subject = ?'),
      eventProblemsOf: db.prepare(`SELECT code, subject, severity, message, since, last_seen AS lastSeen, count, expires_at AS expiresAt
        FROM event_problems WHERE recorder_id = ? ORDER BY since`),
      activeProblemCount: db
        .prepare(`SELECT (SELECT COUNT(*) FROM conditions WHERE recorder_id = @id AND active = 1)
        + (SELECT COUNT(*) FROM event_problems WHERE recorder_id = @id AND severity IN (${DEGRADING_EVENT_SEVERITIES.map((s) => `'${s}'`).join(', ')}))`)
        .pluck(),
      activeProblemCounts: db.prepare(`SELECT recorder_id AS recorderId, COUNT(*) AS n FROM (
          SELECT recorder_id FROM conditions WHERE active = 1
          UNION ALL SELECT recorder_id FROM event_problems WHERE severity IN (${DEGRADING_EVENT_SEVERITIES.map((s) => `'${s}'`).join(', ')})
        ) GROUP BY recorder_id`),
      putCondition: db.prepare(`
        INSERT INTO conditions (recorder_id, code, subject, severity, message, since, active, changed_at) VALUES (@recorderId, @code, @subject, @severity, @message, @at, @active, @at)
        ON CONFLICT (recorder_id, code, subject) DO UPDATE SET severity = excluded.severity, message = excluded.message,
          since = CASE WHEN conditions.active = excluded.active THEN conditions.since ELSE excluded.since END,
          active = excluded.active, changed_at = excluded.changed_at`),
      conditionsOf: db.prepare(
        `SELECT recorder_id AS recorderId, code, subject, severity, message, since FROM conditions WHERE recorder_id = ? AND active = 1 ORDER BY since`,
      ),
      allConditions: db.prepare(`SELECT recorder_id AS recorderId, code, subject, severity, message, since FROM conditions WHERE active = 1 ORDER BY since`),
      putEvent: db.prepare(`
        INSERT INTO events (recorder_id, code, subject, severity, message, first_seen, last_seen, count)
        VALUES (@recorderId, @code, @subject, @severity, @message, @firstSeen, @lastSeen, @count)
        ON CONFLICT (recorder_id, code, subject) DO UPDATE SET severity = excluded.severity, message = excluded.message,
          first_seen = MIN(events.first_seen, excluded.first_seen), last_seen = MAX(events.last_seen, excluded.last_seen),
          count = events.count + excluded.count`),
      eventsOf: db.prepare(
        `SELECT code, subject, severity, message, first_seen AS firstSeen, last_seen AS lastSeen, count FROM events WHERE recorder_id = ? AND last_seen >= ? ORDER BY last_seen DESC`,
      ),
      spoolPosition: db.prepare('SELECT spool_epoch AS epoch, acked_seq AS ackedSeq FROM recorders WHERE id = ?'),
      setSpoolPosition: db.prepare('UPDATE recorders SET spool_epoch = ?, acked_seq = ? WHERE id = ?'),
      // Latest readings: a late (backfilled or re-sent) reading never replaces a newer one.
      putDisk: db.prepare(`
        INSERT INTO latest_disks (recorder_id, path, total_bytes, free_bytes, at) VALUES (@recorderId, @path, @totalBytes, @freeBytes, @at)
        ON CONFLICT (recorder_id, path) DO UPDATE SET total_bytes = excluded.total_bytes, free_bytes = excluded.free_bytes, at = excluded.at
        WHERE excluded.at >= latest_disks.at`),
      putService: db.prepare(`
        INSERT INTO latest_services (recorder_id, name, running, at) VALUES (@recorderId, @name, @running, @at)
        ON CONFLICT (recorder_id, name) DO UPDATE SET running = excluded.running, at = excluded.at
        WHERE excluded.at >= latest_services.at`),
      putLicence: db.prepare('UPDATE recorders SET camera_count = ?, licensed_cameras = ?, licence_at = ? WHERE id = ? AND licence_at <= ?'),
      disksOf: db.prepare('SELECT path, total_bytes AS totalBytes, free_bytes AS freeBytes, at FROM latest_disks WHERE recorder_id = ? ORDER BY path'),
      servicesOf: db.prepare('SELECT name, running, at FROM latest_services WHERE recorder_id = ? ORDER BY name'),
    };
  }

  recordBirth(facts: BirthFacts): void {
    this.statements.upsertBirth.run(facts);
  }

  ensureRecorder(id: string, now: number): void {
    this.statements.ensure.run(id, now);
  }

  /** Sets the state, logs the change for timelines and updates the cover of recorders that name it as partner. */
  setState(id: string, state: RecorderStateName, since: number): void {
    this.statements.setState.run(state, since, id);
    this.statements.logStateChange.run(id, since, state);
    this.statements.coverByPartner.run({ id, state });
  }

  /** After a birth (the partner may have changed): whether the partner covers this recorder now. */
  refreshCover(id: string): void {
    this.statements.coverFromPartner.run(id);
  }

  /** State changes in [from, to], preceded by the state in force at `from`, oldest first. */
  stateChangesOf(recorderId: string, from: number, to: number): StateChangeRow[] {
    return this.statements.stateChangesOf.all({ id: recorderId, from, to }) as StateChangeRow[];
  }

  unreachableSites(): UnreachableSite[] {
    return this.statements.unreachableSites.all() as UnreachableSite[];
  }

  markSiteUnreachable(installationSlc: string, siteId: string, since: number): void {
    this.statements.markSiteUnreachable.run(installationSlc, siteId, since);
  }

  clearSiteUnreachable(installationSlc: string, siteId: string): void {
    this.statements.clearSiteUnreachable.run(installationSlc, siteId);
  }

  /** The recorder's current session, and the epochs of its earlier agent instances (newest first). */
  setSession(id: string, bdSeq: number, epoch: string, earlierEpochs: readonly string[]): void {
    this.statements.setSession.run(bdSeq, epoch, JSON.stringify(earlierEpochs), id);
  }

  touch(id: string, lastSeen: number, seq: number): void {
    this.statements.touch.run(lastSeen, seq, id);
  }

  /** What the agent-dropped problem knows of a recorder's discard counters (JSON), kept across restarts. */
  discardsSeenOf(id: string): string | undefined {
    return (this.statements.discardsSeen.get(id) as string | null | undefined) ?? undefined;
  }

  setDiscardsSeen(id: string, json: string): void {
    this.statements.setDiscardsSeen.run(json, id);
  }

  /**
   * The correction added to the recorder's observation times because its clock is off
   * (pipeline/clock-offsets.ts): receive time minus the agent's send time, in ms; 0 when its clock
   * is within tolerance or not known yet. Kept so a batch arriving right after a restart is corrected.
   */
  clockOffsetOf(id: string): number {
    return (this.statements.clockOffset.get(id) as number | null | undefined) ?? 0;
  }

  /** 0 is stored as NULL: no correction. */
  setClockOffset(id: string, offsetMs: number): void {
    this.statements.setClockOffset.run(offsetMs === 0 ? null : offsetMs, id);
  }

  /** `touch` and `setSpoolPosition` in one statement: a stored data batch does both, on the same row. */
  touchWithSpoolPosition(id: string, lastSeen: number, seq: number, epoch: string, ackedSeq: number): void {
    this.statements.touchWithSpool.run(lastSeen, seq, epoch, ackedSeq, id);
  }

  /**
   * Applies a condition change unless a newer one is already stored; true when applied. A clear of
   * an active condition keeps the episode in problem_history (raised at its since, cleared now).
   * A raise older than the clear already stored (its batch lost at a broker restart and sent again
   * after later ones) changes nothing now, but the episode happened: it goes to the history, ended
   * by that clear.
   */
  applyCondition(change: ConditionChangeRow): boolean {
    const current = this.statements.condition.get(change.recorderId, change.code, change.subject) as
      | { active: number; changedAt: number; since: number; severity: string; message: string }
      | undefined;
    if (current && current.changedAt > change.at) {
      if (change.active && current.active === 0) {
        this.statements.putHistory.run({
          recorderId: change.recorderId,
          kind: 'condition',
          code: change.code,
          subject: change.subject,
          severity: change.severity,
          message: change.message,
          startedAt: change.at,
          endedAt: current.changedAt,
          count: null,
        });
      }
      return false;
    }
    this.statements.putCondition.run({ ...change, active: change.active ? 1 : 0 });
    if (current?.active === 1 && !change.active) {
      this.statements.putHistory.run({
        recorderId: change.recorderId,
        kind: 'condition',
        code: change.code,
        subject: change.subject,
        severity: current.severity,
        message: current.message,
        startedAt: current.since,
        endedAt: Math.max(current.since, change.at),
        count: null,
      });
    }
    return true;
  }

  /**
   * Folds the event into the recent events and into its problem episode, which stays active until
   * `lifetimeMs` after its last occurrence (the sweep ends it: expireEventProblems). An event
   * whose lifetime was over before `now` (backfilled from long ago) and that extends no active
   * episode goes straight to the history: it is a past problem and must not flip the recorder's state.
   */
  recordEvent(event: EventRow, lifetimeMs = DEFAULT_EVENT_LIFETIMES_MS[event.code] ?? DEFAULT_LIFETIME_MS, now = Date.now()): EventOutcome {
    this.statements.putEvent.run(event);
    const expiresAt = event.lastSeen + lifetimeMs;
    const active = this.statements.eventProblem.get(event.recorderId, event.code, event.subject) as
      | { since: number; lastSeen: number; expiresAt: number }
      | undefined;
    if (expiresAt <= now && (!active || expiresAt < active.since)) {
      this.statements.putHistory.run({ ...event, kind: 'event', startedAt: event.firstSeen, endedAt: expiresAt });
      return 'past';
    }
    this.statements.putEventProblem.run({ ...event, expiresAt });
    return active ? 'extended' : 'raised';
  }

  /**
   * Ends every event problem whose lifetime is over at `now`: into problem_history, ended at the
   * moment its lifetime ran out (not when the sweep noticed). Returns the recorders concerned.
   */
  expireEventProblems(now: number): string[] {
    const expired = this.statements.expiredEventProblems.all(now) as ProblemHistoryRow[];
    if (expired.length === 0) return [];
    this.transaction(() => {
      for (const row of expired) {
        this.statements.putHistory.run(row);
        this.statements.deleteEventProblem.run(row.recorderId, row.code, row.subject);
      }
    });
    return [...new Set(expired.map((row) => row.recorderId))];
  }

  /** Active event problems of a recorder, oldest first. */
  eventProblemsOf(recorderId: string): EventProblemRow[] {
    return this.statements.eventProblemsOf.all(recorderId) as EventProblemRow[];
  }

  /** Problems that ended at or after `from` and started at or before `to`, oldest first. */
  problemHistoryOf(recorderId: string, from: number, to: number): ProblemHistoryRow[] {
    return this.statements.historyOf.all(recorderId, from, to) as ProblemHistoryRow[];
  }

  /**
   * What makes a recorder degraded (docs/DESIGN.md "Fleet state"): its active conditions, and its
   * active events of severity error or critical.
   */
  activeProblemCount(recorderId: string): number {
    return this.statements.activeProblemCount.get({ id: recorderId }) as number;
  }

  /** activeProblemCount of every recorder that has any. */
  activeProblemCounts(): Map<string, number> {
    const rows = this.statements.activeProblemCounts.all() as Array<{ recorderId: string; n: number }>;
    return new Map(rows.map((row) => [row.recorderId, row.n]));
  }

  /** Events whose last occurrence is at or after `since`, newest first. */
  eventsOf(recorderId: string, since: number): Array<Omit<EventRow, 'recorderId'>> {
    return this.statements.eventsOf.all(recorderId, since) as Array<Omit<EventRow, 'recorderId'>>;
  }

  spoolPosition(recorderId: string): { epoch: string; ackedSeq: number } | undefined {
    return this.statements.spoolPosition.get(recorderId) as { epoch: string; ackedSeq: number } | undefined;
  }

  setSpoolPosition(recorderId: string, epoch: string, ackedSeq: number): void {
    this.statements.setSpoolPosition.run(epoch, ackedSeq, recorderId);
  }

  recorders(): RecorderRow[] {
    return this.statements.all.all() as RecorderRow[];
  }

  recorder(id: string): RecorderRow | undefined {
    return this.statements.one.get(id) as RecorderRow | undefined;
  }

  conditionsOf(recorderId: string): ConditionRow[] {
    return this.statements.conditionsOf.all(recorderId) as ConditionRow[];
  }

  allConditions(): ConditionRow[] {
    return this.statements.allConditions.all() as ConditionRow[];
  }

  recordDisk(reading: { recorderId: string } & DiskRow): void {
    this.statements.putDisk.run(reading);
  }

  recordService(reading: { recorderId: string } & ServiceRow): void {
    this.statements.putService.run({ ...reading, running: reading.running ? 1 : 0 });
  }

  /** The camera and licence counts from a LicenceReading, unless a newer one is stored. */
  recordLicence(recorderId: string, cameraCount: number, licensedCameras: number, at: number): void {
    this.statements.putLicence.run(cameraCount, licensedCameras, at, recorderId, at);
  }

  /** The latest reading of each of the recorder's drives, by path. */
  disksOf(recorderId: string): DiskRow[] {
    return this.statements.disksOf.all(recorderId) as DiskRow[];
  }

  /** The latest reading of each of the recorder's watched services, by name. */
  servicesOf(recorderId: string): ServiceRow[] {
    return (this.statements.servicesOf.all(recorderId) as Array<{ name: string; running: number; at: number }>).map((row) => ({
      ...row,
      running: row.running === 1,
    }));
  }

  /** Makes every commit so far survive a power cut (they survive a crash of this process already). */
  syncToDisk(): void {
    if (this.db.memory) return;
    let fd: number;
    try {
      fd = openSync(`${this.db.name}-wal`, 'r');
    } catch {
      return; // no WAL: everything is in the main file, which checkpoints fsync
    }
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * Records whether the telemetry outbox is stalled (since when, how many points wait, the store's
   * last error; `stalledSince` undefined: it drains), for readers of the read model.
   */
  setOutboxHealth(health: { stalledSince: number | undefined; points: number; lastError: string | undefined }, now: number): void {
    this.db
      .prepare(
        `INSERT INTO ingestor_health (id, outbox_stalled_since, outbox_points, outbox_last_error, updated_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET outbox_stalled_since = excluded.outbox_stalled_since, outbox_points = excluded.outbox_points,
           outbox_last_error = excluded.outbox_last_error, updated_at = excluded.updated_at`,
      )
      .run(health.stalledSince ?? null, health.points, health.lastError ?? null, now);
  }

  close(): void {
    this.db.close();
  }

  private migrate(): void {
    this.db.exec(SCHEMA);
    for (const [table, column, definition, fill] of ADDED_COLUMNS) {
      const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
      if (columns.some((c) => c.name === column)) continue;
      this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
      if (fill) this.db.exec(fill);
    }
    // Last, once every table and column exists: the views other processes may read (read-model/views.ts).
    publishReadModel(this.db);
  }
}

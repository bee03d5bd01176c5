import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

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
  state: RecorderStateName;
  stateSince: number;
  lastSeen: number | null;
  lastSeq: number;
}

export interface ConditionRow {
  recorderId: string;
  code: string;
  subject: string;
  severity: string;
  message: string;
  since: number;
}

/** What a birth tells us about a recorder: its registry row minus what we derive ourselves. */
export type BirthFacts = Omit<RecorderRow, 'state' | 'stateSince' | 'lastSeen' | 'lastSeq' | 'latitude' | 'longitude'> & {
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
  last_seq          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS recorders_installation ON recorders (installation_slc);
CREATE TABLE IF NOT EXISTS conditions (
  recorder_id TEXT NOT NULL,
  code        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  severity    TEXT NOT NULL,
  message     TEXT NOT NULL,
  since       INTEGER NOT NULL,
  PRIMARY KEY (recorder_id, code, subject)
);
`;

const RECORDER_COLUMNS = `
  id, name, installation_slc AS installationSlc, installation_name AS installationName,
  site_id AS siteId, site_name AS siteName, latitude, longitude, failover_partner AS failoverPartner,
  agent_version AS agentVersion, vms_product AS vmsProduct, vms_version AS vmsVersion, hostname,
  camera_count AS cameraCount, licensed_cameras AS licensedCameras, heartbeat_seconds AS heartbeatSeconds,
  bd_seq AS bdSeq, state, state_since AS stateSince, last_seen AS lastSeen, last_seq AS lastSeq`;

/**
 * The fleet registry: every recorder the ingestor has heard of, its inventory, derived state and
 * active conditions. Written by the ingestor only; the dashboard reads the same file (WAL mode
 * lets readers run beside the writer).
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
    if (!options.readonly) this.db.exec(SCHEMA);
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
          heartbeat_seconds = excluded.heartbeat_seconds, bd_seq = excluded.bd_seq`),
      ensure: db.prepare(`INSERT INTO recorders (id, state_since) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`),
      setState: db.prepare(`UPDATE recorders SET state = ?, state_since = ? WHERE id = ?`),
      setBdSeq: db.prepare(`UPDATE recorders SET bd_seq = ? WHERE id = ?`),
      touch: db.prepare(`UPDATE recorders SET last_seen = ?, last_seq = MAX(last_seq, ?) WHERE id = ?`),
      all: db.prepare(`SELECT ${RECORDER_COLUMNS} FROM recorders ORDER BY id`),
      one: db.prepare(`SELECT ${RECORDER_COLUMNS} FROM recorders WHERE id = ?`),
      raise: db.prepare(`
        INSERT INTO conditions (recorder_id, code, subject, severity, message, since) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (recorder_id, code, subject) DO UPDATE SET severity = excluded.severity, message = excluded.message`),
      clear: db.prepare(`DELETE FROM conditions WHERE recorder_id = ? AND code = ? AND subject = ?`),
      conditionsOf: db.prepare(`SELECT recorder_id AS recorderId, code, subject, severity, message, since FROM conditions WHERE recorder_id = ? ORDER BY since`),
      allConditions: db.prepare(`SELECT recorder_id AS recorderId, code, subject, severity, message, since FROM conditions ORDER BY since`),
    };
  }

  recordBirth(facts: BirthFacts): void {
    this.statements.upsertBirth.run(facts);
  }

  ensureRecorder(id: string, now: number): void {
    this.statements.ensure.run(id, now);
  }

  setState(id: string, state: RecorderStateName, since: number): void {
    this.statements.setState.run(state, since, id);
  }

  setBdSeq(id: string, bdSeq: number): void {
    this.statements.setBdSeq.run(bdSeq, id);
  }

  touch(id: string, lastSeen: number, seq: number): void {
    this.statements.touch.run(lastSeen, seq, id);
  }

  raiseCondition(c: ConditionRow): void {
    this.statements.raise.run(c.recorderId, c.code, c.subject, c.severity, c.message, c.since);
  }

  clearCondition(recorderId: string, code: string, subject: string): void {
    this.statements.clear.run(recorderId, code, subject);
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

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  close(): void {
    this.db.close();
  }
}

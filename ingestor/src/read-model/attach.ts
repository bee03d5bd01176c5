import Database from 'better-sqlite3';
import { READ_MODEL_VERSION } from './views.js';

/** The schema name under which a read-model connection sees fleet.db. */
export const READ_MODEL_SCHEMA = 'fleet';

/** fleet.db is missing, or does not publish the read model this build expects (yet). */
export class ReadModelUnavailable extends Error {
  constructor(
    readonly fleetDbPath: string,
    readonly reason: 'no-file' | 'no-read-model',
    detail: string,
  ) {
    super(`fleet.db at ${fleetDbPath} ${reason === 'no-file' ? 'cannot be opened' : `does not publish read model v${READ_MODEL_VERSION}`}: ${detail}`);
    this.name = 'ReadModelUnavailable';
  }
}

/**
 * Attaches fleet.db as schema READ_MODEL_SCHEMA to a connection opened read-only (better-sqlite3
 * `readonly: true`, i.e. SQLITE_OPEN_READONLY, which ATTACH inherits), so nothing done through it
 * can write fleet.db: every write fails with SQLITE_READONLY. (URI filenames with mode=ro would
 * allow a writable main database, but better-sqlite3 builds SQLite without URI support.) It never
 * creates fleet.db, and checks that the ingestor published READ_MODEL_VERSION. Readers may use only
 * the READ_MODEL_VIEWS of that schema. Throws ReadModelUnavailable, leaving nothing attached, when
 * fleet.db is not ready.
 */
export function attachReadModel(db: Database.Database, fleetDbPath: string): void {
  if (!db.readonly) throw new Error('the read model is attached only to a read-only connection');
  try {
    db.prepare(`ATTACH DATABASE ? AS ${READ_MODEL_SCHEMA}`).run(fleetDbPath);
    // ATTACH opens lazily: read the schema now, so a missing or unreadable file fails here.
    db.prepare(`SELECT count(*) FROM ${READ_MODEL_SCHEMA}.sqlite_master`).get();
  } catch (error) {
    detachQuietly(db);
    throw new ReadModelUnavailable(fleetDbPath, 'no-file', (error as Error).message);
  }
  try {
    const published = db.prepare(`SELECT 1 FROM ${READ_MODEL_SCHEMA}.read_model WHERE version = ?`).get(READ_MODEL_VERSION);
    if (published === undefined) throw new Error(`version ${READ_MODEL_VERSION} is not among the published ones`);
  } catch (error) {
    detachQuietly(db);
    throw new ReadModelUnavailable(fleetDbPath, 'no-read-model', (error as Error).message);
  }
}

/**
 * A read-only connection to `mainDbPath` (an existing file, e.g. the dashboard's own database,
 * so its tables can be joined with the fleet's) with fleet.db's read model attached.
 */
export function openReadModel(fleetDbPath: string, mainDbPath: string): Database.Database {
  const db = new Database(mainDbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    attachReadModel(db, fleetDbPath);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function detachQuietly(db: Database.Database): void {
  try {
    db.exec(`DETACH DATABASE ${READ_MODEL_SCHEMA}`);
  } catch {
    // not attached: nothing to undo
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachReadModel, FleetDb, openReadModel, READ_MODEL_SCHEMA, READ_MODEL_VERSION, READ_MODEL_VIEWS, ReadModelUnavailable } from '../src/index.js';

describe('fleet.db read model', () => {
  let dir: string;
  let fleetDbPath: string;
  let otherDbPath: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-read-model-'));
    fleetDbPath = join(dir, 'fleet.db');
    otherDbPath = join(dir, 'other.db');
    new Database(otherDbPath).close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is published by the migration: every view and the version', () => {
    const fleet = new FleetDb(fleetDbPath);
    const views = fleet.db.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name").pluck().all();
    expect(views).toEqual(Object.values(READ_MODEL_VIEWS).sort());
    expect(fleet.db.prepare('SELECT version FROM read_model').pluck().all()).toEqual([READ_MODEL_VERSION]);
    fleet.close();
  });

  it('writes nothing when already in place, and replaces a view whose definition differs', () => {
    new FleetDb(fleetDbPath).close();
    const watcher = new Database(fleetDbPath, { readonly: true });
    const version = () => watcher.pragma('data_version', { simple: true });
    const before = version();
    new FleetDb(fleetDbPath).close();
    expect(version()).toBe(before);
    const tampered = new Database(fleetDbPath);
    tampered.exec(`DROP VIEW ${READ_MODEL_VIEWS.conditions}; CREATE VIEW ${READ_MODEL_VIEWS.conditions} AS SELECT 1 AS stale`);
    tampered.close();
    const fleet = new FleetDb(fleetDbPath);
    const columns = fleet.db.prepare(`SELECT name FROM pragma_table_info('${READ_MODEL_VIEWS.conditions}')`).pluck().all();
    expect(columns).toEqual(['recorder_id', 'code', 'subject', 'severity', 'message', 'since']);
    fleet.close();
    watcher.close();
  });

  it('shows active conditions only, and the recorders as the ingestor wrote them', () => {
    const fleet = new FleetDb(fleetDbPath);
    fleet.ensureRecorder('r1', 1_000);
    fleet.setState('r1', 'degraded', 2_000);
    fleet.applyCondition({ recorderId: 'r1', code: 'drive-full', subject: 'E:', active: true, at: 2_000, severity: 'critical', message: 'E: full' });
    fleet.applyCondition({ recorderId: 'r1', code: 'camera-unreachable', subject: 'cam-1', active: true, at: 2_000, severity: 'warning', message: 'cam-1' });
    fleet.applyCondition({ recorderId: 'r1', code: 'camera-unreachable', subject: 'cam-1', active: false, at: 3_000, severity: 'warning', message: 'cam-1' });
    const reader = openReadModel(fleetDbPath, otherDbPath);
    const S = READ_MODEL_SCHEMA;
    expect(reader.prepare(`SELECT code FROM ${S}.${READ_MODEL_VIEWS.conditions}`).pluck().all()).toEqual(['drive-full']);
    expect(reader.prepare(`SELECT id, state, state_since FROM ${S}.${READ_MODEL_VIEWS.recorders}`).all()).toEqual([
      { id: 'r1', state: 'degraded', state_since: 2_000 },
    ]);
    expect(reader.prepare(`SELECT state, since FROM ${S}.${READ_MODEL_VIEWS.stateChanges}`).all()).toEqual([{ state: 'degraded', since: 2_000 }]);
    reader.close();
    fleet.close();
  });

  it('is attached only to a read-only connection, and refuses every write', () => {
    new FleetDb(fleetDbPath).close();
    const writable = new Database(otherDbPath);
    expect(() => attachReadModel(writable, fleetDbPath)).toThrow(/read-only connection/);
    writable.close();
    const reader = openReadModel(fleetDbPath, otherDbPath);
    for (const sql of [
      `INSERT INTO fleet.recorders (id) VALUES ('x')`,
      'DELETE FROM fleet.read_model',
      'CREATE TABLE fleet.t (x)',
      'CREATE TABLE main.t (x)',
    ]) {
      expect(() => reader.exec(sql), sql).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_READONLY/) }));
    }
    reader.close();
  });

  it('is unavailable, without creating anything, while fleet.db is missing or does not publish this version', () => {
    expect(() => openReadModel(fleetDbPath, otherDbPath)).toThrow(expect.objectContaining({ name: 'ReadModelUnavailable', reason: 'no-file' }));
    const reader = new Database(otherDbPath, { readonly: true });
    expect(() => attachReadModel(reader, fleetDbPath)).toThrow(ReadModelUnavailable);
    expect(reader.prepare('SELECT name FROM pragma_database_list').pluck().all()).toEqual(['main']);
    reader.close();
    expect(() => new Database(fleetDbPath, { fileMustExist: true })).toThrow();

    const fleet = new FleetDb(fleetDbPath);
    fleet.db.prepare('DELETE FROM read_model').run();
    expect(() => openReadModel(fleetDbPath, otherDbPath)).toThrow(expect.objectContaining({ reason: 'no-read-model' }));
    fleet.db.prepare('INSERT INTO read_model (version) VALUES (?)').run(READ_MODEL_VERSION + 1);
    expect(() => openReadModel(fleetDbPath, otherDbPath)).toThrow(expect.objectContaining({ reason: 'no-read-model' }));
    fleet.close();
    // the next start of the ingestor publishes it again
    new FleetDb(fleetDbPath).close();
    openReadModel(fleetDbPath, otherDbPath).close();
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FleetDb, READ_MODEL_VIEWS } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { buildDashboard, type Dashboard } from '../src/index.js';
import { as, logIn, PASSWORD, seedFleet, startFixture, type Fixture } from './support/fixture.js';

/** The schema of a SQLite file as text, to prove that nothing in it changed. */
function schemaOf(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return JSON.stringify(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').all());
  } finally {
    db.close();
  }
}

/** A pino logger whose lines the test can wait for. */
function capturedLogger() {
  const lines: Array<{ msg: string; reason?: string }> = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string });
        done();
      },
    }),
  );
  const waitFor = async (match: (line: { msg: string; reason?: string }) => boolean, timeoutMs = 10_000) => {
    for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 20))) {
      const line = lines.find(match);
      if (line) return line;
    }
    throw new Error(`no such log line within ${timeoutMs} ms; got ${JSON.stringify(lines)}`);
  };
  return { logger, lines, waitFor };
}

describe('the dashboard reads fleet.db only through the read model, read-only', () => {
  let fx: Fixture;

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => fx?.close());

  it('opens fleet.db in read-only mode: inserts, updates, deletes and schema changes fail with SQLITE_READONLY', () => {
    const fleetDbPath = join(fx.dir, 'fleet.db');
    const before = schemaOf(fleetDbPath);
    const { reader, db } = fx.dashboard.store;
    expect(reader.readonly).toBe(true);
    for (const sql of [
      "INSERT INTO fleet.recorders (id) VALUES ('forged')",
      "UPDATE fleet.recorders SET state = 'online'",
      'DELETE FROM fleet.conditions',
      'INSERT INTO fleet.read_model (version) VALUES (99)',
      'CREATE TABLE fleet.dashboard_was_here (x)',
      'CREATE VIEW fleet.read_v9_mine AS SELECT 1',
      `DROP VIEW fleet.${READ_MODEL_VIEWS.recorders}`,
      'PRAGMA fleet.user_version = 42',
    ]) {
      expect(() => reader.exec(sql), sql).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_READONLY/) }));
    }
    // The connection that writes dashboard.db has no fleet.db at all.
    expect(db.prepare('SELECT name FROM pragma_database_list').pluck().all()).toEqual(['main']);
    expect(schemaOf(fleetDbPath)).toBe(before);
    const fleet = new Database(fleetDbPath, { readonly: true });
    expect(fleet.prepare("SELECT COUNT(*) FROM recorders WHERE id = 'forged'").pluck().get()).toBe(0);
    expect(fleet.pragma('user_version', { simple: true })).toBe(0);
    fleet.close();
  });

  it('names only the published views of fleet.db in its SQL, never the ingestor’s tables', () => {
    const fleet = new Database(join(fx.dir, 'fleet.db'), { readonly: true });
    const tables = fleet.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    fleet.close();
    expect(tables).toContain('recorders');
    const source = readFileSync(join(import.meta.dirname, '..', 'src', 'store.ts'), 'utf8');
    const named = [...source.matchAll(/\bfleet\.([a-z_0-9]+)/g)].map((m) => m[1]!);
    for (const name of named) expect(tables, `store.ts names table fleet.${name}`).not.toContain(name);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: store.ts's source text, which names the views through V
    expect(source).toContain('fleet.${V.recorders}'); // the views, by their published names
  });
});

describe('a dashboard started before the ingestor', () => {
  const dirs: string[] = [];
  const dashboards: Dashboard[] = [];
  afterEach(async () => {
    for (const dashboard of dashboards.splice(0)) await dashboard.app.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function setUp() {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-wait-'));
    dirs.push(dir);
    const pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    const log = capturedLogger();
    const start = (signal?: AbortSignal) =>
      buildDashboard({
        dashboardDbPath: join(dir, 'dashboard.db'),
        fleetDbPath: join(dir, 'fleet.db'),
        brokerUrl: 'mqtts://127.0.0.1:9',
        tls: pki.service('dashboard'),
        logger: log.logger,
        map: { tilesUrl: null, attribution: 'offline' },
        signal,
      });
    return { dir, fleetDbPath: join(dir, 'fleet.db'), log, start };
  }

  it('waits, saying so, without creating fleet.db, and serves once the ingestor has created it', async () => {
    const { dir, fleetDbPath, log, start } = await setUp();
    let ready = false;
    const starting = start().then((dashboard) => {
      ready = true;
      dashboards.push(dashboard);
      return dashboard;
    });
    const waiting = await log.waitFor((line) => line.msg.startsWith('waiting for the ingestor to create fleet.db'));
    expect(waiting.reason).toBe('no-file');
    await new Promise((r) => setTimeout(r, 700)); // a few more attempts
    expect(ready).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith('fleet.db'))).toEqual([]);

    // The ingestor starts (its FleetDb stays open, as under `vigil up`) and records a fleet.
    const ingestor = new FleetDb(fleetDbPath);
    try {
      seedFleet(fleetDbPath);
      const dashboard = await starting;
      await log.waitFor((line) => line.msg === 'fleet.db is ready: serving');
      await dashboard.store.ensureAdmin(PASSWORD);
      const admin = await logIn(dashboard, 'admin');
      const res = await as(dashboard, admin, 'GET', '/api/recorders?all=1');
      expect(res.statusCode).toBe(200);
      expect(res.json<{ recorders: unknown[] }>().recorders).toHaveLength(7);
      // A change the running ingestor commits reaches the dashboard.
      ingestor.setState('c-rec-1', 'stopped', Date.now());
      dashboard.store.noteStateChange();
      expect((await as(dashboard, admin, 'GET', '/api/recorders?all=1')).json<{ counts: { stopped: number } }>().counts.stopped).toBe(1);
    } finally {
      ingestor.close();
    }
  });

  it('never migrates: a fleet.db without the read model (an older ingestor’s) is waited for and left as it was', async () => {
    const { fleetDbPath, log, start } = await setUp();
    const old = new Database(fleetDbPath);
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE recorders (id TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'offline'); INSERT INTO recorders (id) VALUES ('r-1')");
    old.close();
    const before = schemaOf(fleetDbPath);
    const abort = new AbortController();
    const starting = start(abort.signal);
    const waiting = await log.waitFor((line) => line.msg.startsWith('waiting for the ingestor to create fleet.db'));
    expect(waiting.reason).toBe('no-read-model');
    abort.abort(new Error('test over'));
    await expect(starting).rejects.toThrow('test over');
    expect(schemaOf(fleetDbPath)).toBe(before);
  });

  it('reads a WAL-mode fleet.db whose writer has closed (no -wal or -shm file left)', async () => {
    const { dir, fleetDbPath, start } = await setUp();
    seedFleet(fleetDbPath);
    expect(existsSync(`${fleetDbPath}-wal`) || existsSync(`${fleetDbPath}-shm`)).toBe(false);
    const dashboard = await start();
    dashboards.push(dashboard);
    await dashboard.store.ensureAdmin(PASSWORD);
    const admin = await logIn(dashboard, 'admin');
    expect((await as(dashboard, admin, 'GET', '/api/recorders?all=1')).json<{ recorders: unknown[] }>().recorders).toHaveLength(7);
    // and sees what an ingestor started afterwards writes
    const ingestor = new FleetDb(fleetDbPath);
    ingestor.setState('c-rec-1', 'stopped', Date.now());
    ingestor.close();
    dashboard.store.noteStateChange();
    expect((await as(dashboard, admin, 'GET', '/api/recorders?all=1')).json<{ counts: { stopped: number } }>().counts.stopped).toBe(1);
    expect(readdirSync(dir)).toContain('dashboard.db');
  });
});

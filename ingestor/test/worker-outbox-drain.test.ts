import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetDb, type TelemetryPoint } from '../src/index.js';
import { TelemetryOutbox } from '../src/pipeline/outbox.js';
import { OutboxDrain } from '../src/pipeline/outbox-drain.js';
import { SqliteTelemetryStore } from '../src/stores/sqlite/sqlite-telemetry-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const tags = { recorder: 'rec-worker', installation: 'i', site: 's', reseller: '' };
const at = Date.UTC(2026, 1, 1);
const licence = (time: number, cameras: number): TelemetryPoint => ({ measurement: 'licence', tags, fields: { camera_count: cameras }, time: at + time });

/** A fleet.db with its outbox, the main thread's reader of telemetry.db, and a worker drain between them. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-worker-drain-'));
  dirs.push(dir);
  const db = new FleetDb(join(dir, 'fleet.db'));
  const outbox = new TelemetryOutbox(db.db);
  const telemetryDbPath = join(dir, 'telemetry.db');
  const reader = new SqliteTelemetryStore(telemetryDbPath, { compactEveryMs: 0 });
  const errors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
  const drain = new OutboxDrain({
    outbox,
    runOn: { thread: 'worker', fleetDbPath: join(dir, 'fleet.db'), store: { kind: 'sqlite', path: telemetryDbPath }, restartDelayMs: 50 },
    logger,
    flushIntervalMs: 10,
    minRetryDelayMs: 50,
    maxRetryDelayMs: 100,
  });
  const stored = async () =>
    (await reader.query({ measurement: 'licence', recorder: 'rec-worker', field: 'camera_count', from: at, to: at + 1_000_000 })).map((row) => [
      row.time - at,
      row.value,
    ]);
  const rowsLeft = () => db.db.prepare('SELECT COUNT(*) FROM telemetry_outbox').pluck().get() as number;
  const close = async () => {
    await drain.stop(1_000);
    await reader.close();
    db.close();
  };
  return { dir, db, outbox, reader, drain, errors, stored, rowsLeft, telemetryDbPath, close };
}

describe('OutboxDrain on a worker thread (the SQLite store written from there)', () => {
  it('loads its TypeScript worker, writes the committed rows into telemetry.db and only then deletes them', async () => {
    const t = setup();
    t.outbox.append([licence(0, 4)]);
    t.outbox.append([licence(1, 5), licence(2, 6)]);
    t.drain.start();
    await t.drain.idle();
    expect(t.outbox.depth).toBe(0);
    expect(t.rowsLeft()).toBe(0);
    expect(await t.stored()).toEqual([
      [0, 4],
      [1, 5],
      [2, 6],
    ]);
    // Rows committed later are sent after a kick, as the ingestor does after each group commit.
    t.outbox.append([licence(3, 7)]);
    t.drain.kick();
    await t.drain.idle();
    expect(await t.stored()).toHaveLength(4);
    await t.close();
    expect(t.drain.currentWorker).toBeUndefined();
    expect(t.errors).toEqual([]);
  });

  it('keeps the rows while the store cannot write, and sends them once it can', async () => {
    const t = setup();
    // Another connection holds telemetry.db's write lock: the worker's write fails after its busy timeout.
    const blocker = new Database(t.telemetryDbPath);
    blocker.pragma('busy_timeout = 5000');
    blocker.exec('BEGIN IMMEDIATE');
    t.outbox.append([licence(10, 1), licence(11, 2)]);
    t.drain.start();
    await expect.poll(() => t.drain.lastError, { timeout: 15_000 }).toMatch(/locked|busy/i);
    expect(t.outbox.depth).toBe(2);
    expect(t.rowsLeft()).toBe(1);
    blocker.exec('ROLLBACK');
    blocker.close();
    await t.drain.idle();
    expect(t.rowsLeft()).toBe(0);
    expect(t.drain.lastError).toBeUndefined();
    expect(await t.stored()).toEqual([
      [10, 1],
      [11, 2],
    ]);
    await t.close();
  }, 30_000);

  it('a worker that dies is logged and replaced, and no row is lost', async () => {
    const t = setup();
    t.outbox.append([licence(20, 1)]);
    t.drain.start();
    await t.drain.idle();
    const first = t.drain.currentWorker;
    expect(first).toBeDefined();
    await first!.terminate();
    // Rows committed while no worker runs wait in fleet.db for the next one.
    t.outbox.append([licence(21, 2), licence(22, 3)]);
    t.drain.kick();
    await expect.poll(() => t.drain.restarts, { timeout: 10_000 }).toBe(1);
    await t.drain.idle();
    expect(t.drain.currentWorker).toBeDefined();
    expect(t.drain.currentWorker).not.toBe(first);
    expect(t.rowsLeft()).toBe(0);
    expect(await t.stored()).toEqual([
      [20, 1],
      [21, 2],
      [22, 3],
    ]);
    expect(t.errors.join('\n')).toContain('the outbox drain worker exited; starting another');
    await t.close();
  }, 20_000);

  it('stop() sends what is waiting, then ends the thread cleanly', async () => {
    const t = setup();
    t.drain.start();
    for (let i = 0; i < 50; i++) t.outbox.append([licence(100 + i, i)]);
    t.drain.kick();
    const worker = t.drain.currentWorker!;
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await t.close();
    expect(await exited).toBe(0);
    expect(t.outbox.depth).toBe(0);
    const reader = new SqliteTelemetryStore(t.telemetryDbPath, { compactEveryMs: 0 });
    expect(await reader.query({ measurement: 'licence', recorder: 'rec-worker', field: 'camera_count', from: at, to: at + 1_000_000 })).toHaveLength(50);
    await reader.close();
  });
});

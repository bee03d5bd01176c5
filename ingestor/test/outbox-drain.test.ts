import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetDb, InfluxRejectedError, type SeriesRow, type TelemetryPoint, type TelemetryStore } from '../src/index.js';
import { DrainLoop, type DrainReport } from '../src/pipeline/drain-loop.js';
import { TelemetryOutbox } from '../src/pipeline/outbox.js';
import { OutboxDrain } from '../src/pipeline/outbox-drain.js';
import { openTelemetryStore } from '../src/stores/open-store.js';

const quiet = pino({ level: 'silent' });
const tags = { recorder: 'rec-drain', installation: 'i', site: 's', reseller: '' };
const licence = (time: number, cameras: number | string): TelemetryPoint => ({ measurement: 'licence', tags, fields: { camera_count: cameras }, time });

/** A store that fails the first `failures` writes, refuses points whose cameras are a string, and remembers what it got. */
class ScriptedStore implements TelemetryStore {
  readonly kind = 'scripted';
  readonly stored: TelemetryPoint[] = [];
  writes = 0;
  constructor(private failures: number) {}
  async write(points: readonly TelemetryPoint[]): Promise<void> {
    this.writes++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('store down');
    }
    if (points.some((p) => typeof p.fields.camera_count === 'string')) throw new InfluxRejectedError(400, 'field type conflict');
    this.stored.push(...points);
  }
  async query(): Promise<SeriesRow[]> {
    return [];
  }
  async close(): Promise<void> {}
}

const dirs: string[] = [];
const dbs: FleetDb[] = [];
const fleetDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-drain-'));
  dirs.push(dir);
  const db = new FleetDb(join(dir, 'fleet.db'));
  dbs.push(db);
  return db;
};
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the outbox drain on the main thread (a store no other thread can reach)', () => {
  it('retries with backoff while the store fails, sets aside what it refuses, and deletes only what it stored', async () => {
    const db = fleetDb();
    const outbox = new TelemetryOutbox(db.db);
    outbox.append([licence(0, 4)]);
    outbox.append([licence(1, 'four')]);
    outbox.append([licence(2, 5), licence(3, 6)]);
    const store = new ScriptedStore(2);
    const failures: string[] = [];
    const refused: number[] = [];
    const drain = new OutboxDrain({
      outbox,
      runOn: { thread: 'main', store },
      logger: quiet,
      flushIntervalMs: 5,
      minRetryDelayMs: 20,
      maxRetryDelayMs: 40,
      onFailed: (e) => failures.push(e.message),
      onRejected: (p) => refused.push(p),
    });
    expect(drain.currentWorker).toBeUndefined();
    drain.start();
    await drain.idle();
    await drain.stop();
    expect(failures).toEqual(['store down', 'store down']);
    expect(drain.lastError).toBeUndefined();
    expect(store.stored.map((p) => p.fields.camera_count)).toEqual([4, 5, 6]);
    expect(refused).toEqual([1]);
    expect(outbox.depth).toBe(0);
    expect(outbox.rejectedPoints()).toBe(1);
    expect(db.db.prepare('SELECT COUNT(*) FROM telemetry_outbox').pluck().get()).toBe(0);
  });

  it('sends rows committed later after a kick, and reads only committed rows', async () => {
    const db = fleetDb();
    const outbox = new TelemetryOutbox(db.db);
    const store = openTelemetryStore({ kind: 'memory' });
    expect(store.portableConfig?.()).toBeUndefined();
    let commits = 0;
    const drain = new OutboxDrain({ outbox, runOn: { thread: 'main', store }, logger: quiet, flushIntervalMs: 5, beforeDbWork: () => commits++ });
    drain.start();
    outbox.append([licence(10, 1)]);
    drain.kick();
    await drain.idle();
    expect(commits).toBeGreaterThan(0);
    expect((await store.query({ measurement: 'licence', recorder: 'rec-drain', field: 'camera_count', from: 0, to: 100 })).map((r) => r.value)).toEqual([1]);
    await drain.stop();
    await store.close();
  });
});

describe('DrainLoop', () => {
  it('draws each retry delay from the backoff policy and starts over after a success', async () => {
    const db = fleetDb();
    const outbox = new TelemetryOutbox(db.db);
    outbox.append([licence(0, 1)]);
    const store = new ScriptedStore(3);
    const delays: number[] = [];
    let loop: DrainLoop | undefined;
    const report: DrainReport = {
      written: () => loop?.stop(),
      rejected: () => undefined,
      failed: (_error, retryInMs) => delays.push(retryInMs),
    };
    loop = new DrainLoop(outbox.reader, store, { maxBatchPoints: 100, flushIntervalMs: 5, retry: { minMs: 4, maxMs: 10, floorMs: 2 } }, report, () => 1);
    await loop.run();
    // Ceilings 4, 8, then capped at 10 (random() = 1 draws the ceiling).
    expect(delays).toEqual([4, 8, 10]);
    expect(store.stored).toHaveLength(1);
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteTelemetryReader, SqliteTelemetryStore, type TelemetryPoint } from '../../src/index.js';
import { DAY_MS, HOUR_MS } from '../../src/stores/sqlite/sqlite-telemetry-store.js';
import { telemetryStoreContract } from './contract.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sqlite-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('SqliteTelemetryStore: the TelemetryStore contract', () => {
  telemetryStoreContract(async () => {
    const path = join(tempDir(), 'telemetry.db');
    return { open: async () => new SqliteTelemetryStore(path, { compactEveryMs: 0 }) };
  });
});

describe('SqliteTelemetryStore: retention and downsampling', () => {
  const START = Date.UTC(2026, 2, 1); // midnight
  let now = START;
  let store: SqliteTelemetryStore;
  let path: string;
  const fleet = { recorder: 'r1', installation: 'SLC-1', site: 's1', reseller: '' };
  const diskAt = (time: number, free: number): TelemetryPoint => ({
    measurement: 'disk',
    tags: { ...fleet, path: 'D:\\' },
    fields: { free_bytes: free },
    time,
  });
  const rawCount = () => store.db.prepare('SELECT COUNT(*) FROM points').pluck().get() as number;

  beforeEach(() => {
    now = START;
    path = join(tempDir(), 'telemetry.db');
    store = new SqliteTelemetryStore(path, { rawRetentionMs: 2 * DAY_MS, rollupRetentionMs: 30 * DAY_MS, compactEveryMs: 0, now: () => now });
  });
  afterEach(async () => {
    await store.close();
  });

  it('rolls raw points past retention into hourly last/min/max, deletes them, and `every` still answers for that range', async () => {
    // Three days of a reading a minute: free space falls by 1 each minute, with a dip at 00:30 of each hour.
    const points: TelemetryPoint[] = [];
    for (let m = 0; m < 3 * 24 * 60; m++) points.push(diskAt(START + m * 60_000, m % 60 === 30 ? 5 : 100_000 - m));
    await store.write(points);
    const before = await store.query({ measurement: 'disk', recorder: 'r1', field: 'free_bytes', from: START, to: START + 3 * DAY_MS, every: HOUR_MS });

    now = START + 3 * DAY_MS; // the first day is now older than the 2-day raw retention
    const result = await store.compact();
    expect(result.rolledUp).toBe(24 * 60);
    expect(result.rollupsWritten).toBe(24);
    expect(rawCount()).toBe(2 * 24 * 60);
    const oldest = store.db.prepare('SELECT MIN(time) FROM points').pluck().get() as number;
    expect(oldest).toBe(START + DAY_MS);

    // Hourly buckets over the whole range answer exactly as before compaction: last, min and max.
    const after = await store.query({ measurement: 'disk', recorder: 'r1', field: 'free_bytes', from: START, to: START + 3 * DAY_MS, every: HOUR_MS });
    expect(after).toEqual(before);
    expect(after).toHaveLength(72);
    const min = await store.query({
      measurement: 'disk',
      recorder: 'r1',
      field: 'free_bytes',
      from: START,
      to: START + DAY_MS - 1,
      every: HOUR_MS,
      aggregate: 'min',
    });
    expect(min.map((row) => row.value)).toEqual(Array.from({ length: 24 }, () => 5));
    const max = await store.query({
      measurement: 'disk',
      recorder: 'r1',
      field: 'free_bytes',
      from: START,
      to: START + DAY_MS - 1,
      every: HOUR_MS,
      aggregate: 'max',
    });
    expect(max.map((row) => row.value)).toEqual(Array.from({ length: 24 }, (_, h) => 100_000 - h * 60));
    // Daily buckets over compacted and raw days alike.
    const daily = await store.query({ measurement: 'disk', recorder: 'r1', field: 'free_bytes', from: START, to: START + 3 * DAY_MS, every: DAY_MS });
    expect(daily.map((row) => [row.time, row.value])).toEqual([
      [START, 100_000 - (24 * 60 - 1)],
      [START + DAY_MS, 100_000 - (2 * 24 * 60 - 1)],
      [START + 2 * DAY_MS, 100_000 - (3 * 24 * 60 - 1)],
    ]);
  });

  it('a late backfill into a compacted hour is merged into its rollup; a rewrite of a rolled-up point changes nothing', async () => {
    await store.write([diskAt(START + 10 * 60_000, 50), diskAt(START + 20 * 60_000, 40)]);
    now = START + 3 * DAY_MS;
    await store.compact();
    expect(rawCount()).toBe(0);
    await store.write([diskAt(START + 15 * 60_000, 1), diskAt(START + 10 * 60_000, 50)]); // backfill, and a redelivery
    await store.compact();
    expect(rawCount()).toBe(0);
    const q = { measurement: 'disk' as const, recorder: 'r1', field: 'free_bytes', from: START, to: START + HOUR_MS - 1, every: HOUR_MS };
    expect((await store.query(q)).map((row) => row.value)).toEqual([40]); // the last reading is still 00:20
    expect((await store.query({ ...q, aggregate: 'min' })).map((row) => row.value)).toEqual([1]);
    expect((await store.query({ ...q, aggregate: 'max' })).map((row) => row.value)).toEqual([50]);
  });

  it('drops rollups past their own retention', async () => {
    await store.write([diskAt(START, 1)]);
    now = START + 3 * DAY_MS;
    await store.compact();
    expect(await store.query({ measurement: 'disk', recorder: 'r1', field: 'free_bytes', from: START, to: START + DAY_MS, every: HOUR_MS })).toHaveLength(1);
    now = START + 31 * DAY_MS;
    expect((await store.compact()).rollupsExpired).toBe(1);
    expect(await store.query({ measurement: 'disk', recorder: 'r1', field: 'free_bytes', from: START, to: START + DAY_MS, every: HOUR_MS })).toEqual([]);
  });
});

describe('SqliteTelemetryStore: size of a year of a 100-recorder fleet (docs/DATA.md)', () => {
  it('stays under 1 GB: measured on one recorder, multiplied by 100', async () => {
    // One recorder as the agent's defaults report it: 2 drives every 60 s, 6 services every 30 s,
    // a heartbeat every 30 s, a licence reading every 300 s (see docs/DATA.md for the sum).
    const dir = tempDir();
    const START = Date.UTC(2025, 0, 1);
    const store = new SqliteTelemetryStore(join(dir, 'telemetry.db'), { compactEveryMs: 0, now: () => START + 400 * DAY_MS });
    const fleet = { recorder: 'recorder-0042', installation: 'SLC-4711-0815', site: 'site-0007', reseller: '' };
    const day = (d: number): TelemetryPoint[] => {
      const points: TelemetryPoint[] = [];
      const base = START + d * DAY_MS;
      for (let s = 0; s < DAY_MS / 1000; s += 30) {
        const time = base + s * 1000 + 137;
        points.push({ measurement: 'heartbeat', tags: fleet, fields: { bd_seq: 7 + Math.floor(d / 10) }, time });
        for (const service of ['Recording Server', 'Image Server', 'Image Import', 'Log Check', 'Event Server', 'Mobile Server']) {
          points.push({ measurement: 'service', tags: { ...fleet, service }, fields: { running: true }, time });
        }
        if (s % 60 === 0) {
          for (const [path, total] of [
            ['D:\\', 8e12],
            ['E:\\', 16e12],
          ] as const) {
            const free = Math.round(total * (0.3 + 0.1 * Math.sin((d * 86_400 + s) / 50_000)));
            points.push({
              measurement: 'disk',
              tags: { ...fleet, path },
              fields: { total_bytes: total, free_bytes: free, used_percent: Math.round((10_000 * (total - free)) / total) / 100 },
              time,
            });
          }
        }
        if (s % 300 === 0) points.push({ measurement: 'licence', tags: fleet, fields: { camera_count: 48, licensed_cameras: 50 }, time });
      }
      return points;
    };
    // Raw: the default 2 days kept raw.
    const raw = [...day(0), ...day(1)];
    await store.write(raw);
    const pages = () => (store.db.pragma('page_count', { simple: true }) as number) - (store.db.pragma('freelist_count', { simple: true }) as number);
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    const rawBytes = pages() * pageSize;
    // Rollups: a year of hours. Write 30 days raw, compact them all, and scale the rollup bytes by 400/30.
    for (let d = 2; d < 32; d++) await store.write(day(d));
    await store.compact();
    expect(store.db.prepare('SELECT COUNT(*) FROM points').pluck().get()).toBe(0);
    store.db.exec('VACUUM');
    const rollupBytes = pages() * pageSize;
    await store.close();
    const yearOf100 = 100 * (rawBytes + (rollupBytes * 400) / 32);
    console.info(
      `sqlite store size: ${raw.length / 2} points/recorder/day; raw ${(rawBytes / raw.length).toFixed(1)} B/point, ` +
        `2 raw days ${(rawBytes / 1e6).toFixed(1)} MB/recorder; rollups ${(rollupBytes / 32 / 1e3).toFixed(1)} kB/recorder/day; ` +
        `100 recorders, 2 raw days + 400 rollup days: ${(yearOf100 / 1e6).toFixed(0)} MB`,
    );
    expect(yearOf100).toBeLessThan(1e9);
  }, 120_000);
});

describe('the embedded store as vigil dashboard reads it (one writer per file)', () => {
  const point: TelemetryPoint = {
    measurement: 'disk',
    tags: { recorder: 'r1', installation: 'SLC-1', site: 's1', reseller: '', path: 'D:\\' },
    fields: { free_bytes: 42 },
    time: Date.UTC(2026, 2, 1),
  };
  const query = { measurement: 'disk' as const, recorder: 'r1', field: 'free_bytes', from: 0, to: Date.UTC(2027, 0, 1) };

  it('answers with no history before the ingestor created telemetry.db, creates nothing, then reads what the ingestor writes', async () => {
    const path = join(tempDir(), 'telemetry.db');
    const reader = new SqliteTelemetryReader(path);
    expect(await reader.query(query)).toEqual([]);
    expect(existsSync(path)).toBe(false);
    const writer = new SqliteTelemetryStore(path, { compactEveryMs: 0 });
    await writer.write([point]);
    expect((await reader.query(query)).map((row) => row.value)).toEqual([42]);
    await reader.close();
    await writer.close();
  });

  it('cannot write telemetry.db: write() rejects and SQL writes through its connection fail with SQLITE_READONLY', async () => {
    const path = join(tempDir(), 'telemetry.db');
    const writer = new SqliteTelemetryStore(path, { compactEveryMs: 0 });
    await writer.write([point]);
    const reader = new SqliteTelemetryStore(path, { readOnly: true });
    await expect(reader.write([{ ...point, time: point.time + 1 }])).rejects.toThrow(/read-only/);
    expect(() => reader.db.prepare('DELETE FROM points').run()).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    expect(() => reader.db.exec('CREATE TABLE stray (x)')).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    expect(reader.portableConfig()).toBeUndefined();
    expect((await reader.query(query)).map((row) => row.value)).toEqual([42]);
    await reader.close();
    await writer.close();
  });
});

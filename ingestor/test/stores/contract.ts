import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FleetTags, TelemetryPoint, TelemetryStore } from '../../src/index.js';

/**
 * The one contract every TelemetryStore adapter passes (docs/DESIGN.md "Stores and their owners"). `open` returns a new
 * store over the same backing data each time it is called, so the suite can check that what
 * `write` resolved is there for a store opened afterwards.
 */
export interface StoreUnderTest {
  open(): Promise<TelemetryStore>;
}

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0); // on the hour, so buckets are easy to read
const MIN = 60_000;
let recorders = 0;

function fleet(recorder: string): FleetTags & Record<string, string> {
  return { recorder, installation: 'SLC-0001', site: 'site-a', reseller: '' };
}

function disk(recorder: string, path: string, time: number, free: number, total = 1_000_000_000_000): TelemetryPoint {
  return {
    measurement: 'disk',
    tags: { ...fleet(recorder), path },
    fields: { free_bytes: free, total_bytes: total, used_percent: (100 * (total - free)) / total },
    time,
  };
}

export function telemetryStoreContract(setup: () => Promise<StoreUnderTest>): void {
  let backing: StoreUnderTest;
  let store: TelemetryStore;
  /** A recorder no other test writes to, so tests never see each other's points. */
  const freshRecorder = () => `rec-${process.pid}-${++recorders}`;

  beforeAll(async () => {
    backing = await setup();
    store = await backing.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('reads back what it wrote, at the observation time, with the series tags and without the fleet tags', async () => {
    const r = freshRecorder();
    await store.write([disk(r, 'D:\\Recordings', T0, 400e9), disk(r, 'D:\\Recordings', T0 + MIN, 390e9), disk(r, 'E:', T0, 700e9)]);
    const rows = await store.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0, to: T0 + MIN });
    expect(rows).toEqual([
      { time: T0, value: 400e9, tags: { path: 'D:\\Recordings' } },
      { time: T0, value: 700e9, tags: { path: 'E:' } },
      { time: T0 + MIN, value: 390e9, tags: { path: 'D:\\Recordings' } },
    ]);
  });

  it('what write() resolved is there for a store opened afterwards', async () => {
    const r = freshRecorder();
    await store.write([disk(r, 'D:\\Recordings', T0, 123e9)]);
    const other = await backing.open();
    try {
      const rows = await other.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0, to: T0 });
      expect(rows.map((row) => row.value)).toEqual([123e9]);
    } finally {
      await other.close();
    }
  });

  it('keeps one point when the same series and time is written twice; the last fields win', async () => {
    const r = freshRecorder();
    await store.write([disk(r, 'D:\\Recordings', T0, 400e9), disk(r, 'D:\\Recordings', T0 + MIN, 390e9)]);
    await store.write([disk(r, 'D:\\Recordings', T0, 400e9)]); // a redelivery
    await store.write([disk(r, 'D:\\Recordings', T0 + MIN, 385e9)]); // a corrected re-send
    const rows = await store.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0 - MIN, to: T0 + 10 * MIN });
    expect(rows.map((row) => [row.time, row.value])).toEqual([
      [T0, 400e9],
      [T0 + MIN, 385e9],
    ]);
  });

  it('filters by recorder, measurement, tag and an inclusive time range', async () => {
    const r = freshRecorder();
    const other = freshRecorder();
    await store.write([
      disk(r, 'D:\\Recordings', T0 - MIN, 1),
      disk(r, 'D:\\Recordings', T0, 2),
      disk(r, 'E:', T0, 3),
      disk(r, 'D:\\Recordings', T0 + 2 * MIN, 4),
      disk(r, 'D:\\Recordings', T0 + 3 * MIN, 5),
      disk(other, 'D:\\Recordings', T0, 6),
      { measurement: 'service', tags: { ...fleet(r), service: 'Recording Server' }, fields: { running: true }, time: T0 },
    ]);
    const rows = await store.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0, to: T0 + 2 * MIN, where: { path: 'D:\\Recordings' } });
    expect(rows.map((row) => row.value)).toEqual([2, 4]);
    expect(await store.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0 + 10 * MIN, to: T0 + 20 * MIN })).toEqual([]);
    expect(await store.query({ measurement: 'disk', recorder: r, field: 'no_such_field', from: T0, to: T0 + 2 * MIN })).toEqual([]);
  });

  it('keeps booleans, strings and fractional numbers as they were written', async () => {
    const r = freshRecorder();
    await store.write([
      { measurement: 'service', tags: { ...fleet(r), service: 'Recording Server' }, fields: { running: true }, time: T0 },
      { measurement: 'service', tags: { ...fleet(r), service: 'Recording Server' }, fields: { running: false }, time: T0 + MIN },
      { measurement: 'state', tags: fleet(r), fields: { state: 'degraded', problems: 2 }, time: T0 },
      { measurement: 'disk', tags: { ...fleet(r), path: 'D:\\Recordings' }, fields: { used_percent: 87.25 }, time: T0 },
    ]);
    const running = await store.query({ measurement: 'service', recorder: r, field: 'running', from: T0, to: T0 + MIN });
    expect(running).toEqual([
      { time: T0, value: true, tags: { service: 'Recording Server' } },
      { time: T0 + MIN, value: false, tags: { service: 'Recording Server' } },
    ]);
    expect(await store.query({ measurement: 'state', recorder: r, field: 'state', from: T0, to: T0 })).toEqual([{ time: T0, value: 'degraded', tags: {} }]);
    expect((await store.query({ measurement: 'disk', recorder: r, field: 'used_percent', from: T0, to: T0 }))[0]?.value).toBe(87.25);
  });

  it('with `every`, answers one row per bucket and series: the bucket start and its last (or min, max) value', async () => {
    const r = freshRecorder();
    const points: TelemetryPoint[] = [];
    // 30 minutes of one reading a minute on D:, free space falling; E: only every 10 minutes.
    for (let i = 0; i < 30; i++) points.push(disk(r, 'D:\\Recordings', T0 + i * MIN, 500 - i));
    for (let i = 0; i < 30; i += 10) points.push(disk(r, 'E:', T0 + i * MIN + 30_000, 900 + i));
    await store.write(points);
    const every = 15 * MIN;
    const last = await store.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0, to: T0 + 30 * MIN - 1, every });
    expect(last).toEqual([
      { time: T0, value: 486, tags: { path: 'D:\\Recordings' } },
      { time: T0, value: 910, tags: { path: 'E:' } },
      { time: T0 + every, value: 471, tags: { path: 'D:\\Recordings' } },
      { time: T0 + every, value: 920, tags: { path: 'E:' } },
    ]);
    const min = await store.query({
      measurement: 'disk',
      recorder: r,
      field: 'free_bytes',
      from: T0,
      to: T0 + 30 * MIN - 1,
      every,
      aggregate: 'min',
      where: { path: 'D:\\Recordings' },
    });
    expect(min.map((row) => row.value)).toEqual([486, 471]);
    const max = await store.query({
      measurement: 'disk',
      recorder: r,
      field: 'free_bytes',
      from: T0,
      to: T0 + 30 * MIN - 1,
      every,
      aggregate: 'max',
      where: { path: 'D:\\Recordings' },
    });
    expect(max.map((row) => row.value)).toEqual([500, 485]);
  });

  it('orders rows by time, then by series tags, whatever order they were written in', async () => {
    const r = freshRecorder();
    await store.write([
      disk(r, 'F:\\Archive', T0 + MIN, 6),
      disk(r, 'D:\\Recordings', T0 + 2 * MIN, 7),
      disk(r, 'E:', T0, 2),
      disk(r, 'D:\\Recordings', T0, 1),
      disk(r, 'F:\\Archive', T0, 3),
      disk(r, 'E:', T0 + MIN, 5),
      disk(r, 'D:\\Recordings', T0 + MIN, 4),
    ]);
    const rows = await store.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0, to: T0 + 2 * MIN });
    expect(rows.map((row) => row.value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('after close(), write rejects and the store opens again with everything in it', async () => {
    const r = freshRecorder();
    const own = await backing.open();
    await own.write([disk(r, 'D:\\Recordings', T0, 42)]);
    await own.close();
    await expect(own.write([disk(r, 'D:\\Recordings', T0 + MIN, 43)])).rejects.toThrow();
    const reopened = await backing.open();
    try {
      expect((await reopened.query({ measurement: 'disk', recorder: r, field: 'free_bytes', from: T0, to: T0 + MIN })).map((row) => row.value)).toEqual([42]);
    } finally {
      await reopened.close();
    }
  });
}

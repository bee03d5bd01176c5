import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSmallDisk, type SmallDisk } from '../../testing/small-disk.js';
import type { ConditionChange, DiskReading, EventOccurrence, Observation } from '../src/collectors/types.js';
import { Spool } from '../src/spool/spool.js';
import type { SqliteDatabase, SqliteDriverName } from '../src/spool/sqlite.js';
import { spoolDrivers } from './sqlite-drivers.js';

const event = (n: number): EventOccurrence => ({
  kind: 'event',
  code: 'archive-operation-failed',
  subject: `e${n}`,
  firstSeen: n,
  lastSeen: n,
  count: 1,
  severity: 'error',
  message: `archive ${n} failed`,
});
const condition = (subject: string, active: boolean): ConditionChange => ({
  kind: 'condition',
  code: 'camera-unreachable',
  subject,
  active,
  at: 1,
  severity: 'error',
  message: `camera ${subject}`,
});
const reading = (n: number): DiskReading => ({ kind: 'disk', path: `r${n}`, at: n, totalBytes: 1000, freeBytes: 10 });
const names = (observations: Observation[]) =>
  observations.map((o) =>
    o.kind === 'condition' ? `${o.subject}:${o.active ? 'raised' : 'cleared'}` : o.kind === 'event' ? o.subject : o.kind === 'disk' ? o.path : o.kind,
  );

/**
 * The spool on a real small file system filled to the last byte: a tmpfs when the test may mount
 * one (root, as in CI; required under VIGIL_STRICT=1), else SQLite's max_page_count on a normal
 * temp dir, which gives the same SQLITE_FULL.
 */
function smallSpool(
  driver: SqliteDriverName,
  maxHeldObservations: number,
  maxHeldConditions?: number,
): { spool: Spool; fill(): void; free(): void; how: string; close(): void } {
  const disk: SmallDisk | string = mountSmallDisk(1024 * 1024);
  if (typeof disk !== 'string') {
    const spool = new Spool(join(disk.dir, 'spool.db'), { driver, maxHeldObservations, ...(maxHeldConditions ? { maxHeldConditions } : {}) });
    return { spool, fill: () => disk.fill(), free: () => disk.free(), how: 'a 1 MiB tmpfs', close: () => (spool.close(), disk.close()) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-spool-full-'));
  const spool = new Spool(join(dir, 'spool.db'), { driver, maxHeldObservations, ...(maxHeldConditions ? { maxHeldConditions } : {}) });
  // The spool's own connection: max_page_count holds per connection only.
  const db = (spool as unknown as { db: SqliteDatabase }).db;
  return {
    spool,
    fill: () => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`),
    free: () => db.pragma('max_page_count = 1073741823'),
    how: `SQLite max_page_count (${disk})`,
    close: () => (spool.close(), rmSync(dir, { recursive: true, force: true })),
  };
}

describe.each(spoolDrivers())('spool on a full disk (%s)', (driver) => {
  let close: (() => void) | undefined;
  afterEach(() => {
    close?.();
    close = undefined;
  });

  it('holds what the disk cannot take, drops readings then events oldest first, keeps every condition change, and spools it all when space returns', () => {
    const small = smallSpool(driver, 10);
    close = small.close;
    console.log(`spool on a full disk: ${small.how}`);
    const { spool } = small;
    spool.add(condition('cam-a', true), false);
    expect(spool.nextBdSeq()).toBe(1);

    small.fill();
    // The last page may still take a few entries; from the first refusal on, everything is held.
    let probes = 0;
    while (spool.storageFullSince === undefined && probes < 10_000) spool.add(condition(`probe-${probes++}`, true), false);
    expect(spool.storageFullSince).toBeDefined();

    for (let n = 0; n < 5; n++) spool.add(reading(n), false);
    spool.add(condition('cam-a', false), false);
    spool.add(condition('cam-b', true), false);
    spool.add(condition('cam-b', false), false);
    for (let n = 0; n < 8; n++) spool.add(event(n), false);
    for (let n = 5; n < 9; n++) spool.add(reading(n), false);
    for (let n = 8; n < 11; n++) spool.add(event(n), false);
    // 9 readings and 11 events for 10 places: every reading went, oldest first, then the oldest
    // event; the 4 condition changes (the refused probe among them) are all held.
    expect(spool.stats()).toMatchObject({ held: 14, droppedReadings: 9, droppedEvents: 1, droppedReadingsDiskFull: 9, droppedEventsDiskFull: 1 });

    // bdSeq cannot be saved, yet it still grows, also past what a restart would count from.
    const unsaved = spool.nextBdSeq();
    expect(unsaved).toBeGreaterThan(1);
    expect(spool.nextBdSeq()).toBeGreaterThan(unsaved);
    expect(spool.flushHeld()).toBe(false);

    small.free();
    expect(spool.flushHeld()).toBe(true);
    expect(spool.storageFullSince).toBeUndefined();
    const batch = spool.nextBatch(1000, 10 * 1024 * 1024);
    const probesSpooled = Array.from({ length: probes - 1 }, (_, i) => `probe-${i}:raised`);
    expect(names(batch?.observations ?? [])).toEqual([
      'cam-a:raised',
      ...probesSpooled,
      `probe-${probes - 1}:raised`,
      'cam-a:cleared',
      'cam-b:raised',
      'cam-b:cleared',
      ...Array.from({ length: 10 }, (_, i) => `e${i + 1}`),
    ]);
    expect(spool.stats()).toMatchObject({ held: 0, droppedReadings: 9, droppedEvents: 1 });
    const afterRecovery = spool.nextBdSeq();
    expect(afterRecovery).toBeGreaterThan(unsaved + 1);
  });

  it('keeps its drop counters and its bdSeq across a restart once space returned', () => {
    const small = smallSpool(driver, 1);
    close = small.close;
    const { spool } = small;
    small.fill();
    let n = 0;
    while (spool.storageFullSince === undefined && n < 10_000) spool.add(reading(n++), false);
    spool.add(reading(n++), false);
    spool.add(reading(n++), false);
    const unsaved = spool.nextBdSeq();
    const dropped = spool.stats().droppedReadings;
    expect(dropped).toBeGreaterThan(0);
    small.free();
    expect(spool.flushHeld()).toBe(true);
    const path = (spool as unknown as { db: SqliteDatabase }).db.path;
    const again = new Spool(path, { driver });
    try {
      expect(again.stats()).toMatchObject({ droppedReadings: dropped, droppedReadingsDiskFull: dropped });
      expect(again.nextBdSeq()).toBeGreaterThan(unsaved);
    } finally {
      again.close();
    }
  });

  it('bounds condition changes in memory too: past their own bound the oldest goes, counted as an event', () => {
    const small = smallSpool(driver, 10, 3);
    close = small.close;
    const { spool } = small;
    small.fill();
    let probes = 0;
    while (spool.storageFullSince === undefined && probes < 10_000) spool.add(reading(probes++), false);
    for (let n = 0; n < 5; n++) spool.add(condition(`cam-${n}`, true), false);
    expect(spool.stats()).toMatchObject({ droppedEvents: 2, droppedEventsDiskFull: 2 });
    small.free();
    expect(spool.flushHeld()).toBe(true);
    const spooled = names(spool.nextBatch(20_000, 10 * 1024 * 1024)?.observations ?? []);
    expect(spooled.filter((name) => name.startsWith('cam-'))).toEqual(['cam-2:raised', 'cam-3:raised', 'cam-4:raised']);
  });
});

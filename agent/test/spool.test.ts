import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConditionChange, DiskReading, EventOccurrence } from '../src/collectors/types.js';
import { Spool } from '../src/spool/spool.js';
import type { SqliteDatabase } from '../src/spool/sqlite.js';
import { spoolDrivers } from './sqlite-drivers.js';

const event = (subject: string, at: number, message = 'archive failed'): EventOccurrence => ({
  kind: 'event',
  code: 'archive-operation-failed',
  subject,
  firstSeen: at,
  lastSeen: at,
  count: 1,
  severity: 'error',
  message,
});
const condition = (subject: string, active: boolean, at: number): ConditionChange => ({
  kind: 'condition',
  code: 'camera-unreachable',
  subject,
  active,
  at,
  severity: 'error',
  message: `camera ${subject}`,
});
const disk = (at: number): DiskReading => ({ kind: 'disk', path: '/media', at, totalBytes: 1000, freeBytes: 10 });

describe.each(spoolDrivers())('spool (%s)', (driver) => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-spool-'));
    path = join(dir, 'spool.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands out contiguous batches oldest first and lets entries go only on acknowledgement', () => {
    const spool = new Spool(path, { driver });
    for (let i = 0; i < 5; i++) spool.add(event(`a${i}`, 1000 + i), false);
    const first = spool.nextBatch(3, 1_000_000)!;
    const second = spool.nextBatch(3, 1_000_000)!;
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(first.observations.map((o) => (o as EventOccurrence).subject)).toEqual(['a0', 'a1', 'a2']);
    expect(spool.nextBatch(3, 1_000_000)).toBeUndefined();
    expect(spool.stats().entries).toBe(5);
    spool.acknowledge(1);
    expect(spool.stats().entries).toBe(2);
    expect(spool.unacknowledged().map((b) => b.seq)).toEqual([2]);
    spool.close();
  });

  it('after a restart re-sends unacknowledged batches with the same seq and content, and continues the sequence', () => {
    const spool = new Spool(path, { driver });
    for (let i = 0; i < 4; i++) spool.add(event(`b${i}`, 2000 + i), true);
    const sent = spool.nextBatch(2, 1_000_000)!;
    const epoch = spool.epoch;
    spool.close();

    const reopened = new Spool(path, { driver });
    expect(reopened.epoch).toBe(epoch);
    const [again] = reopened.unacknowledged();
    expect(again).toEqual(sent);
    expect(reopened.nextBatch(10, 1_000_000)!.seq).toBe(sent.seq + 1);
    reopened.close();
  });

  it('folds identical events within the window into one with a count, first and last seen', () => {
    const spool = new Spool(path, { driver, foldWindowMs: 60_000 });
    spool.add(event('cam', 10_000), false);
    spool.add(event('cam', 20_000), false);
    spool.add(event('cam', 30_000), false);
    spool.add(event('cam', 90_000), false); // outside the window of the first: a new one
    spool.add(event('cam', 31_000, 'other message'), false);
    const batch = spool.nextBatch(100, 1_000_000)!;
    const events = batch.observations as EventOccurrence[];
    expect(events.map((e) => [e.count, e.firstSeen, e.lastSeen])).toEqual([
      [3, 10_000, 30_000],
      [1, 90_000, 90_000],
      [1, 31_000, 31_000],
    ]);
    spool.close();
  });

  it('does not fold into an event already sent', () => {
    const spool = new Spool(path, { driver, foldWindowMs: 60_000 });
    spool.add(event('cam', 10_000), false);
    spool.nextBatch(100, 1_000_000);
    spool.add(event('cam', 11_000), false);
    expect(spool.nextBatch(100, 1_000_000)!.observations).toHaveLength(1);
    spool.close();
  });

  it('when full drops the oldest readings first, then events, never condition changes, and counts what it dropped', () => {
    const spool = new Spool(path, { driver, maxBytes: 4_000, foldWindowMs: 0 });
    for (let i = 0; i < 10; i++) spool.add(condition(`cam${i}`, true, i), false);
    for (let i = 0; i < 20; i++) spool.add(disk(100 + i), false);
    for (let i = 0; i < 20; i++) spool.add(event(`e${i}`, 200 + i), false);
    const stats = spool.stats();
    expect(stats.bytes).toBeLessThanOrEqual(4_000);
    expect(stats.droppedReadings).toBe(20);
    expect(stats.droppedEvents).toBeGreaterThan(0);
    const kept = spool.nextBatch(1000, 10_000_000)!.observations;
    expect(kept.filter((o) => o.kind === 'condition')).toHaveLength(10);
    expect(kept.filter((o) => o.kind === 'disk')).toHaveLength(0);
    // the newest events survive
    expect((kept.filter((o) => o.kind === 'event').at(-1) as EventOccurrence).subject).toBe('e19');
    spool.close();
  });

  it('never mixes live and historical observations in one batch', () => {
    const spool = new Spool(path, { driver });
    spool.add(event('h1', 1), true);
    spool.add(event('h2', 2), true);
    spool.add(event('l1', 3), false);
    const first = spool.nextBatch(10, 1_000_000)!;
    const second = spool.nextBatch(10, 1_000_000)!;
    expect([first.historical, first.observations.length]).toEqual([true, 2]);
    expect([second.historical, second.observations.length]).toEqual([false, 1]);
    spool.close();
  });

  it('keeps bdSeq growing across restarts', () => {
    const spool = new Spool(path, { driver });
    expect([spool.nextBdSeq(), spool.nextBdSeq()]).toEqual([1, 2]);
    spool.close();
    const reopened = new Spool(path, { driver });
    expect(reopened.nextBdSeq()).toBe(3);
    reopened.close();
  });

  it('keeps a log chunk and the offset after it together: both after a commit, neither after a failure', () => {
    const spool = new Spool(path, { driver });
    expect(() =>
      spool.atomically(() => {
        for (let i = 0; i < 3; i++) spool.add(event(`lost${i}`, 1000 + i), false);
        spool.saveOffset('1:2', { path: '/logs/a.log', offset: 300, size: 300 });
        throw new Error('matcher failed');
      }),
    ).toThrow('matcher failed');
    expect(spool.loadOffset('1:2')).toBeUndefined();
    // The byte count follows the rollback, so the bound on the spool is not reached by rows that are not there.
    expect(spool.stats()).toMatchObject({ entries: 0, bytes: 0 });

    spool.atomically(() => {
      for (let i = 0; i < 3; i++) spool.add(event(`kept${i}`, 1000 + i), false);
      spool.saveOffset('1:2', { path: '/logs/a.log', offset: 300, size: 300 });
    });
    spool.close();
    const reopened = new Spool(path, { driver });
    expect(reopened.loadOffset('1:2')).toEqual({ path: '/logs/a.log', offset: 300, size: 300 });
    expect(reopened.nextBatch(10, 1 << 20)?.observations.map((o) => (o as EventOccurrence).subject)).toEqual(['kept0', 'kept1', 'kept2']);
    reopened.close();
  });

  it('refuses to save a log offset on its own after SQLite rolled the chunk back by itself (as on SQLITE_FULL)', () => {
    const spool = new Spool(path, { driver });
    // What SQLite does on some errors: the whole transaction is gone, and the connection is back in autocommit.
    const db = (spool as unknown as { db: SqliteDatabase }).db;
    expect(() =>
      spool.atomically(() => {
        spool.add(event('rolled-back', 1000), false);
        db.exec('ROLLBACK');
        spool.saveOffset('1:2', { path: '/logs/a.log', offset: 300, size: 300 });
      }),
    ).toThrow('rolled back before its offset was saved');
    expect(spool.loadOffset('1:2')).toBeUndefined();
    expect(spool.stats()).toMatchObject({ entries: 0, bytes: 0 });
    spool.close();
  });
});

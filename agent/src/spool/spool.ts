import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Observation } from '../collectors/types.js';
import { openSqlite, type SqliteDatabase, type SqliteDriverName } from './sqlite.js';

export interface SpoolOptions {
  /** Upper bound on spooled bytes; past it the oldest readings, then events, are dropped. */
  maxBytes?: number;
  /** Identical events (code, subject, message) within this window fold into one with a count. */
  foldWindowMs?: number;
  /** While the disk is full: readings and events held in memory, at most (oldest readings go first). */
  maxHeldObservations?: number;
  /** While the disk is full: condition changes held in memory, at most (a bound, so memory is too). */
  maxHeldConditions?: number;
  /** SQLite driver (./sqlite.ts); `auto` by default: node:sqlite inside the single executable, else better-sqlite3. */
  driver?: SqliteDriverName | 'auto';
}

export interface SpooledBatch {
  seq: number;
  historical: boolean;
  observations: Observation[];
}

export interface SpoolStats {
  entries: number;
  bytes: number;
  droppedReadings: number;
  droppedEvents: number;
  /** Of droppedReadings and droppedEvents, those dropped because the disk was full (not the spool). */
  droppedReadingsDiskFull: number;
  droppedEventsDiskFull: number;
  /** Observations held in memory because the disk is full, waiting to be spooled. */
  held: number;
  ackedThrough: number;
  epoch: string;
}

/**
 * SQLite's answer when the file system has no room: SQLITE_FULL, or an I/O error when the write
 * that failed was the WAL's or a checkpoint's (ENOSPC surfaces as SQLITE_IOERR_WRITE there).
 */
export function isStorageFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR'));
}

const DROP_COUNTERS = ['droppedReadings', 'droppedEvents', 'droppedReadingsDiskFull', 'droppedEventsDiskFull'] as const;

interface Held {
  observation: Observation;
  historical: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL,
  historical INTEGER NOT NULL,
  fold_key   TEXT,
  body       TEXT NOT NULL,
  bytes      INTEGER NOT NULL,
  batch_seq  INTEGER
);
CREATE INDEX IF NOT EXISTS entries_by_batch ON entries (batch_seq, id);
CREATE INDEX IF NOT EXISTS entries_unbatched_fold ON entries (fold_key) WHERE batch_seq IS NULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS log_offsets (file_key TEXT PRIMARY KEY, path TEXT NOT NULL, offset INTEGER NOT NULL, size INTEGER);
`;

const READING_KINDS = `('disk', 'service', 'licence')`;

/**
 * The agent's durable, bounded queue (SQLite in WAL mode). Every observation is committed here
 * before anything is sent; an entry leaves only when the ingestor acknowledges the batch that
 * carried it (docs/DESIGN.md "Message semantics"). A kill -9 at any moment loses nothing
 * committed, and after a restart the unacknowledged batches are re-sent with the same seq and
 * content, which the ingestor deduplicates.
 */
export class Spool {
  private readonly db: SqliteDatabase;
  private readonly maxBytes: number;
  private readonly foldWindowMs: number;
  private readonly q;
  private bytes: number;
  private readonly meta = new Map<string, string>();
  /** Inside atomically(): an offset may only be saved within its transaction. */
  private atomicDepth = 0;
  /** Observations the full disk could not take, in arrival order; spooled first when it can. */
  private held: Held[] = [];
  private heldConditions = 0;
  private readonly maxHeldObservations: number;
  private readonly maxHeldConditions: number;
  /** A bdSeq handed out but not saved (disk full); the next one must exceed it. */
  private unsavedBdSeq = 0;
  /** Drop counters changed in memory only (disk full); saved with the next write that succeeds. */
  private countersUnsaved = false;
  /** The drop counters as last committed, and the drops made in memory since (held, then dropped). */
  private committedDrops = new Map<string, number>();
  private readonly heldDrops = new Map<string, number>();
  /** Since when writes fail for lack of room; undefined once one succeeds with nothing held. */
  private fullSince: number | undefined;

  constructor(path: string, options: SpoolOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = openSqlite(path, options.driver ?? 'auto');
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash could lose the last commit.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.foldWindowMs = options.foldWindowMs ?? 60_000;
    this.maxHeldObservations = options.maxHeldObservations ?? 1_000;
    this.maxHeldConditions = options.maxHeldConditions ?? 20_000;
    const db = this.db;
    this.q = {
      insert: db.prepare('INSERT INTO entries (kind, historical, fold_key, body, bytes) VALUES (?, ?, ?, ?, ?)'),
      foldable: db.prepare('SELECT id, body FROM entries WHERE fold_key = ? AND batch_seq IS NULL ORDER BY id DESC LIMIT 1'),
      refold: db.prepare('UPDATE entries SET body = ?, bytes = ? WHERE id = ?'),
      unbatched: db.prepare('SELECT id, historical, body, bytes FROM entries WHERE batch_seq IS NULL ORDER BY id LIMIT ?'),
      assign: db.prepare('UPDATE entries SET batch_seq = ? WHERE id = ?'),
      batchSeqs: db.prepare('SELECT DISTINCT batch_seq AS seq FROM entries WHERE batch_seq IS NOT NULL ORDER BY batch_seq'),
      batchEntries: db.prepare('SELECT historical, body FROM entries WHERE batch_seq = ? ORDER BY id'),
      ack: db.prepare('DELETE FROM entries WHERE batch_seq IS NOT NULL AND batch_seq <= ?'),
      totalBytes: db.prepare('SELECT COALESCE(SUM(bytes), 0) AS bytes, COUNT(*) AS entries FROM entries'),
      oldestDroppable: db.prepare(`SELECT id, kind, bytes FROM entries WHERE batch_seq IS NULL AND kind IN ${READING_KINDS} ORDER BY id LIMIT 500`),
      oldestEvents: db.prepare(`SELECT id, kind, bytes FROM entries WHERE batch_seq IS NULL AND kind = 'event' ORDER BY id LIMIT 500`),
      deleteOne: db.prepare('DELETE FROM entries WHERE id = ?'),
      getMeta: db.prepare('SELECT key, value FROM meta'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      offset: db.prepare('SELECT path, offset, size FROM log_offsets WHERE file_key = ?'),
      saveOffset: db.prepare(`INSERT INTO log_offsets (file_key, path, offset, size) VALUES (?, ?, ?, ?)
        ON CONFLICT (file_key) DO UPDATE SET path = excluded.path, offset = excluded.offset, size = excluded.size`),
    };
    for (const row of this.q.getMeta.all() as Array<{ key: string; value: string }>) this.meta.set(row.key, row.value);
    if (!this.meta.has('epoch')) this.setMeta('epoch', randomBytes(8).toString('hex'));
    this.bytes = (this.q.totalBytes.get() as { bytes: number }).bytes;
    this.rememberCommittedDrops();
  }

  get epoch(): string {
    return this.meta.get('epoch') as string;
  }

  get ackedThrough(): number {
    return Number(this.meta.get('ackedThrough') ?? 0);
  }

  /**
   * Next birth/death sequence; persisted so it only ever grows. When the disk is full it cannot be
   * saved, and a counter that restarts from the last saved value after a restart would repeat
   * numbers the fleet has seen (a birth below the current bdSeq is ignored as stale). So an unsaved
   * bdSeq is the wall clock in milliseconds (at least one more than any before): far above any
   * saved counter, growing across restarts as long as the clock does, and saved, to count on from,
   * once a write succeeds again.
   */
  nextBdSeq(): number {
    let next = Math.max(Number(this.meta.get('bdSeq') ?? 0), this.unsavedBdSeq) + 1;
    try {
      this.setMeta('bdSeq', String(next));
      this.unsavedBdSeq = 0;
      if (this.held.length === 0) this.fullSince = undefined;
    } catch (error) {
      if (!isStorageFull(error)) throw error;
      this.noteFull();
      next = Math.max(next, Date.now());
      this.unsavedBdSeq = next;
    }
    return next;
  }

  /** Since when writes have failed for lack of room; undefined while the disk takes them. */
  get storageFullSince(): number | undefined {
    return this.fullSince;
  }

  /**
   * Commits one observation. Events fold into an unsent identical one within the window. When the
   * disk is full it is held in memory instead (bounded, see hold) and spooled by flushHeld.
   */
  add(observation: Observation, historical: boolean): void {
    if (this.held.length > 0) {
      // Order matters (a condition raised then cleared): nothing overtakes what is held. Retrying
      // the whole held list on every observation would cost a busy agent dearly: flushHeld does,
      // on the agent's timer.
      this.hold({ observation, historical });
      return;
    }
    try {
      this.db.transaction(() => {
        this.addInTransaction(observation, historical);
        this.saveCountersInTransaction();
      })();
      this.rememberCommittedDrops();
      this.fullSince = undefined;
    } catch (error) {
      // Inside a log chunk's transaction SQLite may have rolled the whole chunk back: fail it, so it
      // is read again (then without a transaction, see atomically).
      if (!isStorageFull(error) || this.atomicDepth > 0) throw error;
      this.afterFailedWrite();
      this.hold({ observation, historical });
    }
  }

  /**
   * Spools what the full disk made us hold, in order, in one transaction; true when nothing is held
   * any more. The agent calls it every 2 s, so space that returns is used within seconds.
   */
  flushHeld(): boolean {
    if (this.held.length === 0 && !this.countersUnsaved && this.unsavedBdSeq === 0) {
      this.fullSince = undefined;
      return true;
    }
    try {
      this.db.transaction(() => {
        for (const { observation, historical } of this.held) this.addInTransaction(observation, historical);
        this.saveCountersInTransaction();
        if (this.unsavedBdSeq > Number(this.meta.get('bdSeq') ?? 0)) this.setMeta('bdSeq', String(this.unsavedBdSeq));
      })();
    } catch (error) {
      if (!isStorageFull(error)) throw error;
      this.afterFailedWrite();
      return false;
    }
    this.rememberCommittedDrops();
    this.held = [];
    this.heldConditions = 0;
    this.unsavedBdSeq = 0;
    this.fullSince = undefined;
    return true;
  }

  addMany(observations: Observation[], historical: boolean): void {
    this.db.transaction(() => {
      for (const o of observations) this.addInTransaction(o, historical);
    })();
  }

  /** Assigns the next seq to the oldest unsent entries (never mixing live and historical). */
  nextBatch(maxEntries: number, maxBytes: number): SpooledBatch | undefined {
    return this.db.transaction(() => {
      const rows = this.q.unbatched.all(maxEntries) as Array<{ id: number; historical: number; body: string; bytes: number }>;
      if (rows.length === 0) return undefined;
      const historical = rows[0]!.historical === 1;
      const seq = Number(this.meta.get('nextSeq') ?? this.ackedThrough + 1);
      const observations: Observation[] = [];
      let size = 0;
      for (const row of rows) {
        if ((row.historical === 1) !== historical) break;
        if (observations.length > 0 && size + row.bytes > maxBytes) break;
        this.q.assign.run(seq, row.id);
        observations.push(JSON.parse(row.body) as Observation);
        size += row.bytes;
      }
      this.setMeta('nextSeq', String(seq + 1));
      return { seq, historical, observations };
    })();
  }

  /** Batches already given a seq but not acknowledged, oldest first: re-sent after a reconnect. */
  unacknowledged(): SpooledBatch[] {
    return (this.q.batchSeqs.all() as Array<{ seq: number }>).map(({ seq }) => {
      const rows = this.q.batchEntries.all(seq) as Array<{ historical: number; body: string }>;
      return { seq, historical: rows[0]?.historical === 1, observations: rows.map((r) => JSON.parse(r.body) as Observation) };
    });
  }

  /** The ingestor has stored every batch up to seq: let them go. */
  acknowledge(seq: number): number {
    if (seq <= this.ackedThrough) return 0;
    return this.db.transaction(() => {
      const removed = this.q.ack.run(seq).changes;
      this.setMeta('ackedThrough', String(seq));
      if (Number(this.meta.get('nextSeq') ?? 0) <= seq) this.setMeta('nextSeq', String(seq + 1));
      this.bytes = (this.q.totalBytes.get() as { bytes: number }).bytes;
      return removed;
    })();
  }

  stats(): SpoolStats {
    const { entries } = this.q.totalBytes.get() as { entries: number };
    return {
      entries,
      bytes: this.bytes,
      droppedReadings: Number(this.meta.get('droppedReadings') ?? 0),
      droppedEvents: Number(this.meta.get('droppedEvents') ?? 0),
      droppedReadingsDiskFull: Number(this.meta.get('droppedReadingsDiskFull') ?? 0),
      droppedEventsDiskFull: Number(this.meta.get('droppedEventsDiskFull') ?? 0),
      held: this.held.length,
      ackedThrough: this.ackedThrough,
      epoch: this.epoch,
    };
  }

  /**
   * Runs `work` in one SQLite transaction: the tailer hands over a chunk of log lines (their
   * observations arrive through add()) and saves the offset after them inside it, so a kill leaves
   * either both or neither, never lines that a restart would spool again. One transaction per
   * chunk (up to 1 MiB), not per line, keeps a backlog read fast. Only synchronous work belongs
   * here; nothing else can touch the database meanwhile.
   *
   * While the disk is full a chunk runs without a transaction: its observations are held in memory
   * like any others (add), and no offset is saved while anything is held, so a restart reads those
   * lines again from the file instead of losing them. The chunk during which the disk fills is
   * rolled back whole and read again that way. Known gap: a kill after held lines were spooled
   * (space returned) and before the next offset was saved spools them a second time.
   */
  atomically<T>(work: () => T): T {
    if (this.held.length > 0 || this.fullSince !== undefined) return work();
    this.atomicDepth++;
    try {
      return this.db.transaction(work)();
    } catch (error) {
      // The rollback undid rows that the byte count and the meta cache had already counted; the
      // drops made in memory (disk full) count on top of what is committed.
      this.resync();
      this.afterFailedWrite(isStorageFull(error));
      throw error;
    } finally {
      this.atomicDepth--;
    }
  }

  /** True while a chunk's transaction runs (atomically): an offset saved now belongs to it. */
  get inChunk(): boolean {
    return this.atomicDepth > 0;
  }

  /** Log offsets live in the same database, so an offset is saved in the same transaction as its lines (atomically). */
  loadOffset(fileKey: string): { path: string; offset: number; size?: number } | undefined {
    const row = this.q.offset.get(fileKey) as { path: string; offset: number; size: number | null } | undefined;
    if (!row) return undefined;
    return row.size === null ? { path: row.path, offset: row.offset } : { path: row.path, offset: row.offset, size: row.size };
  }

  saveOffset(fileKey: string, saved: { path: string; offset: number; size?: number }): void {
    // SQLite may roll a transaction back by itself on an error such as SQLITE_FULL; an offset
    // saved after that would commit on its own, past observations that are gone.
    if (this.atomicDepth > 0 && !this.db.inTransaction) throw new Error('the log chunk was rolled back before its offset was saved; it will be read again');
    // Lines whose observations are only held in memory (disk full) must be read again after a restart.
    if (this.held.length > 0) return;
    this.q.saveOffset.run(fileKey, saved.path, saved.offset, saved.size ?? null);
  }

  close(): void {
    this.db.close();
  }

  private addInTransaction(observation: Observation, historical: boolean): void {
    if (observation.kind === 'event') {
      const foldKey = `${observation.code}\u0000${observation.subject}\u0000${observation.message}`;
      const open = this.q.foldable.get(foldKey) as { id: number; body: string } | undefined;
      if (open) {
        const folded = JSON.parse(open.body) as typeof observation;
        if (observation.firstSeen - folded.firstSeen <= this.foldWindowMs && observation.firstSeen >= folded.firstSeen) {
          folded.count += observation.count;
          folded.lastSeen = Math.max(folded.lastSeen, observation.lastSeen);
          const body = JSON.stringify(folded);
          this.q.refold.run(body, body.length, open.id);
          return;
        }
      }
      this.insert(observation, historical, foldKey);
      return;
    }
    this.insert(observation, historical, null);
  }

  private insert(observation: Observation, historical: boolean, foldKey: string | null): void {
    const body = JSON.stringify(observation);
    this.q.insert.run(observation.kind, historical ? 1 : 0, foldKey, body, body.length);
    this.bytes += body.length;
    if (this.bytes > this.maxBytes) this.makeRoom();
  }

  /** Drops the oldest unsent readings, then events; never condition changes. */
  private makeRoom(): void {
    for (const [query, counter] of [
      [this.q.oldestDroppable, 'droppedReadings'],
      [this.q.oldestEvents, 'droppedEvents'],
    ] as const) {
      let dropped = 0;
      while (this.bytes > this.maxBytes) {
        const rows = query.all() as Array<{ id: number; bytes: number }>;
        if (rows.length === 0) break;
        for (const row of rows) {
          if (this.bytes <= this.maxBytes) break;
          this.q.deleteOne.run(row.id);
          this.bytes -= row.bytes;
          dropped++;
        }
      }
      if (dropped > 0) this.setMeta(counter, String(Number(this.meta.get(counter) ?? 0) + dropped));
      if (this.bytes <= this.maxBytes) return;
    }
  }

  private resync(): void {
    this.meta.clear();
    for (const row of this.q.getMeta.all() as Array<{ key: string; value: string }>) this.meta.set(row.key, row.value);
    this.bytes = (this.q.totalBytes.get() as { bytes: number }).bytes;
  }

  /**
   * Holds an observation the disk cannot take. Memory is bounded too: past maxHeldObservations
   * readings and events, the oldest reading is dropped, then (none left) the oldest event; condition
   * changes have their own, larger bound and go only past it, oldest first, counted as events.
   * Every drop counts in the batch's running totals and in the disk-full share of them.
   */
  private hold(entry: Held): void {
    this.held.push(entry);
    if (entry.observation.kind === 'condition') {
      this.heldConditions++;
      if (this.heldConditions > this.maxHeldConditions && this.dropHeld((o) => o.kind === 'condition', 'Events')) this.heldConditions--;
      return;
    }
    if (this.held.length - this.heldConditions <= this.maxHeldObservations) return;
    if (!this.dropHeld((o) => o.kind !== 'condition' && o.kind !== 'event', 'Readings')) this.dropHeld((o) => o.kind === 'event', 'Events');
  }

  private dropHeld(which: (o: Observation) => boolean, counter: 'Readings' | 'Events'): boolean {
    const index = this.held.findIndex((h) => which(h.observation));
    if (index < 0) return false;
    this.held.splice(index, 1);
    for (const key of [`dropped${counter}`, `dropped${counter}DiskFull`]) {
      this.meta.set(key, String(Number(this.meta.get(key) ?? 0) + 1));
      this.heldDrops.set(key, (this.heldDrops.get(key) ?? 0) + 1);
    }
    this.countersUnsaved = true;
    return true;
  }

  private saveCountersInTransaction(): void {
    if (!this.countersUnsaved) return;
    for (const key of DROP_COUNTERS) {
      const value = this.meta.get(key);
      if (value !== undefined) this.q.setMeta.run(key, value);
    }
    this.countersUnsaved = false;
  }

  /**
   * A rolled-back transaction may have moved the in-memory byte count and drop counters (makeRoom
   * counts as it deletes); the database and the drops made in memory have the truth.
   */
  private afterFailedWrite(full = true): void {
    if (full) this.noteFull();
    this.bytes = (this.q.totalBytes.get() as { bytes: number }).bytes;
    for (const key of DROP_COUNTERS) this.meta.set(key, String((this.committedDrops.get(key) ?? 0) + (this.heldDrops.get(key) ?? 0)));
    this.countersUnsaved = true;
  }

  /** After a commit: the counters are saved, including the drops made in memory. */
  private rememberCommittedDrops(): void {
    this.committedDrops = new Map(DROP_COUNTERS.map((key) => [key, Number(this.meta.get(key) ?? 0)]));
    this.heldDrops.clear();
  }

  private noteFull(): void {
    this.fullSince ??= Date.now();
  }

  private setMeta(key: string, value: string): void {
    this.q.setMeta.run(key, value);
    this.meta.set(key, value);
  }
}

/**
 * Undo steps for the in-memory side of an open message group. SQLite rolls back the rows of a
 * group (or of one message) that failed, but the caches beside it (fleet state, spool positions,
 * fleet tags, staged outbox points) were changed by the same messages. Those caches are held in
 * `UndoableMap`/`UndoableSet` (below), which record here how to put every change back, so a
 * rollback leaves memory exactly as the database is; a cache that is not one of them cannot be
 * changed inside a group without saying how to undo it.
 *
 * Recording is on only while a group is open (`GroupCommit` turns it on and clears the log at
 * every COMMIT): changes made outside a group (the sweeper) are written on their own and need no
 * undo.
 */
export class UndoLog {
  private readonly steps: Array<() => void> = [];
  private on = false;

  get recording(): boolean {
    return this.on;
  }

  /** Where the log stands now: `rollbackTo(mark)` undoes everything recorded after it. */
  get mark(): number {
    return this.steps.length;
  }

  record(step: () => void): void {
    if (this.on) this.steps.push(step);
  }

  /** Runs the steps recorded after `mark`, newest first, and forgets them. */
  rollbackTo(mark: number): void {
    while (this.steps.length > mark) this.steps.pop()!();
  }

  /** A group opened: record from here. */
  start(): void {
    this.steps.length = 0;
    this.on = true;
  }

  /** The group committed (or is gone): nothing to undo any more. */
  stop(): void {
    this.steps.length = 0;
    this.on = false;
  }
}

/**
 * A map whose every change inside a message group records its undo. Values are replaced, never
 * changed in place (they are readonly to callers), so putting the previous value back is the whole
 * undo: a change that would escape the log does not type-check.
 */
export class UndoableMap<K, V> {
  private readonly entries = new Map<K, Readonly<V>>();

  constructor(private readonly undo: UndoLog) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): Readonly<V> | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: Readonly<V>): void {
    if (this.undo.recording) this.recordRestore(key);
    this.entries.set(key, value);
  }

  delete(key: K): void {
    if (!this.entries.has(key)) return;
    if (this.undo.recording) this.recordRestore(key);
    this.entries.delete(key);
  }

  values(): IterableIterator<Readonly<V>> {
    return this.entries.values();
  }

  [Symbol.iterator](): IterableIterator<[K, Readonly<V>]> {
    return this.entries[Symbol.iterator]();
  }

  private recordRestore(key: K): void {
    const had = this.entries.has(key);
    const before = this.entries.get(key);
    this.undo.record(had ? () => this.entries.set(key, before!) : () => this.entries.delete(key));
  }
}

/** A set whose every change inside a message group records its undo. */
export class UndoableSet<T> {
  private readonly members = new Set<T>();

  constructor(private readonly undo: UndoLog) {}

  get size(): number {
    return this.members.size;
  }

  has(value: T): boolean {
    return this.members.has(value);
  }

  add(value: T): void {
    if (this.members.has(value)) return;
    this.members.add(value);
    this.undo.record(() => this.members.delete(value));
  }

  delete(value: T): void {
    if (!this.members.delete(value)) return;
    this.undo.record(() => this.members.add(value));
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.members[Symbol.iterator]();
  }
}

/** Members by key (recorders by site), every change inside a message group recorded. */
export class UndoableIndex<K, V> {
  private readonly groups = new Map<K, Set<V>>();

  constructor(private readonly undo: UndoLog) {}

  members(key: K): ReadonlySet<V> | undefined {
    return this.groups.get(key);
  }

  add(key: K, value: V): void {
    if (!this.insert(key, value)) return;
    this.undo.record(() => this.remove(key, value));
  }

  delete(key: K, value: V): void {
    if (!this.take(key, value)) return;
    this.undo.record(() => this.insert(key, value));
  }

  [Symbol.iterator](): IterableIterator<[K, ReadonlySet<V>]> {
    return this.groups[Symbol.iterator]();
  }

  private insert(key: K, value: V): boolean {
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new Set()));
    if (group.has(value)) return false;
    group.add(value);
    return true;
  }

  /** Without recording: undoing must not record. */
  private remove(key: K, value: V): void {
    this.take(key, value);
  }

  private take(key: K, value: V): boolean {
    const group = this.groups.get(key);
    if (!group?.delete(value)) return false;
    if (group.size === 0) this.groups.delete(key);
    return true;
  }
}

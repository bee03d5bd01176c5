import type Database from 'better-sqlite3';
import { UndoLog } from './undo-log.js';

export interface GroupCommitOptions {
  /** Commit once the open group holds this many messages. Default 256. */
  maxMessages?: number;
  /** Commit at the latest this long after the group opened. Default 5 ms. */
  maxDelayMs?: number;
  /** After each COMMIT, before the deferred actions run: how many messages it held. */
  onCommitted?: (messages: number) => void;
  /**
   * SQLite rolled the whole group back (a failed COMMIT, or an error such as a full disk that ends
   * the transaction): its messages are not stored and their deferred actions were discarded.
   */
  onLost?: (error: Error, messages: number) => void;
  /** A deferred action threw; the others still run. */
  onActionError?: (error: Error) => void;
  /**
   * A message failed and its group was rolled back to be applied again message by message: the
   * in-memory changes recorded in `undo` are already undone; drop any other cache of what the group
   * wrote (e.g. rows read back inside it).
   */
  onRolledBack?: () => void;
  /** A message that had applied cleanly failed when the group was applied again after another failed: it is not stored. */
  onReapplyFailed?: (error: Error) => void;
}

/**
 * Group commit on fleet.db: one SQLite transaction stays open across several messages and commits
 * when it holds `maxMessages`, `maxDelayMs` after it opened, or when `commit()` is called (a birth
 * or death, the outbox drain, the sweeper, close). A COMMIT costs as much as the rest of a small
 * message's work; sharing it is what lets one thread keep up with thousands of messages a second.
 *
 * Messages are applied optimistically, without a savepoint each (a SAVEPOINT and its RELEASE cost
 * a fifth of a message's work). When one throws, the whole group is rolled back, in SQLite and in
 * memory (`undo`), and its earlier messages are applied again, now each in its own savepoint, so
 * the one that failed is the only one lost; the rest of that group keeps using savepoints. The
 * in-memory state a message changes lives in UndoableMap/UndoableSet on `undo`, which record the
 * way back by themselves.
 *
 * Whatever tells the outside world a message is stored (end-to-end acks, state publishes,
 * announcements) goes through `later()`, and runs only after the COMMIT of the group that holds the
 * message, in the order it was asked for; the actions of a message that rolled back never run.
 * Outbox accounting happens in `onCommitted`, before those actions.
 */
export class GroupCommit {
  /** In-memory changes of the open group, undone when SQLite rolls it (or one message) back. */
  readonly undo = new UndoLog();
  private open = false;
  private messages = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Actions of the messages applied in the open group, run after its COMMIT. */
  private afterCommit: Array<() => void> = [];
  /** Actions of the message being applied, kept only if it applies cleanly. */
  private messageActions: Array<() => void> | undefined;
  /** The messages applied in the open group, to apply again if a later one fails. */
  private applied: Array<() => unknown> = [];
  /** After a failure in the open group: each message gets its own savepoint until the group commits. */
  private isolating = false;
  private readonly inSavepoint: (work: () => unknown) => unknown;
  private readonly maxMessages: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly db: Database.Database,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxMessages = options.maxMessages ?? 256;
    this.maxDelayMs = options.maxDelayMs ?? 5;
    // Made once: better-sqlite3 builds four wrappers each time transaction() is called.
    this.inSavepoint = db.transaction((work: () => unknown) => work());
  }

  /** Messages applied in the open group, not yet committed. */
  get pending(): number {
    return this.messages;
  }

  /**
   * Applies one message in the open group (opening one when none is). Throws what `work` throws,
   * with the message's writes and recorded in-memory changes rolled back and its actions discarded;
   * the group's other messages stay applied.
   */
  apply<T>(work: () => T): T {
    if (this.messageActions) throw new Error('GroupCommit.apply is not re-entrant');
    if (!this.open) this.begin();
    const mark = this.undo.mark;
    const actions: Array<() => void> = [];
    this.messageActions = actions;
    let result: T;
    try {
      result = this.isolating ? (this.inSavepoint(work) as T) : work();
    } catch (error) {
      this.messageActions = undefined;
      if (this.isolating) {
        this.undo.rollbackTo(mark);
        if (!this.db.inTransaction) this.lost(error as Error);
      } else {
        this.reapplyAlone();
      }
      throw error;
    }
    this.messageActions = undefined;
    if (!this.db.inTransaction) {
      // Cannot happen while SQLite behaves; if it does, nothing of the group is stored.
      this.lost(new Error('the group transaction ended unexpectedly'));
      return result;
    }
    if (!this.isolating) this.applied.push(work);
    this.afterCommit.push(...actions);
    this.messages++;
    if (this.messages >= this.maxMessages) this.commit();
    return result;
  }

  /**
   * Runs `action` once what has been applied so far is committed: at once when no group is open,
   * else after the group's COMMIT (and never, for a message that rolls back).
   */
  later(action: () => void): void {
    if (this.messageActions) this.messageActions.push(action);
    else if (this.open) this.afterCommit.push(action);
    else action();
  }

  /** Commits the open group (if any), then runs its deferred actions in order. */
  commit(): void {
    if (this.messageActions) throw new Error('GroupCommit.commit called while a message is being applied');
    if (!this.open) return;
    const messages = this.messages;
    const actions = this.afterCommit;
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.lost(error as Error);
      return;
    }
    this.reset();
    this.options.onCommitted?.(messages);
    for (const action of actions) {
      try {
        action();
      } catch (error) {
        this.options.onActionError?.(error as Error);
      }
    }
  }

  /**
   * The message being applied threw, in a group without savepoints: SQLite cannot undo it alone,
   * so the whole group goes, and its earlier messages are applied again, each in a savepoint.
   */
  private reapplyAlone(): void {
    const earlier = this.applied;
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.undo.rollbackTo(0);
    this.options.onRolledBack?.();
    this.applied = [];
    this.afterCommit = [];
    this.messages = 0;
    this.isolating = true;
    // Same group, same deadline: the timer keeps running.
    this.db.exec('BEGIN');
    for (const work of earlier) {
      try {
        this.apply(work);
      } catch (error) {
        this.options.onReapplyFailed?.(error as Error);
      }
    }
  }

  private begin(): void {
    this.db.exec('BEGIN');
    this.open = true;
    this.undo.start();
    this.timer = setTimeout(() => this.commit(), this.maxDelayMs);
  }

  /** Nothing of the open group is stored: memory goes back to what the database holds. */
  private lost(error: Error): void {
    const messages = this.messages;
    this.undo.rollbackTo(0);
    this.reset();
    this.options.onLost?.(error, messages);
  }

  private reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.open = false;
    this.isolating = false;
    this.messages = 0;
    this.afterCommit = [];
    this.applied = [];
    this.undo.stop();
  }
}

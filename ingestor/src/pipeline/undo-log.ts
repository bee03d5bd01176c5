/**
 * Undo steps for the in-memory side of an open message group. SQLite rolls back the rows of a
 * group (or of one message) that failed, but the caches beside it (fleet state, spool positions,
 * staged outbox points) were changed by the same messages; each change records here how to put
 * the previous value back, so a rollback leaves memory exactly as the database is.
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

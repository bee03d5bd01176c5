import type { ConditionChange } from '../types.js';

/**
 * Conditions are reported on change only, but logs repeat themselves ("unable to connect" every
 * few seconds while a camera is down). This remembers the last state sent per code and subject.
 * After a restart nothing is remembered, so the first line seen is always sent: the server may
 * hold a condition this process never saw raised.
 */
export class ConditionTracker {
  private readonly lastSent = new Map<string, boolean>();
  /** Inside a chunk: what each key remembered before it, to forget the chunk's changes if it fails. */
  private journal: Map<string, boolean | undefined> | undefined;

  /** Past this many subjects the memory starts over; the cost is a few repeated, harmless changes. */
  constructor(private readonly limit = 10_000) {}

  /** True when `change` differs from the last state sent for its code and subject. */
  isChange(change: ConditionChange): boolean {
    return this.lastSent.get(keyOf(change)) !== change.active;
  }

  /**
   * Runs a chunk of log lines (and its commit). If it throws, its lines will be read again, so the
   * changes it remembered are forgotten: otherwise the second reading would find them already sent
   * and drop them.
   */
  inChunk<T>(work: () => T): T {
    const journal = new Map<string, boolean | undefined>();
    this.journal = journal;
    try {
      return work();
    } catch (error) {
      for (const [key, before] of journal) {
        if (before === undefined) this.lastSent.delete(key);
        else this.lastSent.set(key, before);
      }
      throw error;
    } finally {
      this.journal = undefined;
    }
  }

  /** Call once the change was emitted: a change the sink refused must be sent again. */
  remember(change: ConditionChange): void {
    const key = keyOf(change);
    if (this.journal && !this.journal.has(key)) this.journal.set(key, this.lastSent.get(key));
    if (this.lastSent.size >= this.limit && !this.lastSent.has(key)) this.lastSent.clear();
    this.lastSent.set(key, change.active);
  }
}

function keyOf(change: ConditionChange): string {
  return `${change.code}\u0000${change.subject}`;
}

import type { FleetDb } from '../registry/fleet-db.js';
import { UndoableMap, UndoLog } from './undo-log.js';

interface Position {
  epoch: string;
  acked: number;
  /** Stored batches above a gap, waiting for it to fill. */
  pending: Set<number>;
}

/** A position as the map holds it: replaced whole, never changed in place. */
type StoredPosition = { readonly [K in keyof Position]: K extends 'pending' ? ReadonlySet<number> : Position[K] };

/**
 * End-to-end acknowledgement (docs/DESIGN.md "Message semantics"): per recorder, the highest contiguous data-batch seq
 * durably stored, in the agent's current spool epoch. A batch at or below it, or already stored
 * above a gap, is a duplicate (a re-send after a reconnect or crash) and is not applied again.
 */
export class AckTracker {
  /** Replaced, never changed in place: `changing()` hands out the copy a message may change. */
  private readonly positions: UndoableMap<string, StoredPosition>;

  /** `undo`: where changes made inside a message group record how to undo them (the group's). */
  constructor(
    private readonly db: FleetDb,
    undo: UndoLog = new UndoLog(),
  ) {
    this.positions = new UndoableMap(undo);
  }

  /** The agent says, in its birth, which spool it has and what it has already let go of. */
  birth(recorderId: string, epoch: string, ackedThrough: number): number {
    const position = this.changing(recorderId);
    if (position.epoch !== epoch) {
      position.epoch = epoch;
      position.acked = ackedThrough;
      position.pending.clear();
    } else if (ackedThrough > position.acked) {
      position.acked = ackedThrough;
      this.advance(position);
    }
    this.db.setSpoolPosition(recorderId, position.epoch, position.acked);
    return position.acked;
  }

  isDuplicate(recorderId: string, epoch: string, seq: number): boolean {
    const position = this.position(recorderId);
    if (position.epoch !== epoch) return false;
    return seq <= position.acked || position.pending.has(seq);
  }

  /**
   * Records a stored batch (call inside the same transaction); returns the new contiguous seq. With
   * `save: false` the caller writes the position (`acked()`) to fleet.db itself, in that transaction.
   */
  stored(recorderId: string, epoch: string, seq: number, save = true): number {
    const position = this.changing(recorderId);
    if (position.epoch !== epoch) {
      // A spool we have acknowledged nothing of: every seq below this one is still the agent's to
      // send. Batches do not always come oldest first: after a crash here, the broker redelivers
      // what we had not PUBACKed while the agent re-sends what we had, so batch 4 can come before
      // 1-3 and before the session's birth. Taking 1-3 as acknowledged would drop them as
      // duplicates: lost. The birth says what the agent has let go of (birth()) and fills the gap.
      position.epoch = epoch;
      position.acked = 0;
      position.pending.clear();
    }
    if (seq === position.acked + 1) {
      position.acked = seq;
      this.advance(position);
    } else if (seq > position.acked) {
      position.pending.add(seq);
    }
    if (save) this.db.setSpoolPosition(recorderId, position.epoch, position.acked);
    return position.acked;
  }

  acked(recorderId: string): { epoch: string; seq: number } {
    const position = this.position(recorderId);
    return { epoch: position.epoch, seq: position.acked };
  }

  private advance(position: Position): void {
    while (position.pending.delete(position.acked + 1)) position.acked++;
    for (const seq of position.pending) if (seq <= position.acked) position.pending.delete(seq);
  }

  /**
   * The position a message is about to change: a copy that replaces the stored one, so the map
   * records the way back (its group may roll back).
   */
  private changing(recorderId: string): Position {
    const current = this.position(recorderId);
    const position: Position = { epoch: current.epoch, acked: current.acked, pending: new Set(current.pending) };
    this.positions.set(recorderId, position);
    return position;
  }

  private position(recorderId: string): StoredPosition {
    let position = this.positions.get(recorderId);
    if (!position) {
      const saved = this.db.spoolPosition(recorderId);
      position = { epoch: saved?.epoch ?? '', acked: saved?.ackedSeq ?? 0, pending: new Set() };
      this.positions.set(recorderId, position);
    }
    return position;
  }

  /** Every cached position (tests compare memory with fleet.db). */
  cached(): Array<{ recorderId: string; epoch: string; seq: number }> {
    return [...this.positions].map(([recorderId, position]) => ({ recorderId, epoch: position.epoch, seq: position.acked }));
  }
}

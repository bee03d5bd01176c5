import type { FleetDb } from '../registry/fleet-db.js';
import { UndoableMap, UndoLog } from './undo-log.js';

/**
 * Below this we leave an agent's times as they are: NTP keeps a healthy clock within a second, and
 * transit plus a message waiting in a busy ingestor can add seconds to our estimate, so correcting
 * small offsets would mostly move right times by our own noise. Two minutes is far above that, and
 * well below the 10 min beyond which validation moves a time in the future to the receive time.
 */
export const CLOCK_OFFSET_TOLERANCE_MS = 2 * 60_000;
/**
 * Once correcting, we go on until the offset falls below this: a clock that sits near the
 * tolerance would otherwise start and stop being corrected (and raise and clear its problem) with
 * every heartbeat's transit jitter.
 */
export const CLOCK_OFFSET_SETTLED_MS = 60_000;
/**
 * Two heartbeats agree when their offsets differ by at most this (and by at most a quarter of the
 * time between them): live ones differ by transit jitter only, while heartbeats the broker held for
 * us and delivers in a burst (after our restart) differ by about the time between them.
 */
export const CLOCK_SAMPLES_AGREE_MS = 5_000;
/** The correction in force changes only when the estimate moved this far: transit jitter rewrites nothing. */
export const CLOCK_OFFSET_STEP_MS = 1_000;

/** The correction in force for a recorder changed (0: none). */
export interface ClockOffsetChange {
  previousMs: number;
  currentMs: number;
}

interface ClockRecord {
  /** The last sample: when the agent sent it (its clock), and receive time minus that. */
  readonly last: { readonly sentAt: number; readonly offsetMs: number } | undefined;
  /** How far behind ours the agent's clock is, transit left out as well as we can, once known. */
  readonly estimateMs: number | undefined;
  /** What is added to the recorder's observation times now; 0 within tolerance. Kept in fleet.db. */
  readonly appliedMs: number;
}

/**
 * Each recorder's clock offset (docs/DESIGN.md "Time"), estimated from the births and heartbeats
 * it sends live: each carries its send time on the agent's clock, and receive time minus send time
 * is the offset plus the transit. Transit only ever adds, and a message the broker held for us
 * (while we restarted) arrives late, so its sample is too high, never too low. Hence:
 *
 * - a sample lower than the estimate is taken at once (the agent's clock was stepped forward, or
 *   this message travelled faster);
 * - otherwise the estimate moves only when two successive samples agree, i.e. the two messages
 *   arrived as far apart as they were sent, which held-back messages delivered in a burst do not;
 *   it becomes the lower of the two;
 * - a copy of the last message (redelivered) says nothing; a message sent "before" the last one
 *   (the agent's clock was set back, or an older message came late) agrees with nothing before it.
 *
 * Beyond CLOCK_OFFSET_TOLERANCE_MS the estimate is applied to the recorder's observation times
 * until it falls below CLOCK_OFFSET_SETTLED_MS. The first sample of a recorder without an estimate
 * is believed alone when it arrived live (we had been connected for a while, so the broker was not
 * holding it for us): a new agent a day behind sends its birth and then its backlog at once, and
 * the backlog must not wait for a second heartbeat to be corrected. A first sample held for us is
 * not, and waits for agreement like any other.
 */
export class ClockOffsets {
  /** Replaced, never changed in place: its group may roll back. */
  private readonly records: UndoableMap<string, ClockRecord>;

  constructor(
    private readonly db: FleetDb,
    undo: UndoLog = new UndoLog(),
  ) {
    this.records = new UndoableMap(undo);
  }

  /** What to add to the recorder's observation times (0: leave them). */
  offsetOf(recorderId: string): number {
    return this.record(recorderId).appliedMs;
  }

  /**
   * A birth or heartbeat sent at `sentAt` (agent's clock) and received at `receivedAt` (ours).
   * `live`: it reached us while we had been connected for a while, so the broker did not hold it
   * for us; a first sample that is live is believed on its own (see the class comment).
   * Returns the change of the correction in force, which is then already in fleet.db.
   */
  sample(recorderId: string, sentAt: number, receivedAt: number, live = false): ClockOffsetChange | undefined {
    if (!(sentAt > 0)) return undefined; // an agent that does not say when it sent
    const current = this.record(recorderId);
    const { last } = current;
    if (last && sentAt === last.sentAt) return undefined;
    const offsetMs = receivedAt - sentAt;
    let estimateMs = current.estimateMs;
    // (sentAt - last.sentAt) / 4 is negative when the agent's clock went back: no agreement then.
    if (last && Math.abs(offsetMs - last.offsetMs) <= Math.min(CLOCK_SAMPLES_AGREE_MS, (sentAt - last.sentAt) / 4)) {
      estimateMs = Math.min(offsetMs, last.offsetMs);
    } else if (estimateMs !== undefined && offsetMs < estimateMs) {
      estimateMs = offsetMs;
    } else if (estimateMs === undefined && live) {
      estimateMs = offsetMs;
    }
    const appliedMs = correction(current.appliedMs, estimateMs);
    this.records.set(recorderId, { last: { sentAt, offsetMs }, estimateMs, appliedMs });
    if (appliedMs === current.appliedMs) return undefined;
    this.db.ensureRecorder(recorderId, receivedAt);
    this.db.setClockOffset(recorderId, appliedMs);
    return { previousMs: current.appliedMs, currentMs: appliedMs };
  }

  /** Every cached correction (tests compare memory with fleet.db). */
  cached(): Array<{ recorderId: string; appliedMs: number }> {
    return [...this.records].map(([recorderId, record]) => ({ recorderId, appliedMs: record.appliedMs }));
  }

  private record(recorderId: string): ClockRecord {
    let record = this.records.get(recorderId);
    if (!record) {
      // After a restart the stored correction holds until two live heartbeats agree on a new one.
      const appliedMs = this.db.clockOffsetOf(recorderId);
      record = { last: undefined, estimateMs: appliedMs === 0 ? undefined : appliedMs, appliedMs };
      this.records.set(recorderId, record);
    }
    return record;
  }
}

/** The correction to apply given the one in force and the estimate (tolerance, hysteresis, step). */
function correction(appliedMs: number, estimateMs: number | undefined): number {
  if (estimateMs === undefined) return appliedMs;
  const size = Math.abs(estimateMs);
  if (appliedMs === 0) return size > CLOCK_OFFSET_TOLERANCE_MS ? estimateMs : 0;
  if (size < CLOCK_OFFSET_SETTLED_MS) return 0;
  return Math.abs(estimateMs - appliedMs) >= CLOCK_OFFSET_STEP_MS ? estimateMs : appliedMs;
}

/** A change worth a log line: the correction starts, stops, or moves by more than the tolerance. */
export function isNotable(change: ClockOffsetChange): boolean {
  return change.previousMs === 0 || change.currentMs === 0 || Math.abs(change.currentMs - change.previousMs) > CLOCK_OFFSET_TOLERANCE_MS;
}

/** "1 d 0 h", "3 h 12 min", "2 min 30 s": an offset as people read it, without its sign. */
export function offsetText(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return `${minutes} min ${seconds % 60} s`;
}

/** The agent-clock-off problem's message. */
export function clockOffText(offsetMs: number): string {
  return `agent clock ${offsetText(offsetMs)} ${offsetMs < 0 ? 'ahead' : 'behind'}; its times are corrected`;
}

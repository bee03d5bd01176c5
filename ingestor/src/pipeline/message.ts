import type { EnvelopeError, OpenedEnvelope } from '@vigil/proto/envelope';
import type { RecorderTopicKind, vigil } from '@vigil/proto/wire';
import type { StateChange } from '../state/fleet-state.js';
import type { ClockOffsetChange } from './clock-offsets.js';
import type { AdjustReason } from './validate.js';

/**
 * The message as it goes through the pipeline (pipeline/build.ts): each stage takes the shape the
 * one before it gives and returns the next, or says why the message is dropped.
 */

export type DropReason = EnvelopeError['reason'] | 'bad-topic' | 'wrong-payload-kind' | 'oversized-batch' | 'processing-error';

/** A stage's verdict that the message cannot be used: counted by reason, never applied, not acknowledged. */
export interface Dropped {
  readonly dropped: DropReason;
  readonly detail: string;
}

export function dropped(reason: DropReason, detail: string): Dropped {
  return { dropped: reason, detail };
}

export function isDropped(value: object): value is Dropped {
  return 'dropped' in value;
}

/** As the broker delivered it. */
export interface Received {
  readonly topic: string;
  readonly bytes: Buffer;
}

/** From a recorder we know, signed by it, opened, its payload the kind its topic says. */
export interface Opened {
  readonly topic: string;
  readonly recorderId: string;
  readonly kind: RecorderTopicKind;
  readonly envelope: OpenedEnvelope;
  /** On our clock: the time of everything the message changes. */
  readonly receivedAt: number;
}

/** Within the limits we accept (a data batch no larger than an agent's). */
export type Validated = Opened;

export interface Deduplicated extends Validated {
  /** A data batch already stored (a re-send): acknowledged again, not applied twice. */
  readonly duplicate: boolean;
}

/** Its times on our clock: the recorder's clock offset learnt from it, or applied to it. */
export interface Timed extends Deduplicated {
  /**
   * A data batch not stored before, its times as we keep them: shifted by the agent's clock
   * offset, moved or left out where they cannot be right. The agent's own object when nothing
   * changed; undefined for other messages and duplicates.
   */
  readonly batch: vigil.v1.DataBatch | undefined;
  /** That batch unchanged: its bytes as received, kept in the outbox as they are. */
  readonly encodedBatch: Buffer | undefined;
  /** The times moved or left out, by reason (undefined when none). */
  readonly adjustments: readonly AdjustReason[] | undefined;
  /** What is added to the recorder's times (0: its clock is within tolerance): a heartbeat's point uses it too. */
  readonly clockOffsetMs: number;
  /** A birth or heartbeat changed the correction in force (raises or clears the agent-clock-off problem). */
  readonly clockOffsetChange: ClockOffsetChange | undefined;
}

/** Applied to fleet.db and the fleet state, inside the open message group. */
export interface Applied extends Timed {
  /** The state changes it caused, in order. */
  readonly changes: readonly StateChange[];
  /** The message changed the recorder's active problems. */
  readonly problemsChanged: boolean;
  /** A birth of an older session of its recorder (an earlier agent instance's): nothing of it was applied. */
  readonly staleBirth: boolean;
}

/** Its spool position recorded and its acknowledgement queued for after the COMMIT. */
export interface Acknowledged extends Applied {
  /** A birth or death: session control the agent does not spool, PUBACKed only after its group commits. */
  readonly pubackAfterCommit: boolean;
}

/** A stage that runs before the message's group: it may drop the message, and changes nothing stored. */
export interface CheckStage<In, Out> {
  readonly name: string;
  readonly inGroup: false;
  readonly run: (message: In) => Out | Dropped;
}

/**
 * A stage that runs inside the message's group (fleet.db transaction). It changes fleet.db and the
 * undoable caches only; what the outside may see goes to PostCommitEffects. If it throws, the
 * message is rolled back alone (and counted as a processing error); it may run again when another
 * message of its group fails, so it must depend on nothing but its input and the stored state.
 */
export interface GroupStage<In, Out> {
  readonly name: string;
  readonly inGroup: true;
  readonly run: (message: In) => Out;
}

export type Stage<In, Out> = CheckStage<In, Out> | GroupStage<In, Out>;

import type { EnvelopeOpener } from '@vigil/proto/envelope';
import type { Logger } from 'pino';
import type { FleetDb } from '../registry/fleet-db.js';
import { FleetState, type StateChange } from '../state/fleet-state.js';
import { ProblemLifetimes } from '../state/problem-lifetimes.js';
import { AckTracker } from './acks.js';
import { ClockOffsets } from './clock-offsets.js';
import { PostCommitEffects, type Outlets } from './effects.js';
import { FleetTagsCache } from './fleet-tags.js';
import { GroupCommit } from './group-commit.js';
import { isDropped, type Acknowledged, type DropReason, type Received, type Stage } from './message.js';
import { TelemetryOutbox } from './outbox.js';
import { statePoint } from './points.js';
import { acknowledge } from './stages/acknowledge.js';
import { applyFleetState } from './stages/apply-fleet-state.js';
import { correctTimesStage } from './stages/correct-times.js';
import { deduplicate } from './stages/deduplicate.js';
import { openEnvelope } from './stages/open-envelope.js';
import { stageOutbox } from './stages/outbox.js';
import { validate } from './stages/validate.js';

/** What the pipeline counts as it goes (the ingestor's stats and metrics). */
export interface PipelineCounters {
  received(): void;
  processed(): void;
  dropped(reason: DropReason, topic: string, detail: string): void;
  /** Messages applied but not stored (their group or their re-application failed): processing errors, logged by the pipeline. */
  lost(messages: number): void;
}

export interface PipelineDeps {
  db: FleetDb;
  opener: Pick<EnvelopeOpener, 'open'>;
  /** The outside world, reached only after a COMMIT (through PostCommitEffects). */
  outlets: Outlets;
  counters: PipelineCounters;
  logger: Logger;
  groupCommit?: { maxMessages?: number; maxDelayMs?: number };
  /** After each COMMIT of a message group, with the number of messages it held. */
  onCommitted?: (messages: number) => void;
  /** How long each event code stays an active problem. Default: the table in state/problem-lifetimes.ts. */
  problemLifetimes?: ProblemLifetimes;
  /** Our clock (tests move it). Default Date.now. */
  clock?: () => number;
  /**
   * Whether a message received at this time came live, not held for us by the broker while we were
   * away (pipeline/clock-offsets.ts). Default: never, so clock offsets wait for two samples.
   */
  isLive?: (receivedAt: number) => boolean;
}

/**
 * `applied`: applied in the open group, PUBACK at once. `applied-commit-first`: a birth or death,
 * PUBACK only after its group commits. `dropped`: not applied, PUBACK at once (re-sending cannot help).
 */
export type Outcome = 'applied' | 'applied-commit-first' | 'dropped';

export interface Pipeline {
  /** One message through every stage; a message that cannot be used is counted and dropped, never thrown. */
  process(topic: string, bytes: Buffer): Outcome;
  /** Commits the open group (births, deaths, backpressure, the drain, close). */
  commit(): void;
  /**
   * Recorders whose heartbeats stopped or whose will's grace ended, and event problems whose
   * lifetime is over (a recorder they alone kept degraded is online again): stored and published
   * at once, between groups. Returns how many states changed (their points are in the outbox, committed).
   */
  sweep(now: number): number;
  /** The stage names, in order (docs, logs). */
  readonly stages: readonly string[];
  readonly state: FleetState;
  readonly outbox: TelemetryOutbox;
  readonly group: GroupCommit;
  readonly acks: AckTracker;
  readonly tags: FleetTagsCache;
  readonly clocks: ClockOffsets;
}

const NO_CHANGES: readonly StateChange[] = Object.freeze([]);

/** Compile-time check that every stage takes what the one before it gives: the chain's output, or an error text. */
type Chained<In, S extends readonly unknown[]> = S extends readonly [infer First, ...infer Rest]
  ? First extends Stage<infer A, infer B>
    ? [In] extends [A]
      ? Chained<B, Rest>
      : 'a stage does not take what the stage before it gives'
    : 'not a stage'
  : In;

/** Stages as the loop runs them: the chain is checked above, not here. */
type AnyStage = { readonly name: string; readonly inGroup: boolean; readonly run: (message: object) => object };

/**
 * The ingestor's message path (docs/ARCHITECTURE.md "Ingestor"):
 *
 *   open envelope -> validate -> | deduplicate -> correct times -> apply to fleet state -> outbox -> acknowledge |
 *                                 \________________ inside the message group (fleet.db transaction) ___________/
 *
 * and everything it needs beside fleet.db: the group commit, the fleet state and the caches (all
 * undoable), the outbox, and the post-commit effects queue, the stages' only way to the Outlets.
 */
export function buildPipeline(deps: PipelineDeps): Pipeline {
  const { db, counters, logger: log } = deps;
  const clock = deps.clock ?? Date.now;
  const group = new GroupCommit(db.db, {
    maxMessages: deps.groupCommit?.maxMessages,
    maxDelayMs: deps.groupCommit?.maxDelayMs,
    onCommitted: (messages) => {
      outbox.settle(true);
      deps.onCommitted?.(messages);
    },
    onLost: (error, messages) => {
      // Nothing of the group is stored, and memory (every undoable cache) was put back as fleet.db
      // holds it. Its data batches were PUBACKed but not acknowledged end to end, so the agents
      // still hold them and send them again.
      outbox.settle(false);
      counters.lost(messages);
      log.error({ err: error.message, messages }, 'fleet.db rolled back a message group; the agents will send its data again');
    },
    onReapplyFailed: (error) => {
      counters.lost(1);
      log.error({ err: error.message }, 'a message failed when its group was applied again; its agent will send it again');
    },
    onActionError: (error) => log.error({ err: error.message }, 'unexpected error after a commit'),
  });
  const outbox = new TelemetryOutbox(db.db, group.undo);
  const effects = new PostCommitEffects(group, deps.outlets);
  // FleetState reports changes as they happen; the stage that caused them takes them after.
  let stateChanges: StateChange[] = [];
  const takeStateChanges = (): readonly StateChange[] => {
    if (stateChanges.length === 0) return NO_CHANGES;
    const taken = stateChanges;
    stateChanges = [];
    return taken;
  };
  const state = new FleetState(db, (change) => stateChanges.push(change), clock(), {
    undo: group.undo,
    onSiteChange: (change) => effects.siteChanged(change),
  });
  const acks = new AckTracker(db, group.undo);
  const tags = new FleetTagsCache(db, group.undo);
  const clocks = new ClockOffsets(db, group.undo);

  // The message path, in order. A new stage is one file in stages/ and one line here.
  const stages = [
    openEnvelope(deps.opener, clock),
    validate(),
    deduplicate(acks, effects),
    correctTimesStage(clocks, deps.isLive),
    applyFleetState({ db, state, tags, effects, undo: group.undo, lifetimes: deps.problemLifetimes ?? new ProblemLifetimes(), takeStateChanges }),
    stageOutbox(outbox, tags),
    acknowledge(db, acks, effects),
  ] as const;
  const chainGivesAcknowledged: Chained<Received, typeof stages> extends Acknowledged ? true : never = true;
  void chainGivesAcknowledged;

  const running = stages as readonly AnyStage[];
  const firstInGroup = running.findIndex((stage) => stage.inGroup);
  if (firstInGroup < 0 || running.slice(firstInGroup).some((stage) => !stage.inGroup)) {
    throw new Error('pipeline stages: the checks come first, then the stages inside the group');
  }
  const checks = running.slice(0, firstInGroup);
  const inGroup = running.slice(firstInGroup);
  const applyInGroup = (message: object): object => {
    for (const stage of inGroup) message = stage.run(message);
    return message;
  };

  return {
    stages: running.map((stage) => stage.name),
    state,
    outbox,
    group,
    acks,
    tags,
    clocks,
    process(topic, bytes) {
      counters.received();
      let message: object = { topic, bytes } satisfies Received;
      for (const stage of checks) {
        message = stage.run(message);
        if (isDropped(message)) {
          counters.dropped(message.dropped, topic, message.detail);
          return 'dropped';
        }
      }
      const checked = message;
      let done: Acknowledged;
      try {
        // In the open group: if it throws, it alone is rolled back, in fleet.db and in memory (its
        // acks, announcements and state publishes never happen); the group's other messages stay.
        done = group.apply(() => applyInGroup(checked)) as Acknowledged;
      } catch (error) {
        // Not acknowledged: a data batch stays in the agent's spool, where nothing is lost.
        counters.dropped('processing-error', topic, (error as Error).message);
        return 'dropped';
      }
      counters.processed();
      return done.pubackAfterCommit ? 'applied-commit-first' : 'applied';
    },
    commit: () => group.commit(),
    sweep(now) {
      // Between groups: its changes are written on their own and published at once, never ahead of a COMMIT.
      group.commit();
      takeStateChanges();
      state.sweep(now);
      // Expiry needs no message: a recorder that fell silent still has its problems clear on time.
      const quieted = new Set<string>();
      for (const id of db.expireEventProblems(now)) {
        quieted.add(id);
        state.conditionsChanged(id, db.activeProblemCount(id), now);
      }
      const changes = takeStateChanges();
      // Its list of problems changed but not its state: open pages must still hear of it.
      for (const id of quieted) if (!changes.some((change) => change.recorderId === id)) effects.announceCurrent(id);
      for (const change of changes) {
        outbox.append([statePoint(tags.of(change.recorderId), change)]);
        effects.stateChanged(change);
      }
      return changes.length;
    },
  };
}

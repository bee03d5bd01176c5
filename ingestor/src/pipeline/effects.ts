import type { SiteChange, StateChange } from '../state/fleet-state.js';
import type { ClockOffsetChange } from './clock-offsets.js';
import type { GroupCommit } from './group-commit.js';
import type { AdjustReason } from './validate.js';

/** A recorder's spool position we hold durably: what the end-to-end ack tells its agent. */
export interface SpoolPosition {
  epoch: string;
  seq: number;
}

/** What a stored batch may have changed that alert rules read. */
export interface StoredChanges {
  problems: boolean;
  disks: boolean;
  licences: boolean;
}

/** Observations an agent dropped that the ingestor had not heard of before, by why and what. */
export interface AgentDrops {
  /** Dropped because the spool reached its size limit. */
  spoolFull: { readings: number; events: number };
  /** Dropped because the spool's disk was full. */
  diskFull: { readings: number; events: number };
}

/**
 * Everything outside fleet.db a message may affect: the broker (acks, retained state messages),
 * listeners, log lines about stored facts, counters. The ingestor builds it around its MQTT client;
 * stages never see it, only PostCommitEffects, which calls it after the COMMIT.
 */
export interface Outlets {
  /** The end-to-end ack (through the AckGate: one fsync, then publish). */
  ack(recorderId: string, position: SpoolPosition): void;
  /** A state change is stored: listeners, the log, the retained state message. */
  stateChanged(change: StateChange): void;
  /** The recorder's retained state message as it stands now (its problems changed, its state did not). */
  announceCurrent(recorderId: string): void;
  siteChanged(change: SiteChange): void;
  /** A data batch was stored (not a duplicate); `historical` is backfill; what it changed that alert rules read. */
  dataStored(recorderId: string, historical: boolean, changed: StoredChanges): void;
  /** The agent's spool filled (or its disk did) and discarded observations: the new ones, since the last batch. */
  spoolOverflowed(recorderId: string, dropped: AgentDrops): void;
  duplicateBatch(): void;
  historicalBatch(): void;
  /** Times of a stored batch were shifted by its agent's clock offset, moved or left out. */
  adjusted(reasons: readonly AdjustReason[]): void;
  /** The correction of a recorder's times started, stopped, or moved by more than the tolerance. */
  clockOffsetChanged(recorderId: string, change: ClockOffsetChange): void;
  staleDeath(recorderId: string, bdSeq: number): void;
}

/**
 * The post-commit queue stages receive: each call is held until the COMMIT of the group holding the
 * message (at once outside a group: the sweeper), in order, and dropped with a message that rolls
 * back. It is the only way from a stage to the Outlets, so no effect can precede its COMMIT.
 */
export class PostCommitEffects {
  constructor(
    private readonly group: GroupCommit,
    private readonly outlets: Outlets,
  ) {}

  ack(recorderId: string, position: SpoolPosition): void {
    this.group.later(() => this.outlets.ack(recorderId, position));
  }

  stateChanged(change: StateChange): void {
    this.group.later(() => this.outlets.stateChanged(change));
  }

  announceCurrent(recorderId: string): void {
    this.group.later(() => this.outlets.announceCurrent(recorderId));
  }

  siteChanged(change: SiteChange): void {
    this.group.later(() => this.outlets.siteChanged(change));
  }

  dataStored(recorderId: string, historical: boolean, changed: StoredChanges): void {
    this.group.later(() => this.outlets.dataStored(recorderId, historical, changed));
  }

  spoolOverflowed(recorderId: string, dropped: AgentDrops): void {
    this.group.later(() => this.outlets.spoolOverflowed(recorderId, dropped));
  }

  duplicateBatch(): void {
    this.group.later(() => this.outlets.duplicateBatch());
  }

  historicalBatch(): void {
    this.group.later(() => this.outlets.historicalBatch());
  }

  adjusted(reasons: readonly AdjustReason[]): void {
    this.group.later(() => this.outlets.adjusted(reasons));
  }

  clockOffsetChanged(recorderId: string, change: ClockOffsetChange): void {
    this.group.later(() => this.outlets.clockOffsetChanged(recorderId, change));
  }

  staleDeath(recorderId: string, bdSeq: number): void {
    this.group.later(() => this.outlets.staleDeath(recorderId, bdSeq));
  }
}

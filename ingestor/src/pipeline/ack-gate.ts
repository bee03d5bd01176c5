export interface PendingAck {
  epoch: string;
  seq: number;
}

/**
 * End-to-end acks leave only once the commits they confirm are on disk. fleet.db runs WAL with
 * synchronous=NORMAL: a commit survives a crash of this process at once, but a power cut only after
 * the WAL is fsynced. An fsync per message would cap the ingestor at the disk's flush rate, so acks
 * wait a few milliseconds and one fsync releases all of them (group commit). The agent lets go of
 * its spool entries only on this ack, so nothing it has deleted can be lost with our power.
 */
export class AckGate {
  private readonly pending = new Map<string, PendingAck>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly syncToDisk: () => void,
    private readonly publish: (recorderId: string, ack: PendingAck) => void,
    private readonly delayMs = 20,
  ) {}

  private closed = false;

  /** The latest committed position of a recorder; later calls for the same recorder replace it. */
  add(recorderId: string, ack: PendingAck): void {
    if (this.closed) return; // the next session's birth ack tells the agent instead
    this.pending.set(recorderId, ack);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    this.syncToDisk();
    for (const [recorderId, ack] of this.pending) this.publish(recorderId, ack);
    this.pending.clear();
  }

  /** Nothing more is published: the connection is closing. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.closed = true;
  }
}

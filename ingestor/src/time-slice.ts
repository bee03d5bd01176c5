/**
 * mqtt.js hands over the next message only when the previous one's `done` is called, and on the
 * same tick: a burst (the queue a broker kept while the ingestor was away, a fleet's births after a
 * broker restart, each opening its session with RSA) holds the thread until it is through, and with
 * it the heartbeat sweep, /healthz, the metrics and the alert engine. After `sliceMs` of such work,
 * the next message waits for one turn of the event loop.
 */
export class TimeSlice {
  private startedAt = 0;
  private open = false;

  constructor(
    private readonly sliceMs = 20,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A message's work begins: the first since the event loop last turned opens a slice. */
  begin(): void {
    if (this.open) return;
    this.open = true;
    this.startedAt = this.now();
    setImmediate(() => {
      this.open = false;
    });
  }

  /** Calls `next` at once, or after a turn of the event loop once this slice has run its time. */
  handOn(next: () => void): void {
    if (this.now() - this.startedAt < this.sliceMs) next();
    else setImmediate(next);
  }
}

/** What the main thread tells the drain worker when it starts it. */
export interface DrainWorkerData {
  fleetDbPath: string;
  telemetryDbPath: string;
  maxBatchPoints: number;
  flushIntervalMs: number;
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
}

/** Main thread -> worker. */
export type ToDrainWorker =
  /** Rows were committed: send them after the flush interval. */
  | { type: 'kick' }
  /** Finish the write in flight, close both databases and exit. */
  | { type: 'stop' };

/** Worker -> main thread. */
export type FromDrainWorker =
  /** The store's write of every row up to `through` returned, durably: the main thread deletes them. */
  | { type: 'written'; through: number; points: number; ms: number }
  | { type: 'failed'; error: string; retryInMs: number };

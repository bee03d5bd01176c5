import type { PortableStoreConfig } from '../stores/store-config.js';
import type { BackoffPolicy } from '@vigil/proto/backoff';

/** What the main thread tells the drain worker when it starts it. */
export interface DrainWorkerData {
  fleetDbPath: string;
  /** The worker opens its own store from this (a store object cannot cross threads). */
  store: PortableStoreConfig;
  maxBatchPoints: number;
  flushIntervalMs: number;
  retry: BackoffPolicy;
}

/** Main thread -> worker. */
export type ToDrainWorker =
  /** Rows were committed: send them after the flush interval. */
  | { type: 'kick' }
  /** Send what there is now (a graceful stop flushes first). */
  | { type: 'flush' }
  /** Finish the write in flight, close both databases and exit. */
  | { type: 'stop' };

/** Worker -> main thread: DrainLoop's reports (pipeline/drain-loop.ts DrainReport), as messages. */
export type FromDrainWorker =
  | { type: 'written'; through: number; points: number; ms: number }
  | { type: 'rejected'; id: number; error: string }
  | { type: 'failed'; error: string; retryInMs: number };

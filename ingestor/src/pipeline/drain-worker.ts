import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openTelemetryStore } from '../stores/open-store.js';
import type { DrainWorkerData, FromDrainWorker, ToDrainWorker } from './drain-worker-protocol.js';
import { DrainLoop } from './drain-loop.js';
import { OutboxReader } from './outbox.js';

/**
 * The drain's store work on its own thread: the same DrainLoop the main thread runs for a store
 * only it can reach, reading committed outbox rows from its own read-only connection to fleet.db
 * and writing them with its own store (telemetry.db, or InfluxDB's WriteApi, whose `write()`
 * resolves on writeSuccess). It never deletes: the main thread, the only writer of fleet.db,
 * removes the rows its reports confirm. A worker that dies therefore loses nothing; its successor
 * starts again from the oldest row still there (writes of the same series and time replace each
 * other, so a row sent twice is stored once).
 */
const data = workerData as DrainWorkerData;
if (!parentPort) throw new Error('drain-worker.ts runs only as a worker thread');
const port = parentPort;

const fleetDb = new Database(data.fleetDbPath, { readonly: true, fileMustExist: true });
fleetDb.pragma('busy_timeout = 5000');
// Compaction stays with the main thread's store, which also serves the dashboard's queries.
const store = openTelemetryStore(data.store.kind === 'sqlite' ? { ...data.store, compactEveryMs: 0 } : data.store);
const send = (message: FromDrainWorker) => port.postMessage(message);
const loop = new DrainLoop(new OutboxReader(fleetDb), store, data, {
  written: (through, points, ms) => send({ type: 'written', through, points, ms }),
  rejected: (id, error) => send({ type: 'rejected', id, error }),
  failed: (error, retryInMs) => send({ type: 'failed', error, retryInMs }),
});

port.on('message', (message: ToDrainWorker) => {
  if (message.type === 'stop') loop.stop();
  else if (message.type === 'flush') loop.wakeNow();
  else loop.kick();
});

await loop.run();
await store.close();
fleetDb.close();
port.close();

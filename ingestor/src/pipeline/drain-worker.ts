import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { InfluxRejectedError, InfluxTelemetryStore } from '../stores/influx/influx-telemetry-store.js';
import { SqliteTelemetryStore } from '../stores/sqlite/sqlite-telemetry-store.js';
import type { TelemetryStore } from '../stores/telemetry-store.js';
import type { DrainWorkerData, FromDrainWorker, ToDrainWorker } from './drain-worker-protocol.js';
import { OutboxReader, pointsOf, type OutboxRow } from './outbox.js';

/**
 * The drain's store work, on its own thread: reads committed outbox rows from fleet.db (its own
 * read-only connection), turns them into points and writes them with its own store (telemetry.db,
 * or InfluxDB's WriteApi, whose `write()` resolves on writeSuccess). It never deletes: it tells the
 * main thread how far the store's write has durably gone, and the main thread, the only writer of
 * fleet.db, removes those rows. A worker that dies therefore loses nothing; its successor starts
 * again from the oldest row still there (writes of the same series and time replace each other, so
 * a row sent twice is stored once).
 */
const data = workerData as DrainWorkerData;
if (!parentPort) throw new Error('drain-worker.ts runs only as a worker thread');
const port = parentPort;

const fleetDb = new Database(data.fleetDbPath, { readonly: true, fileMustExist: true });
fleetDb.pragma('busy_timeout = 5000');
const reader = new OutboxReader(fleetDb);
// Compaction stays with the main thread's store, which also serves the dashboard's queries.
const store: TelemetryStore = data.store.kind === 'sqlite' ? new SqliteTelemetryStore(data.store.path, { compactEveryMs: 0 }) : new InfluxTelemetryStore(data.store.options);

let running = true;
let wake: (() => void) | undefined;
let flushTimer: NodeJS.Timeout | undefined;

const send = (message: FromDrainWorker) => port.postMessage(message);

port.on('message', (message: ToDrainWorker) => {
  if (message.type === 'stop') {
    running = false;
    wake?.();
  } else if (message.type === 'kick' && wake && !flushTimer) {
    // Asleep: wait a little so the rows of a few groups go in one write. Awake, the loop reads
    // again before it sleeps, and that read sees every row committed before this kick was sent.
    flushTimer = setTimeout(() => wake?.(), data.flushIntervalMs);
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timeout = setTimeout(() => finish(), ms);
    const finish = () => {
      clearTimeout(timeout);
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = undefined;
      wake = undefined;
      resolve();
    };
    wake = finish;
  });
}

async function run(): Promise<void> {
  let cursor = 0;
  let delay = data.minRetryDelayMs;
  while (running) {
    const { rows, points: count } = reader.take(cursor, data.maxBatchPoints);
    if (rows.length === 0) {
      // Woken by a kick; the timeout is a safety net in case one is ever missed.
      await sleep(5_000);
      continue;
    }
    const points = rows.flatMap(pointsOf);
    const started = performance.now();
    try {
      await store.write(points);
      const through = rows[rows.length - 1]!.id;
      cursor = through;
      delay = data.minRetryDelayMs;
      send({ type: 'written', through, points: count, ms: performance.now() - started });
    } catch (error) {
      if (error instanceof InfluxRejectedError) {
        cursor = await isolate(rows, cursor);
        continue;
      }
      send({ type: 'failed', error: (error as Error).message, retryInMs: delay });
      if (!running) break;
      await sleep(delay);
      delay = Math.min(data.maxRetryDelayMs, delay * 2);
    }
  }
  await store.close();
  fleetDb.close();
  port.close();
}

/**
 * InfluxDB refused a write as invalid: writes the rows one at a time, so the one it refuses is set
 * aside (by the main thread) and the others land. Returns the cursor past what was settled; a store
 * that went away stops it, and the main loop retries from there.
 */
async function isolate(rows: OutboxRow[], cursor: number): Promise<number> {
  for (const row of rows) {
    const started = performance.now();
    try {
      await store.write(pointsOf(row));
      send({ type: 'written', through: row.id, points: row.count, ms: performance.now() - started });
    } catch (error) {
      if (!(error instanceof InfluxRejectedError)) return cursor;
      send({ type: 'rejected', id: row.id, error: error.message });
    }
    cursor = row.id;
  }
  return cursor;
}

await run();

import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { DrainLoop, DrainReport } from './drain-loop.js';
import type { DrainWorkerData, FromDrainWorker, ToDrainWorker } from './drain-worker-protocol.js';

/** Runs the DrainLoop somewhere and passes it kicks; its reports come back to the drain. */
export interface DrainRunner {
  start(): void;
  kick(): void;
  flush(): void;
  /** Ends the loop after the write in flight; false when it did not end within `withinMs`. */
  stop(withinMs: number): Promise<boolean>;
}

/** The loop on this thread. */
export class InProcessRunner implements DrainRunner {
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly loop: DrainLoop) {}

  start(): void {
    this.done = this.loop.run();
  }

  kick(): void {
    this.loop.kick();
  }

  flush(): void {
    this.loop.wakeNow();
  }

  stop(withinMs: number): Promise<boolean> {
    this.loop.stop();
    return settlesWithin(this.done, withinMs);
  }
}

const WORKER_URL = new URL('./drain-worker.boot.mjs', import.meta.url);

/** The loop on a worker thread (drain-worker.ts), replaced when it dies. */
export class WorkerRunner implements DrainRunner {
  current: Worker | undefined;
  restarts = 0;
  private running = false;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private kickAsked = false;
  private readonly kickEveryMs: number;

  constructor(
    private readonly data: DrainWorkerData,
    private readonly restartDelayMs: number,
    private readonly report: DrainReport,
    private readonly logger: Logger,
    private readonly pending: () => number,
  ) {
    this.kickEveryMs = Math.max(1, Math.floor(data.flushIntervalMs / 4));
  }

  start(): void {
    this.running = true;
    this.spawn();
  }

  /**
   * A kick is a message to another thread, and groups commit hundreds of times a second, so at most
   * one goes per `kickEveryMs`; kicks asked for in between are sent together at the end of it, so
   * every commit is followed by a kick within that time.
   */
  kick(): void {
    if (this.kickTimer) {
      this.kickAsked = true;
      return;
    }
    this.post({ type: 'kick' });
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      if (this.kickAsked) {
        this.kickAsked = false;
        this.kick();
      }
    }, this.kickEveryMs);
  }

  flush(): void {
    this.post({ type: 'flush' });
  }

  async stop(withinMs: number): Promise<boolean> {
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    clearTimeout(this.kickTimer);
    this.kickTimer = undefined;
    const worker = this.current;
    this.post({ type: 'stop' });
    const exited = await settlesWithin(this.exited, withinMs);
    if (!exited) await worker?.terminate();
    return exited;
  }

  private post(message: ToDrainWorker): void {
    this.current?.postMessage(message);
  }

  private spawn(): void {
    const worker = new Worker(WORKER_URL, { workerData: this.data, name: 'vigil-outbox-drain' });
    this.current = worker;
    worker.on('message', (message: FromDrainWorker) => {
      if (message.type === 'written') this.report.written(message.through, message.points, message.ms);
      else if (message.type === 'rejected') this.report.rejected(message.id, message.error);
      else this.report.failed(message.error, message.retryInMs);
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'the outbox drain worker failed; the rows it was sending stay in the outbox'));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (this.current === worker) this.current = undefined;
        resolve();
        if (!this.running) return;
        this.logger.error({ code, restartInMs: this.restartDelayMs, pending: this.pending() }, 'the outbox drain worker exited; starting another');
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          if (!this.running) return;
          this.restarts++;
          this.spawn();
        }, this.restartDelayMs);
      }),
    );
  }
}

export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}

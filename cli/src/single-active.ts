import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { acquireActiveRight, roleMetric, type ActiveHolder, type ActiveRight } from '@vigil/ingestor';
import { startMetricsServer } from '@vigil/proto/metrics-server';

/** The exit code of an ingestor that lost its Redis lease: a supervisor restarts it, as a standby. */
export const LOST_RIGHT_EXIT_CODE = 3;

/**
 * Waits for the single-active right (the data directory's lock, and the Redis lease with
 * VIGIL_REDIS_URL). Meanwhile, when `metrics` is given, /healthz answers 200 `{"role":"standby"}`
 * with who holds the right (a standby is healthy: it is doing its job) and /metrics has
 * `vigil_ingestor_active 0`; that server is closed before the caller starts the ingestor on the
 * same port. Resolves undefined when `signal` aborts the wait.
 */
export async function waitForActiveRight(options: {
  dataDir: string;
  redisUrl: string | undefined;
  logger: Logger;
  metrics?: { port: number; host: string };
  signal?: AbortSignal;
}): Promise<ActiveRight | undefined> {
  let heldBy: ActiveHolder | undefined;
  const standbySince = Date.now();
  let server: Server | undefined;
  const registry = roleMetric(false);
  if (options.metrics) {
    ({ server } = await startMetricsServer(registry, options.metrics.port, options.metrics.host, () => ({
      status: 'ok',
      role: 'standby',
      standbySince,
      heldBy: heldBy && {
        kind: heldBy.kind,
        where: heldBy.where,
        pid: heldBy.pid,
        host: heldBy.host,
        since: heldBy.since === undefined ? undefined : new Date(heldBy.since).toISOString(),
      },
    })));
  }
  try {
    return await acquireActiveRight({
      dataDir: options.dataDir,
      redisUrl: options.redisUrl,
      logger: options.logger,
      signal: options.signal,
      onStandby: (holder) => {
        heldBy = holder;
      },
    });
  } finally {
    if (server) {
      const closing = server;
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
      // Kept-alive scrapes would hold the port the ingestor is about to listen on.
      closing.closeAllConnections();
      await closed;
    }
  }
}

/** A lost lease: stop at once, without another write or acknowledgement, and exit non-zero. */
export function exitOnLostRight(right: ActiveRight, logger: Logger): void {
  right.onLost((reason) => {
    logger.fatal({ role: 'lost', reason }, `lost the single-active right (${reason}): stopping at once so that two ingestors never both write`);
    logger.flush?.();
    process.exit(LOST_RIGHT_EXIT_CODE);
  });
}

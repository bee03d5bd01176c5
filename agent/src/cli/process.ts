/** A mistake in flags or environment, phrased so the user knows what to change (exit code 2). */
export class UsageError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The level to log at: `configured` (VIGIL_LOG_LEVEL, see readAgentEnvironment) or else `fallback`. */
export function logLevel(fallback: string, configured: string | undefined): string {
  const level = configured || fallback;
  if (!LOG_LEVELS.includes(level)) throw new UsageError(`VIGIL_LOG_LEVEL is "${level}": use one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** Runs `stop` once on SIGINT or SIGTERM, then exits; a second signal exits at once. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    const timer = setTimeout(() => {
      console.error(`vigil: still stopping after 10 s (${signal}); exiting`);
      process.exit(1);
    }, 10_000);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`vigil: error while stopping: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

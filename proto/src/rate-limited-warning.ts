import type { Logger } from 'pino';

/**
 * Logs a warning at most once per key per interval, then reports how many were suppressed, so
 * a misbehaving client cannot flood the log.
 */
export class RateLimitedWarning {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const entry = this.last.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(key, { at: now, suppressed: 0 });
    if (this.last.size > 10_000) this.last.delete(this.last.keys().next().value as string);
    this.log.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }
}

/**
 * Retry delays: exponential with full jitter, capped. Every retry loop in Vigil (the agent's
 * reconnect, the telemetry outbox drain) takes its delays from here, so a fleet or a store that
 * failed at one moment is retried spread out instead of in one storm.
 */
export interface BackoffPolicy {
  /** The ceiling of the first attempt; it doubles with every further attempt. */
  minMs: number;
  /** The ceiling never grows past this. */
  maxMs: number;
  /** The shortest delay ever drawn. Default 0 (full jitter); at most `minMs`. */
  floorMs?: number;
}

/**
 * The delay before retry `attempt` (1, 2, ...): drawn uniformly between the floor and
 * min(maxMs, minMs * 2^(attempt - 1)). Pure: `random` (0 <= r < 1) is the only source of chance.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const floor = Math.min(Math.max(policy.floorMs ?? 0, 0), policy.minMs);
  // The exponent is bounded so a long outage cannot overflow to Infinity.
  const ceiling = Math.min(policy.maxMs, policy.minMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(floor + random() * Math.max(ceiling - floor, 0));
}

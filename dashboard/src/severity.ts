import type { RecorderStateName } from '@vigil/ingestor';

/** Severities as the ingestor names them (proto `Severity`), least to most severe. */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank of a severity name; unknown names (e.g. "severity-7" from a newer agent) rank lowest. */
export function severityRank(name: string): number {
  return (SEVERITIES as readonly string[]).indexOf(name);
}

/**
 * Worst first: a site is coloured by the worst state among its recorders. `stopped` is a
 * deliberate shutdown, so it ranks below the states nobody asked for.
 */
const STATE_BADNESS: Record<RecorderStateName, number> = { offline: 4, unavailable: 3, degraded: 2, stopped: 1, online: 0 };

export function worstState(states: Iterable<RecorderStateName>): RecorderStateName {
  let worst: RecorderStateName = 'online';
  for (const state of states) if (STATE_BADNESS[state] > STATE_BADNESS[worst]) worst = state;
  return worst;
}

import type { RecorderStateName } from '@vigil/ingestor';

/**
 * Availability (docs/DESIGN.md "Fleet state"): the time a recorder was online or degraded (it
 * records) over the time it was known and not stopped. `unavailable` and `offline` are downtime;
 * `stopped` is a graceful stop, planned maintenance, and counts neither way; before its first
 * state change the recorder was not known and that time counts neither way either.
 */
export type OutageState = Extract<RecorderStateName, 'unavailable' | 'offline' | 'stopped'>;

/** One period in a state that is not recording, within the asked range. */
export interface Outage {
  recorderId: string;
  state: OutageState;
  /** Clipped to the range. */
  start: number;
  end: number;
  durationMs: number;
  /** Still in this state now. */
  ongoing: boolean;
  /** Downtime (unavailable, offline); false for a planned stop. */
  counted: boolean;
}

export interface AvailabilityTotals {
  /** Online or degraded. */
  upMs: number;
  /** Unavailable or offline. */
  downMs: number;
  /** Stopped gracefully. */
  plannedMs: number;
  /** upMs / (upMs + downMs) in percent; null when the recorders were never up or down in the range. */
  availablePercent: number | null;
  outages: Outage[];
}

const DOWN: ReadonlySet<RecorderStateName> = new Set(['unavailable', 'offline']);

/**
 * One recorder over [from, to): `changes` are its state changes in the range, preceded by the one
 * in force at `from` when there is one, oldest first (read_v1_state_changes as the timeline
 * reads it). `now` ends a state still in force (the range may reach into the future).
 */
export function recorderAvailability(
  recorderId: string,
  changes: ReadonlyArray<{ state: RecorderStateName; since: number }>,
  from: number,
  to: number,
  now: number,
): AvailabilityTotals {
  const end = Math.min(to, now);
  const totals: AvailabilityTotals = { upMs: 0, downMs: 0, plannedMs: 0, availablePercent: null, outages: [] };
  for (const [i, change] of changes.entries()) {
    const next = changes[i + 1];
    const start = Math.max(change.since, from);
    const stop = Math.min(next?.since ?? end, end);
    if (stop <= start) continue;
    const ms = stop - start;
    if (change.state === 'online' || change.state === 'degraded') {
      totals.upMs += ms;
      continue;
    }
    const counted = DOWN.has(change.state);
    if (counted) totals.downMs += ms;
    else totals.plannedMs += ms;
    totals.outages.push({ recorderId, state: change.state, start, end: stop, durationMs: ms, ongoing: next === undefined && end === now, counted });
  }
  totals.availablePercent = percent(totals.upMs, totals.downMs);
  return totals;
}

/** Several recorders (a site, an installation, a reseller's fleet): their times added up, outages oldest first. */
export function combine(parts: readonly AvailabilityTotals[]): AvailabilityTotals {
  const totals: AvailabilityTotals = { upMs: 0, downMs: 0, plannedMs: 0, availablePercent: null, outages: [] };
  for (const part of parts) {
    totals.upMs += part.upMs;
    totals.downMs += part.downMs;
    totals.plannedMs += part.plannedMs;
    totals.outages.push(...part.outages);
  }
  totals.outages.sort((a, b) => a.start - b.start || a.recorderId.localeCompare(b.recorderId));
  totals.availablePercent = percent(totals.upMs, totals.downMs);
  return totals;
}

function percent(upMs: number, downMs: number): number | null {
  return upMs + downMs === 0 ? null : (upMs / (upMs + downMs)) * 100;
}

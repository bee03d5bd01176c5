import type { vigil } from '@vigil/proto/wire';

/** An agent batches at most a few hundred observations; anything far above is not one of ours. */
export const MAX_BATCH_OBSERVATIONS = 10_000;
/** Agents' clocks drift; beyond this a time is wrong, and a condition dated in the future would block every later change. */
export const MAX_FUTURE_SKEW_MS = 10 * 60_000;
/** Older than the longest retention: nothing could show it, and it means the agent's clock was wrong when it was taken. */
export const MAX_AGE_MS = 400 * 24 * 3_600_000;

export type AdjustReason = 'future-timestamp' | 'past-timestamp';

export class BatchRejected extends Error {
  constructor(
    readonly reason: 'oversized-batch',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The validate step between open and apply: a batch too large to be an agent's is refused whole;
 * times in the future are moved to when we received them (and counted); observations older than
 * any retention are left out (and counted). Unknown codes and severities from newer agents pass:
 * they are kept under their number (codes.ts). True when it changed the batch.
 */
export function validateBatch(batch: vigil.v1.DataBatch, now: number, adjusted: (reason: AdjustReason) => void): boolean {
  const size = batch.conditions.length + batch.events.length + batch.disks.length + batch.services.length + batch.licences.length;
  if (size > MAX_BATCH_OBSERVATIONS) {
    throw new BatchRejected('oversized-batch', `a batch of ${size} observations (at most ${MAX_BATCH_OBSERVATIONS})`);
  }
  const latest = now + MAX_FUTURE_SKEW_MS;
  const earliest = now - MAX_AGE_MS;
  let changed = false;
  const fix = (time: number): number | undefined => {
    if (time > latest) {
      changed = true;
      adjusted('future-timestamp');
      return now;
    }
    if (time !== 0 && time < earliest) {
      changed = true;
      adjusted('past-timestamp');
      return undefined;
    }
    return time;
  };
  // Generated with --force-number: int64 times are plain numbers.
  const keep = <T extends object>(items: T[], fields: Array<'at' | 'firstSeen' | 'lastSeen'>): T[] =>
    items.filter((item) => {
      const record = item as Record<string, number>;
      for (const field of fields) {
        const time = record[field] ?? 0;
        const fixed = fix(time);
        if (fixed === undefined) return false;
        if (fixed !== time) record[field] = fixed;
      }
      return true;
    });
  batch.conditions = keep(batch.conditions as vigil.v1.Condition[], ['at']);
  batch.events = keep(batch.events as vigil.v1.Event[], ['firstSeen', 'lastSeen']);
  batch.disks = keep(batch.disks as vigil.v1.DiskReading[], ['at']);
  batch.services = keep(batch.services as vigil.v1.ServiceReading[], ['at']);
  batch.licences = keep(batch.licences as vigil.v1.LicenceReading[], ['at']);
  return changed;
}

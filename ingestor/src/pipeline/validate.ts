import type { vigil } from '@vigil/proto/wire';

/** An agent batches at most a few hundred observations; anything far above is not one of ours. */
export const MAX_BATCH_OBSERVATIONS = 10_000;
/** Agents' clocks drift; beyond this a time is wrong, and a condition dated in the future would block every later change. */
export const MAX_FUTURE_SKEW_MS = 10 * 60_000;
/** Older than the longest retention: nothing could show it, and it means the agent's clock was wrong when it was taken. */
export const MAX_AGE_MS = 400 * 24 * 3_600_000;

/**
 * Why a time of a stored batch is not the agent's: shifted by its clock offset (once per
 * observation), moved from the future (once per time), left out as too old (once per observation).
 */
export type AdjustReason = 'clock-offset' | 'future-timestamp' | 'past-timestamp';

export class BatchRejected extends Error {
  constructor(
    readonly reason: 'oversized-batch',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The check before anything is stored: a batch too large to be an agent's is refused whole (and
 * not acknowledged, so it stays in the agent's spool). Unknown codes and severities from newer
 * agents pass: they are kept under their number (codes.ts).
 */
export function checkBatchSize(batch: vigil.v1.DataBatch): void {
  const size = batch.conditions.length + batch.events.length + batch.disks.length + batch.services.length + batch.licences.length;
  if (size > MAX_BATCH_OBSERVATIONS) {
    throw new BatchRejected('oversized-batch', `a batch of ${size} observations (at most ${MAX_BATCH_OBSERVATIONS})`);
  }
}

type TimeField = 'at' | 'firstSeen' | 'lastSeen';

/** A copy of a generated message object: own fields copied, defaults still read through its prototype. */
function copyOf<T extends object>(message: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(message) as object) as T, message);
}

/**
 * A batch's times as we keep them: each shifted by `offsetMs` (the agent's clock offset,
 * pipeline/clock-offsets.ts; 0 leaves them), then a time more than MAX_FUTURE_SKEW_MS in the
 * future moved to `now` (when we received it), and an observation older than MAX_AGE_MS left out.
 * A missing time (0) stays missing. Never changes `batch`: it may be applied again when its group
 * rolls back. Returns `batch` itself when nothing changed, else a copy.
 */
export function correctTimes(batch: vigil.v1.DataBatch, now: number, offsetMs: number, adjusted: (reason: AdjustReason) => void): vigil.v1.DataBatch {
  const latest = now + MAX_FUTURE_SKEW_MS;
  const earliest = now - MAX_AGE_MS;
  let changed = false;
  /** The observation's times, or undefined when it is left out; `item` itself when nothing changed. */
  const fixed = <T extends object>(item: T, fields: readonly TimeField[]): T | undefined => {
    const record = item as Record<TimeField, number | undefined>;
    let copy: Record<TimeField, number | undefined> | undefined;
    let shifted = false;
    for (const field of fields) {
      const time = record[field] ?? 0;
      if (time === 0) continue;
      let next = time + offsetMs;
      if (offsetMs !== 0) shifted = true;
      if (next > latest) {
        adjusted('future-timestamp');
        next = now;
      } else if (next < earliest) {
        adjusted('past-timestamp');
        changed = true;
        return undefined;
      }
      if (next !== time) (copy ??= copyOf(record))[field] = next;
    }
    if (shifted) adjusted('clock-offset');
    if (!copy) return item;
    changed = true;
    return copy as T;
  };
  const keep = <T extends object>(items: T[], fields: readonly TimeField[]): T[] => {
    let out: T[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const kept = fixed(item, fields);
      if (kept === item) {
        out?.push(item);
        continue;
      }
      out ??= items.slice(0, i);
      if (kept) out.push(kept);
    }
    return out ?? items;
  };
  const conditions = keep(batch.conditions as vigil.v1.Condition[], ['at']);
  const events = keep(batch.events as vigil.v1.Event[], ['firstSeen', 'lastSeen']);
  const disks = keep(batch.disks as vigil.v1.DiskReading[], ['at']);
  const services = keep(batch.services as vigil.v1.ServiceReading[], ['at']);
  const licences = keep(batch.licences as vigil.v1.LicenceReading[], ['at']);
  if (!changed) return batch;
  const copy = copyOf(batch);
  // Generated with --force-number: int64 times are plain numbers.
  Object.assign(copy, { conditions, events, disks, services, licences });
  return copy;
}

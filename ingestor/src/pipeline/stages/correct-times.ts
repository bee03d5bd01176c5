import { soleDataBatchBytes, type vigil } from '@vigil/proto/wire';
import type { ClockOffsets } from '../clock-offsets.js';
import type { Deduplicated, GroupStage, Timed } from '../message.js';
import { correctTimes, type AdjustReason } from '../validate.js';

/**
 * Times on our clock (docs/DESIGN.md "Time"). A birth or heartbeat is a sample of the recorder's
 * clock offset (pipeline/clock-offsets.ts); a data batch not stored before gets its times shifted
 * by the offset in force, then those still in the future moved to the receive time and those
 * beyond any retention left out (pipeline/validate.ts), each listed by reason (counted once it is
 * stored). Historical batches get the same offset: we assume the clock was off the same way when
 * they were collected, which is all we can know.
 */
export function correctTimesStage(clocks: ClockOffsets, isLive: (receivedAt: number) => boolean = () => false): GroupStage<Deduplicated, Timed> {
  return {
    name: 'correct times',
    inGroup: true,
    run: (message) => {
      const { recorderId: id, receivedAt, envelope } = message;
      const payload = envelope.payload;
      if (payload.body === 'birth' || payload.body === 'heartbeat') {
        const sentAt = Number((payload.body === 'birth' ? payload.birth : payload.heartbeat)?.sentAt ?? 0);
        const clockOffsetChange = clocks.sample(id, sentAt, receivedAt, isLive(receivedAt));
        return { ...message, batch: undefined, encodedBatch: undefined, adjustments: undefined, clockOffsetMs: clocks.offsetOf(id), clockOffsetChange };
      }
      const clockOffsetMs = clocks.offsetOf(id);
      if (payload.body !== 'data' || message.duplicate) {
        return { ...message, batch: undefined, encodedBatch: undefined, adjustments: undefined, clockOffsetMs, clockOffsetChange: undefined };
      }
      const received = payload.data as vigil.v1.DataBatch;
      let adjustments: AdjustReason[] | undefined;
      const batch = correctTimes(received, receivedAt, clockOffsetMs, (reason) => (adjustments ??= []).push(reason));
      // Unchanged, the batch is kept in the outbox as the agent encoded it.
      const encodedBatch = batch === received ? soleDataBatchBytes(envelope.plaintext) : undefined;
      return { ...message, batch, encodedBatch, adjustments, clockOffsetMs, clockOffsetChange: undefined };
    },
  };
}

import type { vigil } from '@vigil/proto/wire';
import type { FleetTagsCache } from '../fleet-tags.js';
import type { Applied, GroupStage } from '../message.js';
import type { TelemetryOutbox } from '../outbox.js';
import { heartbeatPoint, statePoint } from '../points.js';

/**
 * What the message adds to the time series, into the durable outbox in fleet.db, in the message's
 * transaction: its state changes, a heartbeat (at its send time on our clock), a data batch not
 * stored before (with its times as we keep them; as the agent encoded it when they are its own).
 * The drain sends them to the TelemetryStore after the COMMIT.
 */
export function stageOutbox(outbox: TelemetryOutbox, tags: FleetTagsCache): GroupStage<Applied, Applied> {
  return {
    name: 'outbox',
    inGroup: true,
    run: (message) => {
      const id = message.recorderId;
      for (const change of message.changes) outbox.append([statePoint(tags.of(id), change)]);
      const payload = message.envelope.payload;
      if (payload.body === 'heartbeat') {
        outbox.append([heartbeatPoint(tags.of(id), payload.heartbeat as vigil.v1.Heartbeat, message.receivedAt, message.clockOffsetMs)]);
      } else if (message.batch) {
        outbox.appendBatch(tags.of(id), message.batch, message.receivedAt, message.encodedBatch);
      }
      return message;
    },
  };
}

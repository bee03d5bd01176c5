import type { vigil } from '@vigil/proto/wire';
import type { FleetDb } from '../../registry/fleet-db.js';
import type { AckTracker } from '../acks.js';
import type { PostCommitEffects } from '../effects.js';
import type { Acknowledged, Applied, GroupStage } from '../message.js';

/**
 * The spool position (docs/DESIGN.md "Message semantics") into fleet.db, and what the outside
 * learns once the group commits: the ack to the agent, its state changes, its problems.
 */
export function acknowledge(db: FleetDb, acks: AckTracker, effects: PostCommitEffects): GroupStage<Applied, Acknowledged> {
  return {
    name: 'acknowledge',
    inGroup: true,
    run: (message) => {
      const { recorderId: id, envelope } = message;
      const payload = envelope.payload;
      for (const change of message.changes) effects.stateChanged(change);
      // A birth or heartbeat raised or cleared the agent-clock-off problem of a recorder whose state stays.
      if (payload.body !== 'data' && message.problemsChanged && message.changes.length === 0) effects.announceCurrent(id);
      if (payload.body === 'birth') {
        const birth = payload.birth as vigil.v1.Birth;
        // A stale birth names a spool that is not the agent's any more: the position stays with the current one.
        if (birth.spoolEpoch && !message.staleBirth) {
          // Tell the agent at once what we hold, in case an earlier ack was lost with its connection.
          effects.ack(id, { epoch: birth.spoolEpoch, seq: acks.birth(id, birth.spoolEpoch, birth.ackedThrough) });
        }
      } else if (payload.body === 'data') {
        const batch = message.batch ?? (payload.data as vigil.v1.DataBatch);
        if (!message.duplicate) {
          if (batch.historical) effects.historicalBatch();
          effects.dataStored(id, batch.historical, {
            problems: message.problemsChanged,
            disks: batch.disks.length > 0,
            licences: batch.licences.length > 0,
          });
          if (message.adjustments) effects.adjusted(message.adjustments);
          acks.stored(id, batch.spoolEpoch, envelope.seq, false);
          // A new problem on a recorder whose state stays (already degraded) must still reach open pages.
          if (!batch.historical && (message.problemsChanged || batch.events.length > 0)) effects.announceCurrent(id);
        }
        const position = acks.acked(id);
        effects.ack(id, position);
        // The spool position (new or not) with last seen: one UPDATE of the recorder's row.
        db.touchWithSpoolPosition(id, message.receivedAt, envelope.seq, position.epoch, position.seq);
      }
      return { ...message, pubackAfterCommit: message.kind === 'birth' || message.kind === 'death' };
    },
  };
}

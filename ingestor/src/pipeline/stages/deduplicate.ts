import type { vigil } from '@vigil/proto/wire';
import type { AckTracker } from '../acks.js';
import type { PostCommitEffects } from '../effects.js';
import type { Deduplicated, GroupStage, Validated } from '../message.js';

/**
 * A data batch at or below its spool's acknowledged seq, or already stored above a gap, is a
 * re-send (after a reconnect or crash): it is acknowledged again but not applied twice.
 */
export function deduplicate(acks: AckTracker, effects: PostCommitEffects): GroupStage<Validated, Deduplicated> {
  return {
    name: 'deduplicate',
    inGroup: true,
    run: (message) => {
      if (message.kind !== 'data') return { ...message, duplicate: false };
      const batch = message.envelope.payload.data as vigil.v1.DataBatch;
      const duplicate = acks.isDuplicate(message.recorderId, batch.spoolEpoch, message.envelope.seq);
      // Counted once the group commits: a group that fails applies its messages again.
      if (duplicate) effects.duplicateBatch();
      return { ...message, duplicate };
    },
  };
}

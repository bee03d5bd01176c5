import type { vigil } from '@vigil/proto/wire';
import { dropped, type CheckStage, type Opened, type Validated } from '../message.js';
import { BatchRejected, checkBatchSize } from '../validate.js';

/**
 * A data batch within the limits we accept (pipeline/validate.ts): refused whole when too large to
 * be an agent's. Its times are checked inside the group, once the agent's clock offset is known
 * (stages/correct-times.ts).
 */
export function validate(): CheckStage<Opened, Validated> {
  return {
    name: 'validate',
    inGroup: false,
    run: (message) => {
      if (message.envelope.payload.body !== 'data') return message;
      try {
        checkBatchSize(message.envelope.payload.data as vigil.v1.DataBatch);
      } catch (error) {
        if (error instanceof BatchRejected) return dropped(error.reason, error.message);
        throw error;
      }
      return message;
    },
  };
}

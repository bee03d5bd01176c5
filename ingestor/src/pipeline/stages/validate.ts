import { soleDataBatchBytes, type vigil } from '@vigil/proto/wire';
import { dropped, type CheckStage, type Opened, type Validated } from '../message.js';
import { BatchRejected, validateBatch, type AdjustReason } from '../validate.js';

/**
 * A data batch within the limits we accept (pipeline/validate.ts): refused whole when too large to
 * be an agent's; times we cannot believe moved or left out, and listed (counted once it is stored).
 */
export function validate(): CheckStage<Opened, Validated> {
  return {
    name: 'validate',
    inGroup: false,
    run: (message) => {
      if (message.envelope.payload.body !== 'data') return { ...message, encodedBatch: undefined, adjustments: undefined };
      let adjustments: AdjustReason[] | undefined;
      let changed: boolean;
      try {
        changed = validateBatch(message.envelope.payload.data as vigil.v1.DataBatch, message.receivedAt, (reason) => (adjustments ??= []).push(reason));
      } catch (error) {
        if (error instanceof BatchRejected) return dropped(error.reason, error.message);
        throw error;
      }
      // Unchanged by validation, the batch is kept in the outbox as the agent encoded it.
      return { ...message, encodedBatch: changed ? undefined : soleDataBatchBytes(message.envelope.plaintext), adjustments };
    },
  };
}

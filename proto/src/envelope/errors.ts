/**
 * Why an envelope was refused. The reason doubles as the metrics label, so it stays short,
 * stable and free of anything the sender controls.
 */
export type EnvelopeRejection =
  | 'oversized'
  | 'malformed'
  | 'sender-mismatch'
  | 'unknown-recipient-key'
  | 'unknown-sender'
  | 'replayed-data-key'
  | 'bad-signature'
  | 'tampered';

export abstract class EnvelopeError extends Error {
  abstract readonly reason: EnvelopeRejection;
}

export class OversizedEnvelopeError extends EnvelopeError {
  readonly reason = 'oversized';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`envelope of ${size} bytes exceeds the ${limit}-byte limit`);
  }
}

/** Truncated bytes, bytes that are not an Envelope, or an Envelope with missing/ill-sized fields. */
export class MalformedEnvelopeError extends EnvelopeError {
  readonly reason = 'malformed';
}

export class SenderMismatchError extends EnvelopeError {
  readonly reason = 'sender-mismatch';
  constructor(
    readonly sender: string,
    readonly topicRecorderId: string,
  ) {
    super(`envelope sender "${sender}" is not the topic's recorder "${topicRecorderId}"`);
  }
}

export class UnknownRecipientKeyError extends EnvelopeError {
  readonly reason = 'unknown-recipient-key';
  constructor(readonly keyId: string) {
    super(`data key is wrapped for recipient key ${keyId}, which this ingestor does not hold`);
  }
}

export class UnknownSenderError extends EnvelopeError {
  readonly reason = 'unknown-sender';
  constructor(readonly sender: string) {
    super(`no signing key is registered for recorder "${sender}"`);
  }
}

export class ReplayedDataKeyError extends EnvelopeError {
  readonly reason = 'replayed-data-key';
  constructor(readonly sender: string) {
    super(`recorder "${sender}" presented a data key first seen from another sender`);
  }
}

export class BadSignatureError extends EnvelopeError {
  readonly reason = 'bad-signature';
  constructor(readonly sender: string) {
    super(`the data key's signature does not verify against recorder "${sender}"'s signing key`);
  }
}

export class TamperedEnvelopeError extends EnvelopeError {
  readonly reason = 'tampered';
  constructor(readonly sender: string) {
    super(`envelope from "${sender}" failed AES-GCM authentication (ciphertext, seq or header altered)`);
  }
}

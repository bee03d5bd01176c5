import $protobuf from 'protobufjs/minimal.js';

/** `DataBatch data = 4` in `message Payload` (proto/vigil.proto), length-delimited. */
const DATA_TAG = (4 << 3) | 2;

/**
 * The encoded DataBatch inside an encoded Payload, when the Payload is exactly one `data` field.
 * Whoever keeps the batch as bytes (the ingestor's outbox) can then keep these instead of encoding
 * the decoded batch again: decoding either gives the same batch. Anything else (another field, a
 * repeated `data` that protobuf would merge, trailing bytes) gives undefined, and the caller encodes.
 */
export function soleDataBatchBytes(payload: Buffer): Buffer | undefined {
  const reader = $protobuf.Reader.create(payload);
  try {
    if (reader.len === 0 || reader.uint32() !== DATA_TAG) return undefined;
    const bytes = reader.bytes();
    return reader.pos === reader.len && Buffer.isBuffer(bytes) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

// Timestamps and sequence numbers fit in 2^53: decode 64-bit fields as plain numbers, not Long.
// This must run before the generated code is evaluated, which is why wire.ts imports it first.
import protobuf from 'protobufjs/minimal.js';

protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

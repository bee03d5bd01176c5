// @vigil/proto/wire: what travels over MQTT (the generated protobuf code, the topic layout, and
// reading an encoded Payload without decoding it). The agent and the fleet side both import it.
// numbers.ts must run before the generated code is evaluated, hence first.
import './numbers.js';
export { vigil } from './gen/vigil.js';
export * from './topics.js';
export { soleDataBatchBytes } from './payload-bytes.js';

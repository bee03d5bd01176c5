export * from './errors.js';
export { EnvelopeSealer, type SealerOptions } from './seal.js';
export { EnvelopeOpener, type OpenerOptions, type OpenedEnvelope } from './open.js';
export { keyIdOf } from './keys.js';

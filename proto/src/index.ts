export { vigil } from './wire.js';
export { soleDataBatchBytes } from './payload-bytes.js';
export * from './envelope/index.js';
export * from './topics.js';
export { FleetPki, writeSecret, type DeviceBundle, type TlsIdentityFiles, type IdentityRole, type DeviceRegistryFile, type DeviceRegistryEntry } from './pki/index.js';
export { RateLimitedWarning } from './rate-limited-warning.js';
export { startMetricsServer, type MetricsSource } from './metrics-server.js';
export { fillRate, type UsageSample } from './trend.js';
export { fillPacketLengthCache, useSmallBufferPool } from './mqtt-packet-lengths.js';

export {
  startBroker,
  identityFromCertificate,
  DEFAULT_LIMITS,
  type BrokerOptions,
  type BrokerLimits,
  type BrokerStats,
  type RunningBroker,
  type DropReason,
} from './broker.js';
export { canPublish, canSubscribe, filterCovers, SERVICE_CLIENT_PREFIX, type Identity } from './acl.js';
export { DeviceAdmission } from './admission.js';
export { BrokerMetrics } from './metrics.js';
export { AddressBuckets, addressKey, PacketSizeGuard, TokenBucket } from './limits.js';
export {
  startEnrollmentServer,
  DEFAULT_ENROLLMENT_LIMITS,
  ENROLLMENT_REFUSAL_REASONS,
  type EnrollmentLimits,
  type EnrollmentRefusalReason,
  type EnrollmentRequest,
  type EnrollmentResponse,
  type RenewalRequest,
  type RenewalResponse,
} from './enrollment.js';

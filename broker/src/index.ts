export { startBroker, identityFromCertificate, type BrokerOptions, type BrokerStats, type RunningBroker, type DropReason } from './broker.js';
export { canPublish, canSubscribe, filterCovers, SERVICE_CLIENT_PREFIX, type Identity } from './acl.js';


export { Agent, AGENT_VERSION, describeConnectError, reconnectCeilingMs, reconnectDelay, type AgentOptions } from './agent.js';
export {
  loadAgentConfig,
  parseAgentConfig,
  ConfigError,
  agentConfigSchema,
  type AgentConfig,
  type AgentConfigInput,
  type AgentConfigOverrides,
} from './config.js';
export { Spool, type SpoolOptions, type SpooledBatch, type SpoolStats } from './spool/spool.js';
export { Shipper } from './spool/shipper.js';
export type {
  Collector,
  CollectorSink,
  Observation,
  ConditionChange,
  EventOccurrence,
  DiskReading,
  ServiceReading,
  LicenceReading,
  ProblemCode,
  Severity,
  CheckReport,
  InventoryFacts,
  Clock,
} from './collectors/types.js';
export { checkAgent, type AgentCheck, type CheckOptions } from './check.js';
export { buildCollectors, type CollectorDeps } from './collectors/index.js';
export { loadCredentials, type AgentCredentials } from './credentials.js';
export type { StatfsFunction, StatfsResult } from './collectors/disks/index.js';
export { enroll, type EnrollOptions } from './enroll.js';
export {
  registerAgentCommands,
  runAgentProgram,
  runVigilProgram,
  vigilProgram,
  logLevel,
  onShutdown,
  UsageError,
  readAgentEnvironment,
  type AgentEnvironment,
} from './cli/index.js';

export { Agent, AGENT_VERSION, describeConnectError, type AgentOptions } from './agent.js';
export { loadAgentConfig, parseAgentConfig, ConfigError, agentConfigSchema, type AgentConfig, type AgentConfigInput } from './config.js';

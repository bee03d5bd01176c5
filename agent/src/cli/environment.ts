import type { AgentConfigOverrides } from '../config.js';

/** What the agent takes from its environment, read once by the CLI and handed down typed. */
export interface AgentEnvironment {
  /** VIGIL_RECORDER_ID, VIGIL_BROKER_URL, VIGIL_HEARTBEAT_SECONDS, VIGIL_AGENT_DATA_DIR: over the config file. */
  configOverrides: AgentConfigOverrides;
  /** VIGIL_LOG_LEVEL as set; checked where a logger is made, so a bad one fails only the commands that log. */
  logLevel: string | undefined;
  /** PATH, where `manager: auto` looks for systemctl. */
  searchPath: string;
}

/** Reads the agent's variables; an empty variable counts as unset, as shells often leave them. */
export function readAgentEnvironment(env: NodeJS.ProcessEnv): AgentEnvironment {
  const set = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const heartbeat = set('VIGIL_HEARTBEAT_SECONDS');
  return {
    configOverrides: {
      recorderId: set('VIGIL_RECORDER_ID'),
      brokerUrl: set('VIGIL_BROKER_URL'),
      // Not parsed leniently: "30s" stays a string, which the config check reports against heartbeatSeconds as written.
      heartbeatSeconds: heartbeat === undefined ? undefined : heartbeat.trim() !== '' && Number.isFinite(Number(heartbeat)) ? Number(heartbeat) : heartbeat,
      dataDir: set('VIGIL_AGENT_DATA_DIR'),
    },
    logLevel: set('VIGIL_LOG_LEVEL'),
    searchPath: env.PATH ?? '',
  };
}

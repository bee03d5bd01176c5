export { registerAgentCommands } from './commands.js';
export { runAgentProgram, runVigilProgram, vigilProgram } from './program.js';
export { logLevel, onShutdown, UsageError } from './process.js';
export { readAgentEnvironment, type AgentEnvironment } from './environment.js';

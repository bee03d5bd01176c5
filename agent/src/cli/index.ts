export { registerAgentCommands } from './commands.js';
export { runAgentProgram } from './program.js';
export { logLevel, onShutdown, UsageError } from './process.js';

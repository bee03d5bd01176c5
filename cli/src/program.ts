import type { Command } from 'commander';
import { vigilProgram } from '@vigil/agent';
import { registerAgent } from './commands/agent.js';
import { registerBackup } from './commands/backup.js';
import { registerParts } from './commands/parts.js';
import { registerPki } from './commands/pki.js';
import { registerUp } from './commands/up.js';
import type { Environment } from './settings/index.js';

/**
 * The whole `vigil` command tree, every command with its flags, reading settings from `env` when
 * an action runs. main.ts runs it; compose.test.ts reads it to check the commands compose.yaml runs.
 */
export function fleetProgram(env: Environment): Command {
  const program = vigilProgram();
  registerUp(program, env);
  registerParts(program, env);
  registerAgent(program);
  registerPki(program, env);
  registerBackup(program, env);
  return program;
}

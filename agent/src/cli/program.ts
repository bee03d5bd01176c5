import { Command, CommanderError } from 'commander';
import { registerAgentCommands } from './commands.js';

/**
 * The agent's own `vigil` program: only the agent commands, with the same name, options, help and
 * exit codes as in the full CLI (cli/src/main.ts), but without loading any fleet-side code. This
 * is what the agent bundle (agent/dist/vigil-agent.mjs) runs.
 */
export async function runAgentProgram(argv: string[] = process.argv): Promise<void> {
  const program = new Command('vigil')
    .description('Fleet health for video-surveillance recorders')
    .version('0.1.0')
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();
  registerAgentCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    // Anything else: one readable line; the stack only when asked for (as cli/src/main.ts does).
    console.error(`vigil: ${(error as Error).message}`);
    if (process.env.VIGIL_LOG_LEVEL === 'debug' || process.env.VIGIL_LOG_LEVEL === 'trace') console.error((error as Error).stack);
    process.exit(1);
  }
}

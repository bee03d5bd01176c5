import { Command, CommanderError } from 'commander';
import { registerAgentCommands } from './commands.js';
import { readAgentEnvironment } from './environment.js';

/** The `vigil` command's name, version and parsing rules, shared by the full CLI and the agent bundle. */
export function vigilProgram(): Command {
  return new Command('vigil')
    .description('Fleet health for video-surveillance recorders')
    .version('0.1.0')
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride();
}

/**
 * Parses and runs, and turns every failure into one readable line: usage errors exit with
 * commander's code, a mistake the user can fix (what `explain` recognises and phrases) with 2,
 * anything else with 1, the stack only when asked for with VIGIL_LOG_LEVEL=debug (`logLevel`).
 */
export async function runVigilProgram(
  program: Command,
  argv: string[],
  explain: (error: Error) => string | undefined = () => undefined,
  logLevel: string | undefined = process.env.VIGIL_LOG_LEVEL,
): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const fixable = explain(error as Error);
    if (fixable !== undefined) {
      console.error(`vigil: ${fixable}`);
      process.exit(2);
    }
    console.error(`vigil: ${(error as Error).message}`);
    if (logLevel === 'debug' || logLevel === 'trace') console.error((error as Error).stack);
    process.exit(1);
  }
}

/**
 * The agent's own `vigil` program: only the agent commands, with the same name, options, help and
 * exit codes as in the full CLI (cli/src/main.ts), but without loading any fleet-side code. This
 * is what the agent bundle (agent/dist/vigil-agent.mjs) runs.
 */
export async function runAgentProgram(argv: string[] = process.argv): Promise<void> {
  const environment = readAgentEnvironment(process.env);
  const program = vigilProgram();
  registerAgentCommands(program, environment);
  await runVigilProgram(program, argv, undefined, environment.logLevel);
}

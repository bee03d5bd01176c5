import { Command, CommanderError } from 'commander';
import { ConfigError } from '@vigil/agent';
import { registerAgent } from './commands/agent.js';
import { registerParts } from './commands/parts.js';
import { registerPki } from './commands/pki.js';
import { registerUp } from './commands/up.js';
import { SettingsError } from './settings.js';

const program = new Command('vigil')
  .description('Fleet health for video-surveillance recorders')
  .version('0.1.0')
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

registerUp(program);
registerParts(program);
registerAgent(program);
registerPki(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof SettingsError || error instanceof ConfigError) {
    console.error(`vigil: ${error.message}`);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    console.error(`vigil: ${(error as Error).message}: another program uses that port; pick another with --http-port/--mqtt-port or VIGIL_HTTP_PORT/VIGIL_MQTT_PORT`);
    process.exit(2);
  }
  // Anything else: one readable line; the stack only when asked for.
  console.error(`vigil: ${(error as Error).message}`);
  if (process.env.VIGIL_LOG_LEVEL === 'debug' || process.env.VIGIL_LOG_LEVEL === 'trace') console.error((error as Error).stack);
  process.exit(1);
}

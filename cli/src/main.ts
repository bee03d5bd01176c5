import { ConfigError, runVigilProgram } from '@vigil/agent';
import { TelemetryConfigError } from '@vigil/ingestor';
import { fleetProgram } from './program.js';
import { SettingsError } from './settings/index.js';

// The one place the fleet side reads settings from its environment: each command parses it with its own schema.
const program = fleetProgram(process.env);

await runVigilProgram(program, process.argv, (error) => {
  if (error instanceof SettingsError || error instanceof ConfigError || error instanceof TelemetryConfigError) return error.message;
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return `${error.message}: another program uses that port; pick another with --http-port/--mqtt-port or VIGIL_HTTP_PORT/VIGIL_MQTT_PORT`;
  }
  return undefined;
});

import type { Command } from 'commander';
import { pino } from 'pino';
import { Agent } from '../agent.js';
import { checkAgent } from '../check.js';
import { buildCollectors } from '../collectors/index.js';
import { ConfigError, loadAgentConfig } from '../config.js';
import { enroll } from '../enroll.js';
import { startHeapTrim } from '../heap-trim.js';
import { registerInstallCommands } from '../install/commands.js';
import { readAgentEnvironment, type AgentEnvironment } from './environment.js';
import { logLevel, onShutdown, UsageError } from './process.js';

const configHelp = 'agent config (YAML); env VIGIL_RECORDER_ID, VIGIL_BROKER_URL, VIGIL_HEARTBEAT_SECONDS, VIGIL_AGENT_DATA_DIR override it';

/**
 * A config or usage mistake ends the command with "vigil: <what and how to fix it>" and exit
 * code 2, before anything connects. Handled here rather than in a program's error handler so that
 * `vigil agent` behaves the same inside the full CLI and as the standalone agent bundle.
 */
function reportingUsageErrors<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
      console.error(`vigil: ${error.message}`);
      process.exit(2);
    }
  };
}

/**
 * `vigil agent`, `vigil agent check` and `vigil agent enroll`, on any commander program. The
 * environment is read here, once, and only handed down from here on.
 */
export function registerAgentCommands(program: Command, environment: AgentEnvironment = readAgentEnvironment(process.env)): void {
  const { configOverrides, searchPath } = environment;
  const agent = program
    .command('agent')
    .description('run the edge agent on a recorder host (see "vigil agent check" to try a config first)')
    .enablePositionalOptions()
    // not requiredOption: commander would then demand it of "vigil agent check" as well
    .option('--config <file>', configHelp)
    .action(
      reportingUsageErrors(async (flags: { config?: string }) => {
        const path = flags.config ?? agent.error("error: required option '--config <file>' not specified", { exitCode: 2 });
        const config = loadAgentConfig(path, configOverrides);
        const running = new Agent(config, {
          logger: pino({ name: 'vigil-agent', level: logLevel('info', environment.logLevel) }),
          configSource: path,
          collectors: (deps) => buildCollectors(config, { ...deps, searchPath }),
        });
        await running.start();
        const stopHeapTrim = startHeapTrim();
        onShutdown(() => {
          stopHeapTrim();
          return running.stop();
        });
      }),
    );

  agent
    .command('check')
    .description('validate the config and credentials and print what each collector sees now, without connecting')
    .requiredOption('--config <file>', configHelp)
    .action(
      reportingUsageErrors(async (flags: { config: string }) => {
        const config = loadAgentConfig(flags.config, configOverrides);
        const result = await checkAgent(config, flags.config, { searchPath });
        console.log(result.text);
        process.exitCode = result.ok ? 0 : 1;
      }),
    );

  agent
    .command('enroll')
    .description('get this recorder a certificate with a one-time token from "vigil pki token" (no CA access needed)')
    .requiredOption('--url <url>', 'the fleet enrollment endpoint, e.g. https://fleet.example.com:8885')
    .requiredOption('--token <token>', 'the one-time token')
    .requiredOption('--recorder-id <id>', 'this recorder id (the token is for it)')
    .requiredOption('--ca <file>', 'the fleet CA certificate (ca.crt), to trust the endpoint')
    .option('--out <dir>', 'where to write the bundle (set bundleDir to it)', './vigil-bundle')
    .action(
      reportingUsageErrors(async (flags: { url: string; token: string; recorderId: string; ca: string; out: string }) => {
        const dir = await enroll({ url: flags.url, token: flags.token, recorderId: flags.recorderId, caFile: flags.ca, outDir: flags.out });
        console.log(`enrolled ${flags.recorderId}; bundle written to ${dir} (keys made here, 0600). Set bundleDir: ${dir} in agent.yaml.`);
      }),
    );

  registerInstallCommands(agent, { searchPath, wrap: reportingUsageErrors });
}

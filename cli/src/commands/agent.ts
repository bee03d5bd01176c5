import type { Command } from 'commander';
import { pino } from 'pino';
import { Agent, loadAgentConfig } from '@vigil/agent';
import { logLevel } from '../settings.js';
import { onShutdown } from '../shutdown.js';

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the edge agent on a recorder host')
    .requiredOption('--config <file>', 'agent config (YAML); env VIGIL_RECORDER_ID, VIGIL_BROKER_URL, VIGIL_HEARTBEAT_SECONDS, VIGIL_AGENT_DATA_DIR override it')
    .action(async (flags: { config: string }) => {
      const config = loadAgentConfig(flags.config);
      const agent = new Agent(config, { logger: pino({ name: 'vigil-agent', level: logLevel('info') }) });
      await agent.start();
      onShutdown(() => agent.stop());
    });
}

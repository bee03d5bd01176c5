import type { Command } from 'commander';
import { pino } from 'pino';
import { telemetryStoreFromEnv } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { startBrokerPart, startDashboardPart, startIngestorPart } from '../fleet.js';
import { fleetPaths, logLevel, resolveSettings, SettingsError } from '../settings.js';
import { onShutdown } from '../shutdown.js';
import { fleetOptions, type FleetFlags } from './options.js';

function initialisedPki(dataDir: string): FleetPki {
  const pki = new FleetPki(fleetPaths(dataDir).pki);
  if (!pki.isInitialised()) throw new SettingsError(`no fleet PKI in ${pki.dir}: run "vigil pki init --data-dir ${dataDir}" first`);
  return pki;
}

const brokerUrlOption = '--broker-url <url>';
const brokerUrlHelp = 'broker to connect to (env VIGIL_BROKER_URL, default mqtts://127.0.0.1:<mqtt port>)';

export function registerParts(program: Command): void {
  fleetOptions(program.command('broker').description('run the MQTT broker (TLS, client certificates, topic ACL)'), ['dataDir', 'mqttPort', 'wssPort', 'metricsPort', 'enrollPort', 'host']).action(
    async (flags: FleetFlags) => {
      const settings = resolveSettings(flags);
      const broker = await startBrokerPart(initialisedPki(settings.dataDir), settings, pino({ name: 'vigil', level: logLevel('info') }));
      onShutdown(() => broker.close());
    },
  );

  fleetOptions(program.command('ingestor').description('run the ingestor (open envelopes, fleet state, stores)'), ['dataDir', 'mqttPort', 'metricsPort', 'host'])
    .option(brokerUrlOption, brokerUrlHelp)
    .action(async (flags: FleetFlags & { brokerUrl?: string }) => {
      const settings = resolveSettings(flags);
      const brokerUrl = flags.brokerUrl ?? process.env.VIGIL_BROKER_URL ?? `mqtts://127.0.0.1:${settings.mqttPort}`;
      const metrics = { port: settings.metricsPort, host: settings.host };
      const ingestor = await startIngestorPart(initialisedPki(settings.dataDir), settings.dataDir, brokerUrl, pino({ name: 'vigil', level: logLevel('info') }), metrics);
      onShutdown(() => ingestor.close());
    });

  fleetOptions(program.command('dashboard').description('run the dashboard (API and web UI)'))
    .option(brokerUrlOption, brokerUrlHelp)
    .action(async (flags: FleetFlags & { brokerUrl?: string }) => {
      const settings = resolveSettings(flags);
      const brokerUrl = flags.brokerUrl ?? process.env.VIGIL_BROKER_URL ?? `mqtts://127.0.0.1:${settings.mqttPort}`;
      const logger = pino({ name: 'vigil', level: logLevel('info') });
      // History charts read the same time series the ingestor writes (InfluxDB or <data-dir>/telemetry.db).
      const telemetry = await telemetryStoreFromEnv(process.env, settings.dataDir, logger.child({ part: 'dashboard' }), { readerOnly: true });
      const { dashboard, url, generatedAdminPassword } = await startDashboardPart(initialisedPki(settings.dataDir), settings, brokerUrl, logger, process.env.VIGIL_ADMIN_PASSWORD || undefined, telemetry);
      console.log(`Dashboard: ${url}`);
      if (generatedAdminPassword) console.log(`Log in as admin / ${generatedAdminPassword} (shown only this once; set VIGIL_ADMIN_PASSWORD to choose or reset it)`);
      onShutdown(async () => {
        await dashboard.app.close();
        await telemetry.close();
      });
    });
}

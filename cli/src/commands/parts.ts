import type { Command } from 'commander';
import { telemetryStoreFromEnv } from '@vigil/ingestor';
import { FleetPki } from '@vigil/proto/pki';
import { startBrokerPart, startDashboardPart, startIngestorPart } from '../fleet.js';
import { brokerSettings, dashboardSettings, fleetPaths, ingestorSettings, SettingsError, type Environment, type Flags } from '../settings/index.js';
import { onShutdown } from '../shutdown.js';
import { fleetLogger } from './logger.js';
import { fleetOptions } from './options.js';

function initialisedPki(dataDir: string): FleetPki {
  const pki = new FleetPki(fleetPaths(dataDir).pki);
  if (!pki.isInitialised()) throw new SettingsError(`no fleet PKI in ${pki.dir}: run "vigil pki init --data-dir ${dataDir}" first`);
  return pki;
}

const brokerUrlOption = '--broker-url <url>';
const brokerUrlHelp = 'broker to connect to (env VIGIL_BROKER_URL, default mqtts://127.0.0.1:<mqtt port>)';

export function registerParts(program: Command, env: Environment): void {
  fleetOptions(program.command('broker').description('run the MQTT broker (TLS, client certificates, topic ACL)'), [
    'dataDir',
    'mqttPort',
    'wssPort',
    'metricsPort',
    'enrollPort',
    'host',
    'redisUrl',
  ]).action(async (flags: Flags) => {
    const settings = brokerSettings.parse(flags, env);
    const logger = fleetLogger(settings.logLevel, env);
    const broker = await startBrokerPart(initialisedPki(settings.dataDir), settings, logger);
    onShutdown(() => broker.close());
  });

  fleetOptions(program.command('ingestor').description('run the ingestor (open envelopes, fleet state, stores)'), [
    'dataDir',
    'mqttPort',
    'metricsPort',
    'host',
  ])
    .option(brokerUrlOption, brokerUrlHelp)
    .action(async (flags: Flags) => {
      const settings = ingestorSettings.parse(flags, env);
      const logger = fleetLogger(settings.logLevel, env);
      const ingestor = await startIngestorPart(initialisedPki(settings.dataDir), settings, settings.brokerUrl, logger, settings.metrics);
      onShutdown(() => ingestor.close());
    });

  fleetOptions(program.command('dashboard').description('run the dashboard (API and web UI)'))
    .option(brokerUrlOption, brokerUrlHelp)
    .action(async (flags: Flags) => {
      const settings = dashboardSettings.parse(flags, env);
      const logger = fleetLogger(settings.logLevel, env);
      // History charts read the same time series the ingestor writes (InfluxDB or <data-dir>/telemetry.db).
      const telemetry = await telemetryStoreFromEnv(settings.telemetry, settings.dataDir, logger.child({ part: 'dashboard' }), { readerOnly: true });
      const { dashboard, url, generatedAdminPassword } = await startDashboardPart(
        initialisedPki(settings.dataDir),
        settings,
        settings.brokerUrl,
        logger,
        telemetry,
      );
      console.log(`Dashboard: ${url}`);
      if (generatedAdminPassword)
        console.log(`Log in as admin / ${generatedAdminPassword} (shown only this once; set VIGIL_ADMIN_PASSWORD to choose or reset it)`);
      onShutdown(async () => {
        await dashboard.app.close();
        await telemetry.close();
      });
    });
}

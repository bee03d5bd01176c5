import type { Command } from 'commander';
import { ensureDemoUsers, startDemoFleet, type DemoFleet } from '../demo/demo-fleet.js';
import { startDemoCatchers } from '../demo/catchers.js';
import { ensureDemoAlerting } from '../demo/demo-alerting.js';
import { demoRecorders } from '../demo/plan.js';
import { startFleet } from '../fleet.js';
import { fleetPaths, upSettings, type Environment } from '../settings/index.js';
import { onShutdown } from '../shutdown.js';
import { fleetLogger } from './logger.js';
import { fleetOptions, type FleetFlags } from './options.js';

export function registerUp(program: Command, env: Environment): void {
  fleetOptions(
    program
      .command('up')
      .description('run broker, ingestor and dashboard on this machine (the embedded default)')
      .option('--demo', 'also run a demo fleet of simulated recorders (real agents) with demo logins'),
  ).action(async (flags: FleetFlags & { demo?: boolean }) => {
    const settings = upSettings.parse(flags, env);
    const logger = fleetLogger(settings.logLevel, env);
    const started = Date.now();
    // The demo's notifications go to catchers of its own, unless the operator named a mail server.
    const catchers = flags.demo ? await startDemoCatchers({ dataDir: settings.dataDir, logger: logger.child({ part: 'demo-catchers' }) }) : undefined;
    if (catchers && !settings.smtp) settings.smtp = catchers.smtpSettings;
    const fleet = await startFleet(settings, logger);
    let demo: DemoFleet | undefined;
    const lines = [
      '',
      'Vigil is running.',
      `  Dashboard:  ${fleet.dashboardUrl}`,
      `  Broker:     mqtts://${settings.host}:${fleet.broker.port} and wss://${settings.host}:${fleet.broker.wssPort}/mqtt (client certificates from ${fleetPaths(settings.dataDir).pki})`,
      `  Health:     http://${settings.host}:${fleet.broker.metricsPort}/healthz and /metrics`,
      `  Enrollment: https://${settings.host}:${fleet.broker.enrollPort}/enroll (tokens from "vigil pki token <recorderId>")`,
      `  Data:       ${settings.dataDir}`,
      '',
    ];
    if (fleet.generatedAdminPassword) {
      lines.push(
        `  Log in as admin / ${fleet.generatedAdminPassword}`,
        '  (generated now and shown only this once; set VIGIL_ADMIN_PASSWORD to choose or reset it)',
      );
    } else {
      lines.push(
        settings.adminPassword !== undefined
          ? '  Log in as admin with VIGIL_ADMIN_PASSWORD.'
          : '  Log in as admin with the password printed at first start (set VIGIL_ADMIN_PASSWORD to reset it).',
      );
    }
    if (flags.demo) {
      const logins = await ensureDemoUsers(fleet.dashboard.store, fleetPaths(settings.dataDir).demo);
      if (catchers) ensureDemoAlerting(fleet.dashboard.store, catchers);
      demo = await startDemoFleet(fleet.pki, fleet.brokerUrl, fleetPaths(settings.dataDir).demo, logger, { agentLogLevel: settings.demoAgentLogLevel });
      lines.push(
        `  Demo fleet: ${demoRecorders().length} recorders of 2 resellers, real agents watching stand-in hosts;`,
        '  within five minutes a camera drops and recovers, a drive fills, a service stops, licences run',
        '  short, a recorder loses power and a site loses its uplink. Demo logins:',
        ...Object.entries(logins).map(
          ([user, password]) =>
            `    ${user.padEnd(10)} ${password}   (${user === 'noc' ? 'NOC: sees every installation' : 'reseller: sees only its own customers'})`,
        ),
      );
      if (catchers) {
        lines.push(
          `  Notifications: ${catchers.inboxUrl}  (the demo's alert rules e-mail and call a webhook there;`,
          `  every message is also in ${catchers.logFile})`,
        );
      }
    }
    lines.push('', `  Started in ${((Date.now() - started) / 1000).toFixed(1)} s. Press Ctrl-C to stop.`, '');
    console.log(lines.join('\n'));
    onShutdown(async () => {
      console.log('vigil: stopping…');
      await demo?.stop();
      await fleet.close();
      await catchers?.close();
      console.log('vigil: stopped');
    });
  });
}

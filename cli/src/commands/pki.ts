import type { Command } from 'commander';
import { FleetPki } from '@vigil/proto/pki';
import { fleetPaths, pkiSettings, SettingsError, type Environment } from '../settings/index.js';
import { fleetOptions, type FleetFlags } from './options.js';

export function registerPki(program: Command, env: Environment): void {
  const pki = program.command('pki').description('fleet certificates and keys');

  fleetOptions(pki.command('init').description('create the fleet CA, broker certificate, service identities and the ingestor envelope key'), ['dataDir'])
    .option(
      '--broker-host <name...>',
      'DNS names or IPs the broker is reached at (localhost and 127.0.0.1 are always included); on an existing PKI, names the broker certificate lacks are added by reissuing it',
    )
    .action(async (flags: FleetFlags & { brokerHost?: string[] }) => {
      const { dataDir } = pkiSettings.parse(flags, env);
      const fleetPki = new FleetPki(fleetPaths(dataDir).pki);
      const changed = await fleetPki.init({ brokerHosts: (flags.brokerHost ?? []).flatMap((names) => names.split(',')) });
      console.log(
        changed.length > 0
          ? `changed in ${fleetPki.dir}:\n${changed.map((c) => `  - ${c}`).join('\n')}`
          : `fleet PKI already complete in ${fleetPki.dir}; nothing changed (the broker certificate names ${fleetPki.brokerNames().join(', ')})`,
      );
    });

  fleetOptions(pki.command('issue').description("issue a recorder's device certificate (CN = recorder id) and signing key").argument('<recorderId>'), [
    'dataDir',
  ]).action(async (recorderId: string, flags: FleetFlags) => {
    const { dataDir, deviceCertDays } = pkiSettings.parse(flags, env);
    const bundle = await new FleetPki(fleetPaths(dataDir).pki, { deviceCertificateDays: deviceCertDays }).issueDevice(recorderId);
    console.log(`issued ${recorderId}; copy this folder to the recorder host and set bundleDir to it in agent.yaml:\n  ${bundle.dir}`);
  });

  fleetOptions(
    pki.command('revoke').description('revoke a recorder: the broker refuses it and drops its live connection within seconds').argument('<recorderId>'),
    ['dataDir'],
  ).action((recorderId: string, flags: FleetFlags) => {
    const { dataDir } = pkiSettings.parse(flags, env);
    new FleetPki(fleetPaths(dataDir).pki).revoke(recorderId);
    console.log(`revoked ${recorderId}; a running broker drops it within seconds. Reissue with "vigil pki issue ${recorderId}" to let it back in.`);
  });

  fleetOptions(
    pki.command('token').description('create a one-time enrollment token for a recorder ("vigil agent enroll" redeems it)').argument('<recorderId>'),
    ['dataDir'],
  )
    .option('--ttl-hours <hours>', 'how long the token is valid', '168')
    .action((recorderId: string, flags: FleetFlags & { ttlHours: string }) => {
      const { dataDir } = pkiSettings.parse(flags, env);
      const hours = Number(flags.ttlHours);
      if (!(hours > 0)) throw new SettingsError(`--ttl-hours is "${flags.ttlHours}": use a positive number of hours`);
      const fleetPki = new FleetPki(fleetPaths(dataDir).pki);
      const token = fleetPki.createEnrollmentToken(recorderId, hours * 3_600_000);
      console.log(
        `one-time enrollment token for ${recorderId}, valid ${hours} h:\n  ${token}\nOn the recorder host, with the fleet CA certificate (${fleetPki.caCertPath}) copied beside it:\n  vigil agent enroll --url https://<fleet host>:8885 --token ${token} --recorder-id ${recorderId} --ca ca.crt --out ./${recorderId}`,
      );
    });
}

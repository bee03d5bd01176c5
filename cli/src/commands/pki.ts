import type { Command } from 'commander';
import { FleetPki } from '@vigil/proto/pki';
import { fleetPaths, pkiSettings, SettingsError, type Environment } from '../settings/index.js';
import { fleetOptions, type FleetFlags } from './options.js';

function initialised(dataDir: string): FleetPki {
  const fleetPki = new FleetPki(fleetPaths(dataDir).pki);
  if (!fleetPki.isInitialised()) throw new SettingsError(`no fleet PKI in ${fleetPki.dir}: run "vigil pki init --data-dir ${dataDir}" first`);
  return fleetPki;
}

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
    pki
      .command('rotate-envelope-key')
      .description('make a new envelope key pair current; the old one is kept in pki/envelope-previous/ so what was sealed to it still opens'),
    ['dataDir'],
  ).action(async (flags: FleetFlags) => {
    const { dataDir } = pkiSettings.parse(flags, env);
    const { previousKeyId, currentKeyId } = await initialised(dataDir).rotateEnvelopeKey();
    console.log(
      [
        `envelope key rotated: ${currentKeyId} is current, ${previousKeyId} moved to pki/envelope-previous/.`,
        'Next: restart every ingestor (it reads the keys at start). Agents sealing to the previous key are sent the new one',
        `in their acks and move to it by themselves. Watch vigil_envelope_opened_total{key_id="${previousKeyId}"} on the`,
        `ingestor's /metrics; once it stays flat, retire the old key: vigil pki retire-envelope-key ${previousKeyId}`,
      ].join('\n'),
    );
  });

  fleetOptions(pki.command('retire-envelope-key').description('delete previous envelope keys no agent seals to any more').argument('[keyId]'), ['dataDir'])
    .option('--all-previous', 'retire every previous key')
    .action((keyId: string | undefined, flags: FleetFlags & { allPrevious?: boolean }) => {
      const { dataDir } = pkiSettings.parse(flags, env);
      const fleetPki = initialised(dataDir);
      if ((keyId === undefined) === (flags.allPrevious !== true)) {
        throw new SettingsError('name one previous key id, or give --all-previous ("vigil pki envelope-keys" lists them)');
      }
      const ids = keyId !== undefined ? [keyId] : fleetPki.previousEnvelopeKeys().map((key) => key.keyId);
      try {
        for (const id of ids) fleetPki.retireEnvelopeKey(id);
      } catch (error) {
        throw new SettingsError((error as Error).message);
      }
      console.log(
        ids.length > 0
          ? `retired ${ids.join(', ')}; restart the ingestors to drop it from memory. An agent still sealing to it is refused (unknown-recipient-key), sent the current key, and re-sends its spool.`
          : 'no previous envelope keys to retire',
      );
    });

  fleetOptions(pki.command('envelope-keys').description('list the current envelope key and the previous ones the ingestor still opens'), ['dataDir']).action(
    (flags: FleetFlags) => {
      const { dataDir } = pkiSettings.parse(flags, env);
      const fleetPki = initialised(dataDir);
      console.log(`current   ${fleetPki.envelopeKeyId()}`);
      for (const key of fleetPki.previousEnvelopeKeys()) console.log(`previous  ${key.keyId}  (replaced ${key.replacedAt.toISOString()})`);
    },
  );

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

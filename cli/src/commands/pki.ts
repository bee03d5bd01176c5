import type { Command } from 'commander';
import { FleetPki } from '@vigil/proto';
import { fleetPaths, resolveSettings } from '../settings.js';
import { fleetOptions, type FleetFlags } from './options.js';

export function registerPki(program: Command): void {
  const pki = program.command('pki').description('fleet certificates and keys');

  fleetOptions(pki.command('init').description('create the fleet CA, broker certificate, service identities and the ingestor envelope key'), ['dataDir'])
    .option('--broker-host <name...>', 'extra DNS names or IPs the broker is reached at (localhost and 127.0.0.1 are always included)')
    .action(async (flags: FleetFlags & { brokerHost?: string[] }) => {
      const { dataDir } = resolveSettings(flags);
      const fleetPki = new FleetPki(fleetPaths(dataDir).pki);
      const created = await fleetPki.init({ brokerHosts: flags.brokerHost ?? [] });
      console.log(created.length > 0 ? `created in ${fleetPki.dir}:\n${created.map((c) => `  - ${c}`).join('\n')}` : `fleet PKI already complete in ${fleetPki.dir}; nothing changed`);
    });

  fleetOptions(pki.command('issue').description("issue a recorder's device certificate (CN = recorder id) and signing key").argument('<recorderId>'), ['dataDir'])
    .action(async (recorderId: string, flags: FleetFlags) => {
      const { dataDir } = resolveSettings(flags);
      const bundle = await new FleetPki(fleetPaths(dataDir).pki).issueDevice(recorderId);
      console.log(`issued ${recorderId}; copy this folder to the recorder host and set bundleDir to it in agent.yaml:\n  ${bundle.dir}`);
    });

  fleetOptions(pki.command('revoke').description('revoke a recorder: the broker refuses it and drops its live connection within seconds').argument('<recorderId>'), ['dataDir'])
    .action((recorderId: string, flags: FleetFlags) => {
      const { dataDir } = resolveSettings(flags);
      new FleetPki(fleetPaths(dataDir).pki).revoke(recorderId);
      console.log(`revoked ${recorderId}; a running broker drops it within seconds. Reissue with "vigil pki issue ${recorderId}" to let it back in.`);
    });
}

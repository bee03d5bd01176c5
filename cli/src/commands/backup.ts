import type { Command } from 'commander';
import { BackupError, backupDataDir, MANIFEST, restoreDataDir } from '../backup.js';
import { pkiSettings, SettingsError, type Environment } from '../settings/index.js';
import { fleetOptions, type FleetFlags } from './options.js';

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

export function registerBackup(program: Command, env: Environment): void {
  fleetOptions(
    program
      .command('backup')
      .description("copy the data directory while the fleet runs: databases through SQLite's backup API, pki/ with its permissions, and a manifest"),
    ['dataDir'],
  )
    .requiredOption('--to <dir>', 'a new (or empty) directory to write the backup to')
    .action(async (flags: FleetFlags & { to: string }) => {
      const { dataDir } = pkiSettings.parse(flags, env);
      try {
        const started = Date.now();
        const manifest = await backupDataDir(dataDir, flags.to);
        const databases = manifest.files.filter((file) => file.kind === 'sqlite');
        console.log(
          `backed up ${dataDir} to ${flags.to} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${databases.length} databases, ` +
            `${manifest.files.length - databases.length} other files, ${megabytes(manifest.totalBytes)} (see ${MANIFEST})`,
        );
      } catch (error) {
        if (error instanceof BackupError) throw new SettingsError(error.message);
        throw error;
      }
    });

  fleetOptions(
    program
      .command('restore')
      .description('check a backup made by "vigil backup" and copy it into a new data directory; then start the fleet on that directory'),
    ['dataDir'],
  )
    .requiredOption('--from <dir>', 'the backup directory')
    .action((flags: FleetFlags & { from: string }) => {
      const { dataDir } = pkiSettings.parse(flags, env);
      try {
        const { manifest, problems } = restoreDataDir(flags.from, dataDir);
        if (problems.length > 0) {
          throw new BackupError(`the backup in ${flags.from} does not match its manifest; nothing was restored:\n  - ${problems.join('\n  - ')}`);
        }
        console.log(
          `restored the backup of ${manifest.startedAt} (vigil ${manifest.vigilVersion}, ${manifest.files.length} files) into ${dataDir}; ` +
            `start the fleet with --data-dir ${dataDir}`,
        );
      } catch (error) {
        if (error instanceof BackupError) throw new SettingsError(error.message);
        throw error;
      }
    });
}

import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadAgentConfig } from '../config.js';
import { loadCredentials } from '../credentials.js';
import { UsageError } from '../cli/process.js';
import { insideSingleExecutable } from '../spool/sqlite.js';
import {
  type InstallSystem,
  LINUX_LAYOUT,
  linuxInstallPlan,
  linuxUninstallPlan,
  SERVICE_USER,
  WINDOWS_LAYOUT,
  watchedLogFolders,
  windowsInstallPlan,
  windowsUninstallPlan,
} from './plan.js';
import { carryOut, commandExists, currentSystem, linuxFolderFacts, readManifest, userExists } from './run.js';

interface CommonFlags {
  dryRun?: boolean;
  system?: string;
  root?: string;
}

/** The system to install for: --system, else this one; and whether this process may carry it out. */
function targetSystem(flags: CommonFlags): InstallSystem {
  const here = currentSystem();
  const system = flags.system ?? here;
  if (system !== 'linux' && system !== 'windows') {
    throw new UsageError(
      flags.system === undefined ? `install knows Linux and Windows, not ${process.platform}` : `--system is "${flags.system}": use linux or windows`,
    );
  }
  if (flags.root !== undefined && system !== 'linux') throw new UsageError('--root is for trying a Linux install in a folder; use --dry-run for Windows');
  if (flags.dryRun || flags.root !== undefined) return system;
  if (system !== here) throw new UsageError(`--system ${system} on ${here ?? process.platform}: only --dry-run can show another system's plan`);
  if (system === 'linux' && process.getuid?.() !== 0)
    throw new UsageError('run it as root (sudo): it adds a user, a systemd unit and files under /opt and /etc');
  return system;
}

/** A file carried inside the executable (agent/scripts/package.mjs puts it there). */
function asset(key: string): Uint8Array {
  const sea = process.getBuiltinModule?.('node:sea') as typeof import('node:sea') | undefined;
  if (!sea?.isSea()) throw new UsageError(`${key} comes inside the packaged agent: run install from vigil-agent-win-x64.exe (npm run package:agent)`);
  return new Uint8Array(sea.getAsset(key));
}

/** `vigil agent install` and `vigil agent uninstall` (`vigil-agent install` in the packaged agent). */
export function registerInstallCommands(
  agent: Command,
  options: {
    searchPath: string;
    /** Turns a ConfigError or UsageError into "vigil: ..." and exit code 2 (cli/commands.ts). */
    wrap: <A extends unknown[]>(action: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;
    print?: (line: string) => void;
  },
): void {
  const { wrap } = options;
  const print = options.print ?? ((line: string) => console.log(line));
  agent
    .command('install')
    .description('install this executable as a service: systemd unit (Linux) or Windows service, with the config and credentials')
    .requiredOption('--config <file>', 'the agent.yaml to install (checked first; its credentials are copied next to it)')
    .option('--dry-run', 'print every step (file written, command run) without doing it')
    .option('--system <linux|windows>', 'with --dry-run: show the plan for the other system')
    .option('--binary <file>', 'the executable to install (default: this one, when it is the packaged agent)')
    .option('--no-start', 'enable the service without starting it now')
    .option('--root <dir>', 'Linux: write the files under this folder and run no command (to look at an install)')
    .action(
      wrap(async (flags: CommonFlags & { config: string; binary?: string; start: boolean }) => {
        const system = targetSystem(flags);
        // The file as written: the service does not see this shell's VIGIL_* variables.
        const config = loadAgentConfig(flags.config);
        loadCredentials(config, flags.config);
        const binary = flags.binary ?? (insideSingleExecutable() && system === currentSystem() ? process.execPath : undefined);
        if (binary === undefined) {
          throw new UsageError(
            `--binary: name the packaged agent to install (dist/agent/vigil-agent-${system === 'windows' ? 'win-x64.exe' : 'linux-x64'}, from npm run package:agent)`,
          );
        }
        if (!flags.dryRun && !existsSync(binary)) throw new UsageError(`--binary: ${binary} does not exist`);
        const input = {
          configPath: flags.config,
          configText: readFileSync(flags.config, 'utf8'),
          config,
          binary,
          wrapper: { exe: () => asset('winsw/winsw.exe'), runtimeConfig: () => new TextDecoder().decode(asset('winsw/winsw.exe.config')) },
          userExists: system === 'linux' && userExists(SERVICE_USER),
          logFolders: system === 'linux' ? linuxFolderFacts(watchedLogFolders(config)) : [],
          hasSetfacl: system === 'linux' && commandExists('setfacl', options.searchPath),
          noStart: !flags.start,
          now: new Date(),
        };
        const { plan } = system === 'linux' ? linuxInstallPlan(input) : windowsInstallPlan(input);
        await carryOut(plan, { dryRun: flags.dryRun === true, root: flags.root, print });
        if (flags.dryRun) return;
        print(
          system === 'linux'
            ? `installed. Status: systemctl status vigil-agent; its log: journalctl -u vigil-agent -f; config: ${LINUX_LAYOUT.config}`
            : `installed. Status: sc.exe query vigil-agent; its log: ${WINDOWS_LAYOUT.logDir}; config: ${WINDOWS_LAYOUT.config}`,
        );
      }),
    );

  agent
    .command('uninstall')
    .description('remove what install put on this host; the spool stays unless --purge')
    .option('--purge', 'also remove the spool (observations not delivered yet are lost) and the user install created')
    .option('--dry-run', 'print every step without doing it')
    .option('--system <linux|windows>', 'with --dry-run: show the plan for the other system')
    .option('--root <dir>', 'Linux: the folder an install with --root wrote into')
    .action(
      wrap(async (flags: CommonFlags & { purge?: boolean }) => {
        const system = targetSystem(flags);
        const manifest = readManifest(system, system === 'linux' ? LINUX_LAYOUT.manifest : WINDOWS_LAYOUT.manifest, flags.root);
        const plan = system === 'linux' ? linuxUninstallPlan(manifest, flags.purge === true) : windowsUninstallPlan(manifest, flags.purge === true);
        await carryOut(plan, { dryRun: flags.dryRun === true, root: flags.root, print });
        if (!flags.dryRun) print(flags.purge ? 'uninstalled, spool included.' : 'uninstalled; kept what is listed above.');
      }),
    );
}

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MANAGER_KEY, type ServiceManager, type ServiceManagerSetting, type WatchedServiceConfig } from './config.js';
import { runFile, runShell, type CommandResult } from './run-command.js';
import { parseScQuery, SC_SERVICE_DOES_NOT_EXIST, SC_STATE_RUNNING } from './sc-query.js';

/**
 * 'unknown' is for when the check itself could not run (systemctl missing or hung, sc refused):
 * that says nothing about the service, so it must not raise service-stopped.
 */
export interface ProbeResult {
  state: 'running' | 'stopped' | 'unknown';
  detail: string;
}

export interface Probe {
  /** How it is checked, for check() and log lines. */
  readonly describe: string;
  run(signal: AbortSignal): Promise<ProbeResult>;
}

export interface ProbeContext {
  timeoutMs: number;
  /** Working directory of commands, so relative paths in them mean the config's folder. */
  cwd: string;
}

export interface HostFacts {
  platform: NodeJS.Platform;
  systemctlOnPath: boolean;
}

export function resolveManager(setting: ServiceManagerSetting, host: HostFacts): ServiceManager {
  if (setting !== 'auto') return setting;
  if (host.platform === 'win32') return 'windows';
  return host.systemctlOnPath ? 'systemd' : 'command';
}

/** Where systemd itself looks for programs: a PATH for library users that do not hand theirs down. */
export const STANDARD_SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(delimiter);

/** Whether `executable` is in one of the folders of `pathVariable` (a PATH value) and may be run. */
export function isOnPath(executable: string, pathVariable: string): boolean {
  return pathVariable.split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, executable), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The manager's own key wins; an entry's command is the fallback; null when neither is set. */
export function probeFor(entry: WatchedServiceConfig, manager: ServiceManager, context: ProbeContext): Probe | null {
  const native = entry[MANAGER_KEY[manager]];
  if (native !== undefined && manager === 'systemd') return systemdProbe(native, context);
  if (native !== undefined && manager === 'windows') return windowsProbe(native, context);
  if (entry.command !== undefined) return commandProbe(entry.command, context);
  return null;
}

/** systemctl is-active prints one state word; a reload is momentary, so it still counts as running. */
export function interpretIsActive(stdout: string): ProbeResult['state'] {
  const word = stdout.trim().split(/\s+/)[0] ?? '';
  if (word === 'active' || word === 'reloading') return 'running';
  if (['inactive', 'failed', 'activating', 'deactivating', 'maintenance'].includes(word)) return 'stopped';
  return 'unknown';
}

function systemdProbe(unit: string, context: ProbeContext): Probe {
  const describe = `systemctl is-active ${unit}`;
  return {
    describe,
    async run(signal) {
      const result = await runFile('systemctl', ['is-active', unit], { timeoutMs: context.timeoutMs, signal });
      const failure = toolFailure(result, context.timeoutMs);
      if (failure) return { state: 'unknown', detail: `${describe}: ${failure}` };
      const state = interpretIsActive(result.stdout);
      const said = result.stdout.trim() || result.stderr.trim() || `exit code ${result.exitCode}`;
      return { state, detail: `${describe}: ${said}` };
    },
  };
}

function windowsProbe(serviceName: string, context: ProbeContext): Probe {
  const describe = `sc query ${serviceName}`;
  return {
    describe,
    async run(signal) {
      // sc.exe, not sc: the name must not meet PowerShell's Set-Content alias if a shell is ever involved.
      const result = await runFile('sc.exe', ['query', serviceName], { timeoutMs: context.timeoutMs, signal });
      const failure = toolFailure(result, context.timeoutMs);
      if (failure) return { state: 'unknown', detail: `${describe}: ${failure}` };
      const parsed = parseScQuery(result.stdout + result.stderr);
      switch (parsed.kind) {
        case 'state':
          return { state: parsed.code === SC_STATE_RUNNING ? 'running' : 'stopped', detail: `${describe}: ${parsed.code} ${parsed.state}` };
        case 'error':
          // A VMS service that is not installed is not running; any other refusal tells us nothing.
          return { state: parsed.code === SC_SERVICE_DOES_NOT_EXIST ? 'stopped' : 'unknown', detail: `${describe}: error ${parsed.code} ${parsed.message}` };
        case 'unrecognised':
          return { state: 'unknown', detail: `${describe}: unrecognised output (exit code ${result.exitCode})` };
      }
    },
  };
}

/** The command is the check: exit 0 is running; anything else, a timeout included, is not. */
function commandProbe(commandLine: string, context: ProbeContext): Probe {
  return {
    describe: commandLine,
    async run(signal) {
      const result = await runShell(commandLine, { timeoutMs: context.timeoutMs, cwd: context.cwd, signal });
      if (result.aborted) return { state: 'unknown', detail: `${commandLine}: stopped` };
      if (result.spawnError)
        return { state: 'unknown', detail: `${commandLine}: cannot start a shell (${result.spawnError.code ?? result.spawnError.message})` };
      if (result.timedOut) return { state: 'stopped', detail: `${commandLine}: no answer within ${formatSeconds(context.timeoutMs)}, killed` };
      if (result.exitCode === 0) return { state: 'running', detail: `${commandLine}: exit code 0` };
      const said = firstLine(result.stderr);
      return { state: 'stopped', detail: `${commandLine}: exit code ${result.exitCode}${said ? ` (${said})` : ''}` };
    },
  };
}

function toolFailure(result: CommandResult, timeoutMs: number): string | null {
  if (result.aborted) return 'stopped';
  if (result.spawnError) return `cannot run it (${result.spawnError.code ?? result.spawnError.message})`;
  if (result.timedOut) return `no answer within ${formatSeconds(timeoutMs)}`;
  return null;
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0]?.slice(0, 200) ?? '';
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../cli/process.js';
import { runFile } from '../collectors/services/run-command.js';
import { parseScQuery, SC_SERVICE_DOES_NOT_EXIST } from '../collectors/services/sc-query.js';
import { insideSingleExecutable } from '../spool/sqlite.js';
import type { FolderFacts, InstallManifest, InstallSystem, Plan, Step } from './plan.js';

export interface CarryOutOptions {
  /** Print what would happen, do nothing. */
  dryRun: boolean;
  /**
   * Linux, for trying an install without touching the system: files go under this folder and no
   * command runs (each is printed as skipped). Owners are not set either.
   */
  root?: string | undefined;
  print: (line: string) => void;
}

const octal = (mode: number | undefined) => (mode === undefined ? '' : ` ${mode.toString(8).padStart(4, '0')}`);
const quote = (arg: string) => (/^[\w@%+=:,./\\-]+$/.test(arg) ? arg : `"${arg.replaceAll('"', '\\"')}"`);

/** One line per step, the same for --dry-run and for the real thing. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'mkdir':
      return `mkdir   ${step.path}${octal(step.mode)}${step.owner ? ` ${step.owner}` : ''}`;
    case 'copy':
      return `copy    ${step.from} -> ${step.to}${octal(step.mode)}${step.owner ? ` ${step.owner}` : ''}`;
    case 'write':
      return `write   ${step.path}${octal(step.mode)}${step.owner ? ` ${step.owner}` : ''}  (${step.describe})`;
    case 'symlink':
      return `symlink ${step.path} -> ${step.target}`;
    case 'run':
      return `run     ${step.argv.map(quote).join(' ')}  # ${step.why}${step.mayFail ? ' (a failure is reported, not fatal)' : ''}`;
    case 'wait-stopped':
      return `wait    until ${step.service} is stopped (sc query, at most ${step.timeoutSeconds} s)`;
    case 'remove':
      return `remove  ${step.path}`;
    case 'keep':
      return `keep    ${step.path}: ${step.why}`;
    case 'note':
      return `note    ${step.text}`;
  }
}

/** A plan's text, as --dry-run prints it. */
export function describePlan(plan: Plan): string {
  return [`${plan.action} (${plan.system}):`, ...plan.steps.map((step) => `  ${describeStep(step)}`)].join('\n');
}

function lookUpId(database: 'passwd' | 'group', name: string): number {
  const line = execFileSync('getent', [database, name], { encoding: 'utf8' });
  const id = Number(line.split(':')[2]);
  if (!Number.isInteger(id)) throw new Error(`getent ${database} ${name}: no id in "${line.trim()}"`);
  return id;
}

function setOwner(path: string, owner: string | undefined, options: CarryOutOptions): void {
  if (owner === undefined || options.root !== undefined || process.platform === 'win32') return;
  const [user = 'root', group = user] = owner.split(':');
  chownSync(path, lookUpId('passwd', user), lookUpId('group', group));
}

/** Carries a plan out (or prints it); stops at the first step that fails and is not allowed to. */
export async function carryOut(plan: Plan, options: CarryOutOptions): Promise<void> {
  const at = (path: string) => (options.root === undefined ? path : join(options.root, path));
  options.print(`${options.dryRun ? 'would ' : ''}${plan.action} (${plan.system}${options.root ? `, under ${options.root}, no commands` : ''}):`);
  for (const step of plan.steps) {
    options.print(`  ${describeStep(step)}`);
    if (options.dryRun) continue;
    try {
      await carryOutStep(step, at, options);
    } catch (error) {
      throw new Error(`${plan.action} stopped at "${describeStep(step)}": ${(error as Error).message}`);
    }
  }
}

async function carryOutStep(step: Step, at: (path: string) => string, options: CarryOutOptions): Promise<void> {
  switch (step.kind) {
    case 'mkdir':
      mkdirSync(at(step.path), { recursive: true });
      if (step.mode !== undefined) chmodSync(at(step.path), step.mode);
      setOwner(at(step.path), step.owner, options);
      return;
    case 'copy': {
      // Under --root the system's own folders (/etc/systemd/system, ...) are not there yet.
      if (options.root !== undefined) mkdirSync(dirname(at(step.to)), { recursive: true });
      // Written beside and renamed over: a running agent keeps its file (a reinstall over itself).
      const temporary = `${at(step.to)}.new`;
      copyFileSync(step.from, temporary);
      if (step.mode !== undefined) chmodSync(temporary, step.mode);
      setOwner(temporary, step.owner, options);
      replace(temporary, at(step.to));
      return;
    }
    case 'write': {
      if (options.root !== undefined) mkdirSync(dirname(at(step.path)), { recursive: true });
      const temporary = `${at(step.path)}.new`;
      writeFileSync(temporary, step.content());
      if (step.mode !== undefined) chmodSync(temporary, step.mode);
      setOwner(temporary, step.owner, options);
      replace(temporary, at(step.path));
      return;
    }
    case 'symlink': {
      const path = at(step.path);
      mkdirSync(dirname(path), { recursive: true });
      rmSync(path, { force: true });
      symlinkSync(step.target, path);
      return;
    }
    case 'run': {
      if (options.root !== undefined) {
        options.print('          (not run: --root)');
        return;
      }
      const result = spawnSync(step.argv[0] as string, step.argv.slice(1), { encoding: 'utf8', windowsHide: true });
      const said = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
      if (said) options.print(said.replace(/^/gm, '          '));
      if (result.error || result.status !== 0) {
        const why = result.error ? ((result.error as NodeJS.ErrnoException).code ?? result.error.message) : `exit code ${result.status}`;
        if (step.mayFail) options.print(`          (failed: ${why}; going on)`);
        else throw new Error(`${step.argv[0]} failed (${why})`);
      }
      return;
    }
    case 'wait-stopped': {
      if (options.root !== undefined) return;
      const until = Date.now() + step.timeoutSeconds * 1000;
      for (;;) {
        const result = await runFile('sc.exe', ['query', step.service], { timeoutMs: 10_000 });
        const parsed = parseScQuery(result.stdout + result.stderr);
        if (parsed.kind === 'state' && parsed.state === 'STOPPED') return;
        if (parsed.kind === 'error' && parsed.code === SC_SERVICE_DOES_NOT_EXIST) return;
        if (parsed.kind === 'unrecognised' || Date.now() > until) {
          options.print(`          (still not stopped: ${parsed.kind === 'state' ? parsed.state : 'sc query said nothing useful'}; going on)`);
          return;
        }
        await new Promise((done) => setTimeout(done, 500));
      }
    }
    case 'remove':
      removeInstalled(at(step.path), options);
      return;
    case 'keep':
    case 'note':
      return;
  }
}

function replace(temporary: string, path: string): void {
  try {
    // renameSync over a running .exe fails on Windows; the old one is moved aside first.
    writeOver(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function writeOver(temporary: string, path: string): void {
  try {
    renameSync(temporary, path);
  } catch (error) {
    if (process.platform !== 'win32' || !existsSync(path)) throw error;
    const aside = `${path}.old-${Date.now()}`;
    renameSync(path, aside);
    renameSync(temporary, path);
    rmSync(aside, { force: true });
  }
}

/**
 * Removes an installed file or folder. On Windows the running executable cannot be deleted, so
 * when uninstall runs from the installed copy its folder is removed by a cmd.exe started to
 * outlive this process.
 */
function removeInstalled(path: string, options: CarryOutOptions): void {
  const running = resolve(process.execPath);
  const holdsUs = running === resolve(path) || !relative(resolve(path), running).startsWith('..');
  if (process.platform === 'win32' && insideSingleExecutable() && holdsUs && options.root === undefined) {
    spawn('cmd.exe', ['/d', '/c', `ping -n 6 127.0.0.1 >nul & rmdir /s /q "${path}"`], { detached: true, stdio: 'ignore', windowsHide: true }).unref();
    options.print(`          (this program runs from there: removed a few seconds after it exits)`);
    return;
  }
  try {
    unlinkSync(path);
  } catch {
    rmSync(path, { recursive: true, force: true });
  }
}

/** The log folders as this host has them: mode and owning group, for deciding how to grant read access. */
export function linuxFolderFacts(paths: string[]): FolderFacts[] {
  return paths.map((path) => {
    try {
      const stat = statSync(path);
      let group: string | undefined;
      try {
        group = execFileSync('getent', ['group', String(stat.gid)], { encoding: 'utf8' }).split(':')[0];
      } catch {
        group = undefined;
      }
      return { path, mode: stat.mode & 0o7777, ...(group ? { group } : {}) };
    } catch {
      return { path };
    }
  });
}

export function userExists(name: string): boolean {
  return spawnSync('getent', ['passwd', name], { stdio: 'ignore' }).status === 0;
}

export function commandExists(name: string, searchPath: string): boolean {
  return searchPath.split(':').some((dir) => dir !== '' && existsSync(join(dir, name)));
}

/** The manifest install wrote, if any (under --root when given). */
export function readManifest(system: InstallSystem, path: string, root: string | undefined): InstallManifest | undefined {
  const at = root === undefined ? path : join(root, path);
  let text: string;
  try {
    text = readFileSync(at, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: InstallManifest;
  try {
    parsed = JSON.parse(text) as InstallManifest;
  } catch {
    throw new UsageError(`${at} is not JSON; it is what "vigil-agent install" wrote for uninstall: restore it, or remove the files by hand (docs/INSTALL.md)`);
  }
  if (parsed.version !== 1 || parsed.system !== system) throw new UsageError(`${at} is not an install manifest for ${system}`);
  return parsed;
}

/** The system this process runs on, as install knows it; undefined on others (macOS). */
export function currentSystem(): InstallSystem | undefined {
  if (process.platform === 'linux') return 'linux';
  if (process.platform === 'win32') return 'windows';
  return undefined;
}

import { spawn } from 'node:child_process';

export interface CommandResult {
  /** null when the process did not exit by itself (timed out, aborted, or never started). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError?: NodeJS.ErrnoException;
}

export interface RunOptions {
  timeoutMs: number;
  cwd?: string;
  /** Aborting kills the process tree, like a timeout. */
  signal?: AbortSignal;
  /** Output beyond this is dropped; a probe only needs a few lines. */
  maxOutputBytes?: number;
}

/** Runs `file args` directly, without a shell. */
export function runFile(file: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
  return run(file, args, false, options);
}

/** Runs one command line through the platform shell (/bin/sh -c, or cmd.exe on Windows). */
export function runShell(commandLine: string, options: RunOptions): Promise<CommandResult> {
  return run(commandLine, [], true, options);
}

/**
 * Unlike execFile's own timeout, this kills the whole process tree and answers at once: the
 * shell's children (`sleep`, a hung tool) would otherwise keep the output pipes open and delay
 * the answer until they end by themselves.
 */
function run(file: string, args: readonly string[], shell: boolean, options: RunOptions): Promise<CommandResult> {
  const limit = options.maxOutputBytes ?? 64 * 1024;
  return new Promise((resolvePromise) => {
    if (options.signal?.aborted) {
      resolvePromise({ exitCode: null, stdout: '', stderr: '', timedOut: false, aborted: true });
      return;
    }
    const isWindows = process.platform === 'win32';
    const child = spawn(file, args, {
      shell,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group on POSIX, so a timeout can kill everything the command started.
      detached: !isWindows,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let kept = 0;
    const keep = (into: Buffer[]) => (chunk: Buffer) => {
      if (kept >= limit) return;
      into.push(chunk.subarray(0, limit - kept));
      kept += chunk.length;
    };
    child.stdout.on('data', keep(stdout));
    child.stderr.on('data', keep(stderr));

    let settled = false;
    const finish = (result: Omit<CommandResult, 'stdout' | 'stderr'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolvePromise({ ...result, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    };
    const killTree = () => {
      if (child.pid === undefined) return;
      try {
        if (isWindows) spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const onAbort = () => {
      killTree();
      finish({ exitCode: null, timedOut: false, aborted: true });
    };
    const timer = setTimeout(() => {
      killTree();
      finish({ exitCode: null, timedOut: true, aborted: false });
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error: NodeJS.ErrnoException) => finish({ exitCode: null, timedOut: false, aborted: false, spawnError: error }));
    child.on('close', (code) => finish({ exitCode: code, timedOut: false, aborted: false }));
  });
}
